// An in-memory network with a virtual clock for the cluster's pure logic:
// frames are delivered after a small random latency, may be lost at a set
// rate, never reach a member that is cut off, and wait in a bounded backlog
// while their receiver is paused (as a SIGSTOPped process's socket would).
// Deterministic for a given seed.
#pragma once

#include "cluster/Transport.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <queue>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace jiffy::test {

class SimNetwork {
public:
    using TimeMs = std::int64_t;

    class Endpoint : public cluster::Transport {
    public:
        Endpoint(SimNetwork& net, std::string address) : net_(net), address_(std::move(address)) {}
        bool send(const std::string& address, const cluster::Envelope& env, std::string_view payload) override;
        void setReceiver(Receiver receiver) override { receiver_ = std::move(receiver); }
        const std::string& localAddress() const override { return address_; }

    private:
        friend class SimNetwork;
        SimNetwork& net_;
        std::string address_;
        Receiver receiver_;
    };

    explicit SimNetwork(std::uint64_t seed = 1) : rng_(seed) {}

    /// A new endpoint on `address`, replacing (detaching) any earlier one there.
    std::unique_ptr<Endpoint> attach(const std::string& address);
    void detach(const Endpoint* ep);

    void setLoss(double fraction) { loss_ = fraction; }
    void setPaused(const std::string& address, bool paused);
    void setCutOff(const std::string& address, bool cut);
    /// Delivers every frame due by `t` (and advances the clock to it).
    void deliverUntil(TimeMs t);
    TimeMs now() const { return now_; }

    std::uint64_t sentBy(const std::string& address) const;
    std::uint64_t sentTotal() const { return sentTotal_; }

private:
    struct Frame {
        TimeMs at;
        std::uint64_t seq;
        std::string from, to;
        cluster::Envelope env;
        std::string payload;
        bool operator>(const Frame& o) const { return at != o.at ? at > o.at : seq > o.seq; }
    };
    void deliver(Frame& f);

    std::mt19937_64 rng_;
    double loss_ = 0;
    TimeMs now_ = 0;
    std::uint64_t seq_ = 0;
    std::priority_queue<Frame, std::vector<Frame>, std::greater<>> inFlight_;
    std::map<std::string, Endpoint*> endpoints_;
    std::set<std::string> paused_, cut_;
    std::map<std::string, std::vector<Frame>> backlog_;
    std::map<std::string, std::uint64_t> sent_;
    std::uint64_t sentTotal_ = 0;
};

} // namespace jiffy::test
