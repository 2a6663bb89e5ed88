// The id of the request the current thread is serving, so every message
// logged while it runs (host or plugin) can carry it. Set by the dispatcher
// for the duration of one exchange; empty outside requests.
#pragma once

#include <string>

namespace jiffy::host::logging {

/// The current thread's request id, or null outside a request.
const std::string* currentRequestId();

/// Sets the current request id for one scope and restores the previous one.
class RequestScope {
public:
    explicit RequestScope(const std::string* id);
    ~RequestScope();
    RequestScope(const RequestScope&) = delete;
    RequestScope& operator=(const RequestScope&) = delete;

private:
    const std::string* previous_;
};

} // namespace jiffy::host::logging
