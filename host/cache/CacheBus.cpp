#include "cache/CacheBus.h"

#include <algorithm>

namespace jiffy::host {

void CacheBus::subscribe(const std::string& cache, Callback fn, void* ctx, const void* owner)
{
    std::lock_guard<std::mutex> lock(mutex_);
    subs_.push_back({cache, fn, ctx, owner});
}

void CacheBus::unsubscribeAll(const void* owner)
{
    std::lock_guard<std::mutex> lock(mutex_);
    subs_.erase(std::remove_if(subs_.begin(), subs_.end(), [owner](const Subscription& s) { return s.owner == owner; }),
                subs_.end());
}

void CacheBus::deliverLocal(const std::string& cache, const std::string& key)
{
    std::vector<Subscription> targets;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        for (const auto& s : subs_)
            if (s.cache == cache) targets.push_back(s);
    }
    for (const auto& s : targets) s.fn(s.ctx, key.data(), key.size());
}

void CacheBus::deliverAllLocal()
{
    std::vector<Subscription> targets;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        targets = subs_;
    }
    for (const auto& s : targets) s.fn(s.ctx, "", 0);
}

void CacheBus::invalidate(const std::string& cache, const std::string& key)
{
    deliverLocal(cache, key);
    std::function<void(const std::string&, const std::string&)> remote;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        remote = remote_;
    }
    if (remote) remote(cache, key);
}

void CacheBus::setRemote(std::function<void(const std::string&, const std::string&)> remote)
{
    std::lock_guard<std::mutex> lock(mutex_);
    remote_ = std::move(remote);
}

} // namespace jiffy::host
