#include "cluster/ClusterService.h"

#include "metrics/Exposition.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <chrono>
#include <sstream>

namespace jiffy::host {
namespace {

cluster::bus::TcpBusOptions busOptions(const ClusterServiceOptions& o)
{
    cluster::bus::TcpBusOptions b;
    b.address = o.address;
    b.key = o.key;
    return b;
}

bool live(cluster::Status s)
{
    return s == cluster::Status::Alive || s == cluster::Status::Suspect;
}

} // namespace

ClusterService::ClusterService(ClusterServiceOptions options, Poco::Logger& log)
    : opt_(std::move(options)), log_(log), bus_(busOptions(opt_))
{
    bus_.setReceiver([this](const std::string& from, const cluster::Envelope& env, std::string_view payload) {
        {
            std::lock_guard<std::mutex> lock(inMutex_);
            if (frames_.size() >= opt_.maxQueuedFrames) {
                framesOverflowed_.fetch_add(1, std::memory_order_relaxed);
                return;
            }
            frames_.push_back({from, env, std::string(payload)});
        }
        inCv_.notify_one();
    });
}

ClusterService::~ClusterService()
{
    stop();
}

cluster::TimeMs ClusterService::steadyNow()
{
    return ClusterState::nowMs(); // the clock ClusterState's readers compare the lease with
}

void ClusterService::bind()
{
    bus_.start();
    bound_ = true;
}

void ClusterService::start(const KvsInstance& kvs)
{
    store_ = std::make_unique<KvsClusterStore>(kvs);
    node_ = std::make_unique<cluster::ClusterNode>(
        bus_, *store_, cluster::NodeParams::fromConfig(opt_.pingCycleSeconds, opt_.failureThreshold));
    node_->onInvalidate([this](const std::string& cache, const std::string& key) {
        invalidationsReceived_.fetch_add(1, std::memory_order_relaxed);
        deliver({false, cache, key});
    });
    node_->onDropCaches([this] {
        cacheDrops_.fetch_add(1, std::memory_order_relaxed);
        deliver({true, {}, {}});
    });
    deliveryThread_ = std::thread([this] { deliveryLoop(); });
    nodeThread_ = std::thread([this] { nodeLoop(); });
}

void ClusterService::deliver(Delivery d)
{
    {
        std::lock_guard<std::mutex> lock(deliveryMutex_);
        if (deliveries_.size() >= 10000) return; // a flood: the periodic reload catches up
        // Consecutive equal invalidations (every auth write is ("jiffy.auth", "")) run once.
        if (!deliveries_.empty()) {
            const Delivery& last = deliveries_.back();
            if (last.dropAll == d.dropAll && last.cache == d.cache && last.key == d.key) return;
        }
        deliveries_.push_back(std::move(d));
    }
    deliveryCv_.notify_one();
}

void ClusterService::deliveryLoop()
{
    std::unique_lock<std::mutex> lock(deliveryMutex_);
    for (;;) {
        deliveryCv_.wait(lock, [this] { return deliveryStopping_ || !deliveries_.empty(); });
        if (deliveryStopping_) return;
        Delivery d = std::move(deliveries_.front());
        deliveries_.pop_front();
        lock.unlock();
        try {
            if (d.dropAll) {
                log_.information("cluster: dropping every cache: this instance may have missed invalidations "
                                 "(it stalled for a suspicion timeout, was declared FAILED, or merged back)");
                if (onDropCaches_) onDropCaches_();
            } else if (onInvalidate_) {
                onInvalidate_(d.cache, d.key);
            }
        } catch (const std::exception& e) {
            log_.error("cluster: a cache subscriber failed: %s", std::string(e.what()));
        }
        lock.lock();
    }
}

void ClusterService::nodeLoop()
{
    const cluster::TimeMs cycle =
        1000 * static_cast<cluster::TimeMs>(std::max<std::uint32_t>(1, opt_.pingCycleSeconds));
    const auto tickEvery = std::chrono::milliseconds(std::clamp<cluster::TimeMs>(cycle / 10, 10, 100));
    try {
        node_->start(steadyNow());
    } catch (const std::exception& e) {
        log_.error("cluster: cannot start the node: %s", std::string(e.what()));
    }
    publish(steadyNow());
    std::deque<Frame> frames;
    std::deque<std::pair<std::string, std::string>> outgoing;
    for (;;) {
        bool doDepart = false;
        {
            std::unique_lock<std::mutex> lock(inMutex_);
            inCv_.wait_for(lock, tickEvery, [this] {
                return stopping_ || (departRequested_ && !departed_) || !frames_.empty() || !outgoing_.empty();
            });
            if (stopping_) return;
            frames.swap(frames_);
            outgoing.swap(outgoing_);
            doDepart = departRequested_ && !departed_;
        }
        try {
            cluster::TimeMs now = steadyNow();
            for (const Frame& f : frames) node_->receive(f.from, f.env, f.payload, now);
            for (const auto& [cache, key] : outgoing) {
                node_->invalidate(cache, key);
                invalidationsSent_.fetch_add(1, std::memory_order_relaxed);
            }
            if (doDepart)
                node_->depart(now);
            else if (node_->state() != cluster::NodeState::Departed)
                node_->tick(now);
            publish(now);
        } catch (const std::exception& e) {
            log_.error("cluster: %s", std::string(e.what()));
        }
        frames.clear();
        outgoing.clear();
        if (doDepart) {
            std::lock_guard<std::mutex> lock(inMutex_);
            departed_ = true;
            departedCv_.notify_all();
        }
    }
}

void ClusterService::publish(cluster::TimeMs now)
{
    cluster::ClusterView v = node_->view(now);
    cluster::NodeCounters c = node_->counters();
    if (opt_.state) opt_.state->publish(v.term, v.isLeader ? v.leaderUntil : 0);
    std::sort(v.members.begin(), v.members.end(),
              [](const cluster::Member& a, const cluster::Member& b) { return a.pid < b.pid; });
    cluster::ClusterView before;
    {
        std::lock_guard<std::mutex> lock(snapMutex_);
        before = std::move(view_);
        view_ = v;
        counters_ = c;
    }
    if (v.state != before.state) {
        if (v.state == cluster::NodeState::Member)
            log_.information("cluster: joined as pid %s on %s", std::to_string(v.self), v.address);
        else if (v.state == cluster::NodeState::JoinFailed)
            log_.error("cluster: could not join (no leader answered, KVS unreachable?); serving without the cluster");
    }
    if (v.leader != before.leader || v.term != before.term) {
        if (v.leader)
            log_.information("cluster: leader is pid %s on %s, term %s%s", std::to_string(v.leader), v.leaderAddress,
                             std::to_string(v.term), std::string(v.isLeader ? " (this instance)" : ""));
        else if (v.state == cluster::NodeState::Member)
            log_.information("cluster: no leader known (term %s)", std::to_string(v.term));
    }
    for (const auto& m : v.members) {
        if (m.pid == v.self) continue;
        auto old = std::find_if(before.members.begin(), before.members.end(),
                                [&m](const cluster::Member& b) { return b.pid == m.pid; });
        if (old == before.members.end() || old->status != m.status)
            log_.information("cluster: pid %s on %s is %s (incarnation %s)", std::to_string(m.pid), m.address,
                             cluster::toString(m.status), std::to_string(m.incarnation));
    }
}

void ClusterService::invalidate(const std::string& cache, const std::string& key)
{
    {
        std::lock_guard<std::mutex> lock(inMutex_);
        if (!node_ || stopping_ || departRequested_ || outgoing_.size() >= 10000) return;
        outgoing_.emplace_back(cache, key);
    }
    inCv_.notify_one();
}

void ClusterService::depart()
{
    if (!nodeThread_.joinable()) return;
    std::size_t peers = 0;
    {
        std::lock_guard<std::mutex> lock(snapMutex_);
        for (const auto& m : view_.members)
            if (m.pid != view_.self && live(m.status)) ++peers;
    }
    auto settled = [](const cluster::bus::BusStats& s) {
        return s.framesOut + s.sendUnreachable + s.sendQueueFull + s.sendStopped + s.sendTooLarge + s.sendBadAddress;
    };
    const std::uint64_t before = settled(bus_.stats());
    {
        std::unique_lock<std::mutex> lock(inMutex_);
        departRequested_ = true;
        inCv_.notify_one();
        departedCv_.wait_for(lock, std::chrono::seconds(2), [this] { return departed_; });
    }
    // The bus drops what is still queued when it stops: give the DEPARTING
    // frames a bounded chance to be written (or refused) first.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    while (settled(bus_.stats()) - before < peers && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    log_.information("cluster: departed (DEPARTING sent to %z members, lease released)", peers);
}

void ClusterService::stop()
{
    if (stopped_) return;
    stopped_ = true;
    {
        std::lock_guard<std::mutex> lock(inMutex_);
        stopping_ = true;
    }
    inCv_.notify_all();
    if (nodeThread_.joinable()) nodeThread_.join();
    {
        std::lock_guard<std::mutex> lock(deliveryMutex_);
        deliveryStopping_ = true;
    }
    deliveryCv_.notify_all();
    if (deliveryThread_.joinable()) deliveryThread_.join();
    if (bound_) bus_.stop();
}

std::string ClusterService::viewJson() const
{
    cluster::ClusterView v;
    {
        std::lock_guard<std::mutex> lock(snapMutex_);
        v = view_;
    }
    Poco::JSON::Object doc(true);
    doc.set("self", v.self);
    doc.set("leader", v.leader);
    doc.set("term", v.term);
    // The protocol period: a page showing this view refreshes once per cycle.
    doc.set("ping_cycle_ms",
            cluster::MembershipParams::fromConfig(opt_.pingCycleSeconds, opt_.failureThreshold).pingCycle);
    Poco::JSON::Array::Ptr members = new Poco::JSON::Array;
    for (const auto& m : v.members) {
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object(true);
        o->set("pid", m.pid);
        o->set("address", m.address);
        o->set("status", cluster::toString(m.status));
        o->set("incarnation", m.incarnation);
        members->add(o);
    }
    doc.set("members", members);
    std::ostringstream os;
    doc.stringify(os);
    return os.str();
}

std::string ClusterService::renderMetrics() const
{
    using metrics::appendHeader;
    using metrics::appendSample;
    cluster::ClusterView v;
    cluster::NodeCounters c;
    {
        std::lock_guard<std::mutex> lock(snapMutex_);
        v = view_;
        c = counters_;
    }
    const cluster::bus::BusStats b = bus_.stats();
    std::string out;
    auto counter = [&out](const char* name, const char* help, std::uint64_t value) {
        appendHeader(out, name, "counter", help);
        appendSample(out, name, "", value);
    };
    auto gauge = [&out](const char* name, const char* help, std::uint64_t value) {
        appendHeader(out, name, "gauge", help);
        appendSample(out, name, "", value);
    };
    counter("jiffy_cluster_probes_total", "Direct probes this member started.", c.membership.probes);
    counter("jiffy_cluster_acks_total", "Probes answered, directly or through a helper.", c.membership.acks);
    counter("jiffy_cluster_indirect_probes_total", "Indirect probes (PING_REQ) sent.", c.membership.indirectProbes);
    counter("jiffy_cluster_suspicions_total", "Members this member suspected (its probe went unanswered).",
            c.membership.suspicions);
    counter("jiffy_cluster_refutations_total", "Suspicions or failures of this member that it refuted.",
            c.membership.refutations);
    counter("jiffy_cluster_failures_total", "Members declared FAILED.", c.membership.failures);
    counter("jiffy_cluster_elections_total", "Times this member took the leader lease.", c.elections);
    counter("jiffy_cluster_step_downs_total", "Times this member lost or gave up the leader lease.", c.stepDowns);
    counter("jiffy_cluster_fenced_total", "Leader messages refused for carrying a lower term.", c.fenced);
    counter("jiffy_cluster_joins_answered_total", "JOINs accepted as leader.", c.joinsAnswered);
    counter("jiffy_cluster_store_failures_total", "KVS calls of the cluster that found the KVS unavailable.",
            c.storeFailures);
    counter("jiffy_cluster_stalls_total", "Ticks after a pause long enough to have been declared FAILED.", c.stalls);
    counter("jiffy_cluster_invalidations_sent_total", "Cache invalidations broadcast to the other members.",
            invalidationsSent_.load(std::memory_order_relaxed));
    counter("jiffy_cluster_invalidations_received_total", "Cache invalidations received from other members.",
            invalidationsReceived_.load(std::memory_order_relaxed));
    counter("jiffy_cluster_cache_drops_total", "Full cache reloads after rejoining as a FAILED member.",
            cacheDrops_.load(std::memory_order_relaxed));
    gauge("jiffy_cluster_term", "The highest leader term this member has seen.", c.term);
    gauge("jiffy_cluster_is_leader", "1 while this member holds the leader lease.", v.isLeader ? 1 : 0);
    gauge("jiffy_cluster_pid", "This member's PID (0 before it joined).", v.self);
    appendHeader(out, "jiffy_cluster_members", "gauge", "Members this member knows of, by status.");
    for (cluster::Status s : {cluster::Status::Alive, cluster::Status::Suspect, cluster::Status::Failed,
                              cluster::Status::Departing, cluster::Status::Departed}) {
        std::uint64_t n = static_cast<std::uint64_t>(
            std::count_if(v.members.begin(), v.members.end(), [s](const cluster::Member& m) { return m.status == s; }));
        appendSample(out, "jiffy_cluster_members", "status=\"" + cluster::toString(s) + "\"", n);
    }
    counter("jiffy_cluster_frames_in_total", "Authenticated, fresh bus frames received.", b.framesIn);
    counter("jiffy_cluster_frames_out_total", "Bus frames written to a peer.", b.framesOut);
    counter("jiffy_cluster_bytes_in_total", "Bytes read from the bus.", b.bytesIn);
    counter("jiffy_cluster_bytes_out_total", "Bytes written to the bus.", b.bytesOut);
    appendHeader(out, "jiffy_cluster_frames_dropped_total", "counter", "Inbound bus frames dropped, by reason.");
    const std::pair<const char*, std::uint64_t> dropped[] = {
        {"bad_mac", b.droppedBadMac},
        {"malformed", b.droppedMalformed},
        {"oversized", b.droppedOversized},
        {"bad_magic", b.droppedBadMagic},
        {"bad_version", b.droppedBadVersion},
        {"replayed", b.droppedReplayed},
        {"stale", b.droppedStale},
        {"truncated", b.droppedTruncated},
        {"undecodable", c.undecodable},
        {"queue_full", framesOverflowed_.load(std::memory_order_relaxed)}};
    for (const auto& [reason, n] : dropped)
        appendSample(out, "jiffy_cluster_frames_dropped_total", std::string("reason=\"") + reason + "\"", n);
    appendHeader(out, "jiffy_cluster_sends_dropped_total", "counter", "Outbound bus frames dropped, by reason.");
    const std::pair<const char*, std::uint64_t> refused[] = {{"queue_full", b.sendQueueFull},
                                                             {"too_large", b.sendTooLarge},
                                                             {"bad_address", b.sendBadAddress},
                                                             {"stopped", b.sendStopped},
                                                             {"unreachable", b.sendUnreachable}};
    for (const auto& [reason, n] : refused)
        appendSample(out, "jiffy_cluster_sends_dropped_total", std::string("reason=\"") + reason + "\"", n);
    counter("jiffy_cluster_connects_total", "Outbound bus connections established.", b.connects);
    counter("jiffy_cluster_connect_failures_total", "Outbound bus connects refused or timed out.", b.connectFailures);
    counter("jiffy_cluster_inbound_accepted_total", "Inbound bus connections accepted.", b.inboundAccepted);
    counter("jiffy_cluster_inbound_refused_total", "Inbound bus connections refused (max_inbound reached).",
            b.inboundRefused);
    return out;
}

} // namespace jiffy::host
