#include "auth/LoginThrottle.h"

namespace jiffy::host::auth {

LoginThrottle::LoginThrottle(int maxFailures, int windowS, int lockoutS, size_t maxKeys)
    : maxFailures_(maxFailures), window_(windowS), lockout_(lockoutS), maxKeys_(maxKeys)
{
}

int64_t LoginThrottle::retryAfter(const std::string& key, Clock::time_point now)
{
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second.lockedUntil <= now) return 0;
    return std::chrono::duration_cast<std::chrono::seconds>(it->second.lockedUntil - now).count() + 1;
}

int64_t LoginThrottle::fail(const std::string& key, Clock::time_point now)
{
    std::lock_guard<std::mutex> lock(mutex_);
    if (entries_.size() >= maxKeys_) prune(now);
    Entry& e = entries_[key];
    if (e.failures == 0 || now - e.windowStart > window_) {
        e.failures = 0;
        e.windowStart = now;
    }
    if (++e.failures >= maxFailures_) {
        e.lockedUntil = now + lockout_;
        e.failures = 0;
        return lockout_.count();
    }
    return 0;
}

void LoginThrottle::reset(const std::string& key)
{
    std::lock_guard<std::mutex> lock(mutex_);
    entries_.erase(key);
}

void LoginThrottle::setLimits(int maxFailures, int windowS, int lockoutS)
{
    std::lock_guard<std::mutex> lock(mutex_);
    maxFailures_ = maxFailures;
    window_ = std::chrono::seconds(windowS);
    lockout_ = std::chrono::seconds(lockoutS);
}

void LoginThrottle::prune(Clock::time_point now)
{
    for (auto it = entries_.begin(); it != entries_.end();) {
        bool stale = it->second.lockedUntil <= now && now - it->second.windowStart > window_;
        it = stale ? entries_.erase(it) : std::next(it);
    }
    // An attacker spraying keys cannot make us grow without bound: when
    // everything is fresh, the oldest half of the table is forgotten.
    while (entries_.size() >= maxKeys_) entries_.erase(entries_.begin());
}

} // namespace jiffy::host::auth
