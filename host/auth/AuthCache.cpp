#include "auth/AuthCache.h"

#include <Poco/Logger.h>

#include <mutex>

namespace jiffy::host::auth {

void AuthCache::reload()
{
    std::unordered_set<uint64_t> active;
    std::unordered_map<std::string, std::unordered_set<std::string>> grants;
    try {
        for (int64_t id : store_.activeUsrIds()) active.insert(static_cast<uint64_t>(id));
        for (auto& [group, auth] : store_.grants()) grants[group].insert(auth);
    } catch (const Poco::Exception& e) {
        Poco::Logger::get("jiffyd.auth").error("cannot reload the authorization cache: %s", e.displayText());
        return;
    }
    std::unique_lock<std::shared_mutex> lock(mutex_);
    active_.swap(active);
    grants_.swap(grants);
}

bool AuthCache::isActive(uint64_t uid) const
{
    std::shared_lock<std::shared_mutex> lock(mutex_);
    return active_.count(uid) != 0;
}

bool AuthCache::allows(const std::vector<std::string>& groups, const std::string& authName) const
{
    std::shared_lock<std::shared_mutex> lock(mutex_);
    for (const auto& g : groups) {
        auto it = grants_.find(g);
        if (it != grants_.end() && it->second.count(authName)) return true;
    }
    return false;
}

} // namespace jiffy::host::auth
