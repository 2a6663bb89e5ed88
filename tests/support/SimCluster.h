// A group of ClusterNodes on a SimNetwork sharing one MemoryClusterStore,
// driven in virtual time: nodes can be killed, paused (SIGSTOP: no ticks, no
// processing, frames wait), resumed, restarted on their address and cut off.
// Every step records who acts as leader, so tests can check over the whole
// history that no two members ever led in one term or at one instant.
#pragma once

#include "cluster/ClusterNode.h"
#include "support/MemoryClusterStore.h"
#include "support/SimNetwork.h"

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace jiffy::test {

class SimCluster {
public:
    using TimeMs = std::int64_t;

    struct Node {
        std::string address;
        std::unique_ptr<SimNetwork::Endpoint> endpoint;
        std::unique_ptr<cluster::ClusterNode> node;
        bool running = false; ///< false once killed
        bool paused = false;
        int cacheDrops = 0;
        std::vector<std::pair<std::string, std::string>> invalidations;
    };

    explicit SimCluster(cluster::NodeParams params, std::uint64_t seed = 1, TimeMs step = 50);

    /// Starts a node on 10.0.0.<i+1>:7946 (i = its index); returns the index.
    std::size_t add();
    void kill(std::size_t i);
    void pause(std::size_t i);
    void resume(std::size_t i);
    /// kill + a fresh process (new ClusterNode, no memory) on the same address.
    void restart(std::size_t i);
    void cutOff(std::size_t i, bool cut);

    void run(TimeMs duration);
    /// Runs until `done()` holds (checked every step) or `limit` passes; true if it held.
    bool runUntil(const std::function<bool()>& done, TimeMs limit);

    TimeMs now() const { return now_; }
    std::size_t size() const { return nodes_.size(); }
    Node& at(std::size_t i) { return *nodes_.at(i); }
    cluster::ClusterNode& node(std::size_t i) { return *nodes_.at(i)->node; }
    SimNetwork& network() { return net_; }
    MemoryClusterStore& store() { return store_; }
    const cluster::NodeParams& params() const { return params_; }

    /// Running, unpaused nodes.
    std::vector<std::size_t> live() const;
    /// Indexes acting as leader now.
    std::vector<std::size_t> leaders() const;
    /// The status node `observer` holds for node `subject`'s current PID (nullopt if unknown).
    std::optional<cluster::Status> statusSeenBy(std::size_t observer, std::size_t subject) const;
    /// True when every live node is a member, sees every other live node ALIVE and agrees on one acting leader.
    bool converged() const;

    /// Leadership history checks: empty string when fine, else what broke.
    std::string leadershipViolations() const;
    /// Every term any node ever acted as leader in, in order of first appearance.
    const std::vector<std::uint64_t>& termsLed() const { return termOrder_; }

private:
    void step();
    void wire(Node& n);

    cluster::NodeParams params_;
    std::uint64_t seed_;
    TimeMs step_;
    TimeMs now_ = 0;
    SimNetwork net_;
    MemoryClusterStore store_;
    std::vector<std::unique_ptr<Node>> nodes_;
    std::map<std::uint64_t, std::set<std::string>> leadersByTerm_; ///< term → "address/pid"s that acted in it
    std::vector<std::uint64_t> termOrder_;
    std::string overlap_; ///< first instant with two acting leaders
};

} // namespace jiffy::test
