// The cluster as jiffyd runs it: the authenticated TCP bus on
// internal_address (bus/TcpBus.h), a KvsClusterStore over the running KVS
// plugin and one ClusterNode, driven by one thread. The bus's receive thread
// only queues frames; the node thread ticks the node (steady clock), feeds it
// the queued frames, invalidations and the departure, and publishes a
// snapshot that /cluster and /metrics read. Cache invalidations that arrive
// from peers are handed to a third thread, so a slow subscriber (an auth
// cache reload from the database) never delays probing.
//
// The host talks to it through plain callbacks (invalidations and "drop your
// caches"); it knows nothing of http/ or auth/.
#pragma once

#include "cluster/ClusterNode.h"
#include "cluster/ClusterState.h"
#include "cluster/KvsClusterStore.h"
#include "cluster/bus/TcpBus.h"

#include <Poco/Logger.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace jiffy::host {

struct ClusterServiceOptions {
    std::string address;                 ///< internal_address, "ip:port"
    std::string key;                     ///< the bus secret (hmac_Key)
    std::uint32_t pingCycleSeconds = 1;  ///< ping_cycle
    std::uint64_t failureThreshold = 5;  ///< failure_threshold
    std::size_t maxQueuedFrames = 10000; ///< received frames waiting for the node thread; more are dropped
    ClusterState* state = nullptr;       ///< when set: term and lease published there after every tick (for plugins)
};

class ClusterService {
public:
    using InvalidateHandler = std::function<void(const std::string& cache, const std::string& key)>;
    using DropCachesHandler = std::function<void()>;

    explicit ClusterService(ClusterServiceOptions options, Poco::Logger& log = Poco::Logger::get("jiffyd.cluster"));
    ~ClusterService();
    ClusterService(const ClusterService&) = delete;
    ClusterService& operator=(const ClusterService&) = delete;

    /// Binds the bus (before the plugins start). Throws host::AddressInUse
    /// ("internal_address A: already in use") or Poco::Exception.
    void bind();
    /// Joins the cluster through `kvs` (already started) and starts the node
    /// thread. Set the handlers first.
    void start(const KvsInstance& kvs);
    /// Announces DEPARTING and releases the lease; returns once the node did
    /// it and the bus wrote (or gave up on) the frames, within ~2 s.
    void depart();
    /// Stops the node thread and the bus. Idempotent.
    void stop();

    /// Broadcasts a cache invalidation to the other members (thread-safe; queued).
    void invalidate(const std::string& cache, const std::string& key);
    /// Runs (on the delivery thread) for every invalidation a peer sent.
    void onInvalidate(InvalidateHandler h) { onInvalidate_ = std::move(h); }
    /// Runs (on the delivery thread) when this member may have missed invalidations: it stalled
    /// for a suspicion timeout, was declared FAILED, or merged back into the leader's group.
    void onDropCaches(DropCachesHandler h) { onDropCaches_ = std::move(h); }

    /// `{"self":..,"leader":..,"term":..,"members":[{"pid","address","status","incarnation"}]}`
    std::string viewJson() const;
    /// The node's and the bus's counters, Prometheus text, names jiffy_cluster_*.
    std::string renderMetrics() const;

private:
    struct Frame {
        std::string from;
        cluster::Envelope env;
        std::string payload;
    };
    struct Delivery {
        bool dropAll = false;
        std::string cache, key;
    };
    void nodeLoop();
    void deliveryLoop();
    void publish(cluster::TimeMs now);
    void deliver(Delivery d);
    static cluster::TimeMs steadyNow();

    ClusterServiceOptions opt_;
    Poco::Logger& log_;
    cluster::bus::TcpBus bus_;
    std::unique_ptr<KvsClusterStore> store_;
    std::unique_ptr<cluster::ClusterNode> node_;
    InvalidateHandler onInvalidate_;
    DropCachesHandler onDropCaches_;

    // node thread input
    std::mutex inMutex_;
    std::condition_variable inCv_;
    std::deque<Frame> frames_;
    std::deque<std::pair<std::string, std::string>> outgoing_;
    bool departRequested_ = false;
    bool departed_ = false;
    bool stopping_ = false;
    std::condition_variable departedCv_;
    std::atomic<std::uint64_t> framesOverflowed_{0};

    // delivery thread input
    std::mutex deliveryMutex_;
    std::condition_variable deliveryCv_;
    std::deque<Delivery> deliveries_;
    bool deliveryStopping_ = false;
    std::atomic<std::uint64_t> invalidationsReceived_{0};
    std::atomic<std::uint64_t> invalidationsSent_{0};
    std::atomic<std::uint64_t> cacheDrops_{0};

    // what /cluster and /metrics read
    mutable std::mutex snapMutex_;
    cluster::ClusterView view_;
    cluster::NodeCounters counters_;

    std::thread nodeThread_;
    std::thread deliveryThread_;
    bool bound_ = false;
    bool stopped_ = false;
};

} // namespace jiffy::host
