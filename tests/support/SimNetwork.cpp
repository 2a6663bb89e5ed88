#include "support/SimNetwork.h"

namespace jiffy::test {

namespace {
constexpr std::size_t kBacklogLimit = 4096; // frames a paused member's "socket buffer" holds
}

bool SimNetwork::Endpoint::send(const std::string& address, const cluster::Envelope& env, std::string_view payload)
{
    SimNetwork& n = net_;
    if (n.endpoints_.count(address_) == 0 || n.endpoints_.at(address_) != this) return false; // detached
    ++n.sent_[address_];
    ++n.sentTotal_;
    if (n.cut_.count(address_) || n.cut_.count(address)) return true;
    if (n.loss_ > 0 && std::uniform_real_distribution<double>(0, 1)(n.rng_) < n.loss_) return true;
    TimeMs latency = 1 + static_cast<TimeMs>(n.rng_() % 5);
    n.inFlight_.push(Frame{n.now_ + latency, n.seq_++, address_, address, env, std::string(payload)});
    return true;
}

std::unique_ptr<SimNetwork::Endpoint> SimNetwork::attach(const std::string& address)
{
    auto ep = std::make_unique<Endpoint>(*this, address);
    endpoints_[address] = ep.get();
    backlog_.erase(address);
    return ep;
}

void SimNetwork::detach(const Endpoint* ep)
{
    auto it = endpoints_.find(ep->localAddress());
    if (it != endpoints_.end() && it->second == ep) endpoints_.erase(it);
}

void SimNetwork::setPaused(const std::string& address, bool paused)
{
    if (paused) {
        paused_.insert(address);
        return;
    }
    paused_.erase(address);
    auto frames = std::move(backlog_[address]);
    backlog_.erase(address);
    for (auto& f : frames) deliver(f);
}

void SimNetwork::setCutOff(const std::string& address, bool cut)
{
    if (cut) {
        cut_.insert(address);
    } else {
        cut_.erase(address);
    }
}

void SimNetwork::deliverUntil(TimeMs t)
{
    while (!inFlight_.empty() && inFlight_.top().at <= t) {
        Frame f = inFlight_.top();
        inFlight_.pop();
        now_ = f.at;
        if (cut_.count(f.from) || cut_.count(f.to)) continue; // cut while in flight
        if (paused_.count(f.to)) {
            auto& q = backlog_[f.to];
            if (q.size() < kBacklogLimit) q.push_back(std::move(f));
            continue;
        }
        deliver(f);
    }
    now_ = t;
}

void SimNetwork::deliver(Frame& f)
{
    auto it = endpoints_.find(f.to);
    if (it == endpoints_.end() || !it->second->receiver_) return; // nobody listens there: connection refused
    it->second->receiver_(f.from, f.env, f.payload);
}

std::uint64_t SimNetwork::sentBy(const std::string& address) const
{
    auto it = sent_.find(address);
    return it == sent_.end() ? 0 : it->second;
}

} // namespace jiffy::test
