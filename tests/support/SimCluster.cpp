#include "support/SimCluster.h"

namespace jiffy::test {

using cluster::Status;

SimCluster::SimCluster(cluster::NodeParams params, std::uint64_t seed, TimeMs step)
    : params_(std::move(params)), seed_(seed), step_(step), net_(seed), store_([this] { return now_; })
{
}

void SimCluster::wire(Node& n)
{
    cluster::NodeParams p = params_;
    p.membership.seed = seed_ + nodes_.size() * 7919 + static_cast<std::uint64_t>(now_);
    n.endpoint = net_.attach(n.address);
    n.node = std::make_unique<cluster::ClusterNode>(*n.endpoint, store_, p);
    Node* self = &n;
    n.endpoint->setReceiver([this, self](const std::string& from, const cluster::Envelope& env,
                                         std::string_view payload) { self->node->receive(from, env, payload, now_); });
    n.node->onDropCaches([self] { ++self->cacheDrops; });
    n.node->onInvalidate(
        [self](const std::string& c, const std::string& k) { self->invalidations.emplace_back(c, k); });
    n.running = true;
    n.paused = false;
    n.node->start(now_);
}

std::size_t SimCluster::add()
{
    auto n = std::make_unique<Node>();
    std::size_t i = nodes_.size();
    n->address = "10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1) + ":7946";
    wire(*n);
    nodes_.push_back(std::move(n));
    return i;
}

void SimCluster::kill(std::size_t i)
{
    Node& n = at(i);
    net_.detach(n.endpoint.get());
    net_.setPaused(n.address, false);
    n.running = false;
}

void SimCluster::pause(std::size_t i)
{
    at(i).paused = true;
    net_.setPaused(at(i).address, true);
}

void SimCluster::resume(std::size_t i)
{
    at(i).paused = false;
    net_.setPaused(at(i).address, false); // the backlog is processed first, as a SIGCONTed process would
}

void SimCluster::restart(std::size_t i)
{
    kill(i);
    Node& n = at(i);
    n.cacheDrops = 0;
    n.invalidations.clear();
    wire(n);
}

void SimCluster::cutOff(std::size_t i, bool cut)
{
    net_.setCutOff(at(i).address, cut);
}

std::vector<std::size_t> SimCluster::live() const
{
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < nodes_.size(); ++i)
        if (nodes_[i]->running && !nodes_[i]->paused) out.push_back(i);
    return out;
}

std::vector<std::size_t> SimCluster::leaders() const
{
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < nodes_.size(); ++i)
        if (nodes_[i]->running && nodes_[i]->node->isLeader(now_)) out.push_back(i);
    return out;
}

void SimCluster::step()
{
    now_ += step_;
    net_.deliverUntil(now_);
    for (auto& n : nodes_)
        if (n->running && !n->paused) n->node->tick(now_);
    // A paused process is still "leader" in its own mind until it wakes and checks the time; what
    // matters is who may ACT, and a paused process cannot: count the running ones.
    std::vector<std::size_t> acting;
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
        Node& n = *nodes_[i];
        if (!n.running || n.paused || !n.node->isLeader(now_)) continue;
        acting.push_back(i);
        std::uint64_t term = n.node->term();
        auto& who = leadersByTerm_[term];
        if (who.empty()) termOrder_.push_back(term);
        who.insert(n.address + "/" + std::to_string(n.node->pid()));
    }
    if (acting.size() > 1 && overlap_.empty())
        overlap_ = std::to_string(acting.size()) + " nodes act as leader at t=" + std::to_string(now_) + " ms";
}

void SimCluster::run(TimeMs duration)
{
    TimeMs end = now_ + duration;
    while (now_ < end) step();
}

bool SimCluster::runUntil(const std::function<bool()>& done, TimeMs limit)
{
    TimeMs end = now_ + limit;
    while (now_ < end) {
        step();
        if (done()) return true;
    }
    return false;
}

std::optional<Status> SimCluster::statusSeenBy(std::size_t observer, std::size_t subject) const
{
    const auto* m = nodes_.at(observer)->node->membership();
    cluster::Pid pid = nodes_.at(subject)->node->pid();
    if (!m || pid == 0) return std::nullopt;
    const cluster::Member* member = m->find(pid);
    if (!member) return std::nullopt;
    return member->status;
}

bool SimCluster::converged() const
{
    auto up = live();
    std::size_t leaderCount = 0;
    cluster::Pid leaderPid = 0;
    for (std::size_t i : up) {
        const auto& node = *nodes_[i]->node;
        if (node.state() != cluster::NodeState::Member) return false;
        if (node.isLeader(now_)) {
            ++leaderCount;
            leaderPid = node.pid();
        }
        for (std::size_t j : up) {
            if (i == j) continue;
            auto s = statusSeenBy(i, j);
            if (!s || *s != Status::Alive) return false;
        }
    }
    if (leaderCount != 1) return false;
    for (std::size_t i : up)
        if (nodes_[i]->node->view(now_).leader != leaderPid) return false;
    return true;
}

std::string SimCluster::leadershipViolations() const
{
    std::string out = overlap_;
    for (const auto& [term, who] : leadersByTerm_) {
        if (who.size() > 1) {
            out += (out.empty() ? "" : "; ") + std::string("term ") + std::to_string(term) + " led by";
            for (const auto& w : who) out += " " + w;
        }
    }
    for (std::size_t i = 1; i < termOrder_.size(); ++i)
        if (termOrder_[i] <= termOrder_[i - 1])
            out += (out.empty() ? "" : "; ") + std::string("term went from ") + std::to_string(termOrder_[i - 1]) +
                   " to " + std::to_string(termOrder_[i]);
    return out;
}

} // namespace jiffy::test
