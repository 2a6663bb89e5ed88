// Cache invalidation fan-out. Plugins subscribe to named caches through the
// host API; an invalidation runs every local subscriber and is handed to the
// `remote` hook, which the cluster layer sets to broadcast it to peers.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace jiffy::host {

class CacheBus {
public:
    using Callback = void (*)(void* ctx, const char* key, size_t keyLen);

    /// Registers a subscriber owned by `owner` (a plugin instance context).
    void subscribe(const std::string& cache, Callback fn, void* ctx, const void* owner);
    /// Drops every subscription of `owner`.
    void unsubscribeAll(const void* owner);
    /// Runs local subscribers of `cache`, then the remote hook if set.
    void invalidate(const std::string& cache, const std::string& key);
    /// Runs local subscribers only (for invalidations arriving from peers).
    void deliverLocal(const std::string& cache, const std::string& key);
    /// Runs every local subscriber of every cache with an empty key
    /// ("everything"): a member that was cut off drops all it cached.
    void deliverAllLocal();
    /// Sets the hook that forwards invalidations to other instances.
    void setRemote(std::function<void(const std::string&, const std::string&)> remote);

private:
    struct Subscription {
        std::string cache;
        Callback fn;
        void* ctx;
        const void* owner;
    };
    std::mutex mutex_;
    std::vector<Subscription> subs_;
    std::function<void(const std::string&, const std::string&)> remote_;
};

} // namespace jiffy::host
