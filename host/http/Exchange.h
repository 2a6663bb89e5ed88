// The request and response of one HTTP exchange as a route (plugin or
// built-in) sees them: the host's side of the opaque jiffy_request and
// jiffy_response handles in abi.h. The dispatcher fills the request and
// writes the response; the host API (plugins/HostApi.cpp) reads and writes
// them for route plugins.
#pragma once

#include <jiffy/abi.h>

#include <Poco/Net/NameValueCollection.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

/// A request handed to a route plugin; views point into storage owned by
/// the HTTP layer for the duration of the call.
struct jiffy_request {
    std::string_view parts[9]; ///< indexed by JIFFY_REQ_*
    std::vector<std::pair<std::string_view, std::string>> params;
    const Poco::Net::NameValueCollection* headers = nullptr;
};

/// The response a route plugin builds.
struct jiffy_response {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};
