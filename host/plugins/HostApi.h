// The host API table (jiffy_host_api in abi.h) handed to every plugin when
// it is created; its functions are defined in HostApi.cpp.
#pragma once

#include <jiffy/abi.h>

namespace jiffy::host {

/// The host API table handed to every plugin; static, valid for the process.
const jiffy_host_api* hostApi();

} // namespace jiffy::host
