#include "logging/RequestContext.h"

namespace jiffy::host::logging {
namespace {
thread_local const std::string* tCurrent = nullptr;
}

const std::string* currentRequestId()
{
    return tCurrent;
}

RequestScope::RequestScope(const std::string* id) : previous_(tCurrent)
{
    tCurrent = id;
}

RequestScope::~RequestScope()
{
    tCurrent = previous_;
}

} // namespace jiffy::host::logging
