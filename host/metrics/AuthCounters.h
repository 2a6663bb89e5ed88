// Process-wide counters of the login path (failed logins, logins refused by
// the throttle), incremented by AuthService::authenticate and rendered on
// /metrics. Plain relaxed atomics: no lock, no lookup.
#pragma once

#include <atomic>
#include <cstdint>

namespace jiffy::host::metrics {

struct AuthCounters {
    std::atomic<uint64_t> loginFailures{0};  ///< wrong email or password
    std::atomic<uint64_t> loginThrottled{0}; ///< answered 429 by the throttle

    static AuthCounters& instance()
    {
        static AuthCounters counters;
        return counters;
    }
};

} // namespace jiffy::host::metrics
