// What authorization needs on every request, in memory: which users are
// active and which auth names each group holds. Reloaded from the database
// after every write to the auth tables (announced through the host's cache
// bus, so peers reload too) and every `cache_refresh_s` as a safety net.
#pragma once

#include "auth/AuthStore.h"

#include <cstdint>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace jiffy::host::auth {

class AuthCache {
public:
    explicit AuthCache(AuthStore& store) : store_(store) {}

    /// Reads users and grants again; keeps the old state if the database fails.
    void reload();
    bool isActive(uint64_t uid) const;
    /// True when one of `groups` holds `authName` (jiffy's rule).
    bool allows(const std::vector<std::string>& groups, const std::string& authName) const;

private:
    AuthStore& store_;
    mutable std::shared_mutex mutex_;
    std::unordered_set<uint64_t> active_;
    std::unordered_map<std::string, std::unordered_set<std::string>> grants_;
};

} // namespace jiffy::host::auth
