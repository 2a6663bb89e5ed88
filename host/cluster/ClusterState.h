// What plugins may ask of the cluster (jiffy_host_api.cluster_term and
// is_leader): the leadership term and the end of this instance's lease,
// published by the cluster's node thread after every tick and read by any
// thread without a lock. is_leader() compares the lease's end with the clock
// at the moment of the call, so a stalled node thread never makes a lapsed
// lease look held.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace jiffy::host {

class ClusterState {
public:
    /// Steady-clock milliseconds, the cluster node's clock.
    static std::int64_t nowMs()
    {
        using namespace std::chrono;
        return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
    }

    /// By the node thread: the highest term seen, and until when this instance holds the lease (0: it does not).
    void publish(std::uint64_t term, std::int64_t leaderUntilMs)
    {
        leaderUntil_.store(leaderUntilMs, std::memory_order_relaxed);
        term_.store(term, std::memory_order_release);
    }
    /// The highest leadership term this instance has seen (0 before the first election); only grows.
    std::uint64_t term() const { return term_.load(std::memory_order_acquire); }
    /// True while this instance holds the leader lease, now.
    bool isLeader() const { return nowMs() < leaderUntil_.load(std::memory_order_relaxed); }

private:
    std::atomic<std::uint64_t> term_{0};
    std::atomic<std::int64_t> leaderUntil_{0};
};

} // namespace jiffy::host
