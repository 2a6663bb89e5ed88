// Failed-login throttling per email and per client address: after too many
// failures inside a window, further attempts are refused (429 with
// Retry-After) until the lockout passes. Memory is bounded.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace jiffy::host::auth {

class LoginThrottle {
public:
    using Clock = std::chrono::steady_clock;

    LoginThrottle(int maxFailures, int windowS, int lockoutS, size_t maxKeys = 100000);

    /// Seconds until `key` may try again; 0 when it may try now.
    int64_t retryAfter(const std::string& key, Clock::time_point now = Clock::now());
    /// Records a failure; returns the lockout seconds it started (0 if none).
    int64_t fail(const std::string& key, Clock::time_point now = Clock::now());
    /// Forgets `key` (after a successful login).
    void reset(const std::string& key);
    /// New limits for the next decisions (a config reload); counted failures stay.
    void setLimits(int maxFailures, int windowS, int lockoutS);

private:
    struct Entry {
        int failures = 0;
        Clock::time_point windowStart;
        Clock::time_point lockedUntil;
    };
    void prune(Clock::time_point now);

    int maxFailures_;
    std::chrono::seconds window_, lockout_;
    size_t maxKeys_;
    std::mutex mutex_;
    std::unordered_map<std::string, Entry> entries_;
};

} // namespace jiffy::host::auth
