#include "cluster/ClusterNode.h"

#include <algorithm>

namespace jiffy::cluster {

namespace {
constexpr std::size_t kEagerCandidates = 3;
}

NodeParams NodeParams::fromConfig(std::uint32_t pingCycleSeconds, std::uint64_t failureThreshold)
{
    NodeParams p;
    p.membership = MembershipParams::fromConfig(pingCycleSeconds, failureThreshold);
    p.lease.ttl = 3 * p.membership.pingCycle;
    p.lease.margin = p.membership.pingCycle;
    return p;
}

std::string toString(NodeState state)
{
    switch (state) {
    case NodeState::Idle:
        return "idle";
    case NodeState::Joining:
        return "joining";
    case NodeState::Member:
        return "member";
    case NodeState::Departed:
        return "departed";
    case NodeState::JoinFailed:
        return "join-failed";
    }
    return "unknown";
}

ClusterNode::ClusterNode(Transport& transport, ClusterStore& store, NodeParams params)
    : transport_(transport), store_(store), params_(std::move(params)), lease_(store, params_.lease)
{
}

void ClusterNode::start(TimeMs now)
{
    if (state_ != NodeState::Idle) return;
    state_ = NodeState::Joining;
    joinAttemptsLeft_ = params_.joinAttempts;
    nextJoinAt_ = now;
}

// ---- time ------------------------------------------------------------------------------------------------------

void ClusterNode::tick(TimeMs now)
{
    if (state_ == NodeState::Joining) {
        if (now >= nextJoinAt_) attemptJoin(now);
        return;
    }
    if (state_ != NodeState::Member) return;
    // Stalled (SIGSTOP, starved) long enough for the others to declare us FAILED: invalidations
    // were not sent to us meanwhile, whatever the gossip we find on waking says.
    TimeMs stall = params_.membership.suspicionMult * params_.membership.pingCycle;
    if (lastTick_ && now - *lastTick_ >= stall) {
        ++counters_.stalls;
        if (onDropCaches_) onDropCaches_();
    }
    lastTick_ = now;
    dispatch(membership_->tick(now));
    if (lease_.holding() && !lease_.held(now)) stepDown(); // the margin is reached before a renewal
    if (now < nextLeaderWorkAt_) return;
    nextLeaderWorkAt_ = now + params_.membership.pingCycle;
    ++periods_;
    if (lease_.holding()) {
        leaderDuties(now);
    } else {
        followerDuties(now);
    }
}

void ClusterNode::attemptJoin(TimeMs now)
{
    if (joinAttemptsLeft_-- <= 0) {
        state_ = NodeState::JoinFailed;
        return;
    }
    nextJoinAt_ = now + params_.membership.pingCycle;
    LeaderRecord r;
    switch (lease_.read(r)) {
    case LeaderLease::Seen::Unavailable:
        ++counters_.storeFailures;
        return;
    case LeaderLease::Seen::Record:
        seeTerm(r.term);
        // A record naming this address is an earlier process's here: wait for it to expire.
        if (r.address != transport_.localAddress()) sendTo(r.address, Join{0});
        return;
    case LeaderLease::Seen::Absent:
        break;
    }
    Pid pid = 0;
    if (!allocatePid(pid)) return;
    if (!lease_.acquire(pid, transport_.localAddress(), seenTerm_, now)) return; // someone was faster: join it
    becomeMember(pid, 1, now);
    seenTerm_ = lease_.term();
    leader_ = pid;
    leaderAddress_ = transport_.localAddress();
    ++counters_.elections;
    recheckLeader_ = false;
}

void ClusterNode::becomeMember(Pid pid, Incarnation incarnation, TimeMs now)
{
    membership_ = std::make_unique<Membership>(pid, transport_.localAddress(), incarnation, params_.membership, now);
    state_ = NodeState::Member;
    nextLeaderWorkAt_ = now + params_.membership.pingCycle;
}

void ClusterNode::leaderDuties(TimeMs now)
{
    if (!lease_.renew(now)) stepDown();
}

void ClusterNode::followerDuties(TimeMs now)
{
    // The few members next in line read the record every period, so a lapsed lease is taken over
    // within a period of its expiry; the rest every leaderCheckPeriods (store load stays O(1 + n/5)).
    std::size_t rank = membership_->aliveAbove(pid());
    bool periodic = rank < kEagerCandidates || (params_.leaderCheckPeriods > 0 &&
                                                periods_ % static_cast<std::uint64_t>(params_.leaderCheckPeriods) == 0);
    if (!recheckLeader_ && leaderIsLive() && !periodic) return;
    LeaderRecord r;
    switch (lease_.read(r)) {
    case LeaderLease::Seen::Unavailable:
        ++counters_.storeFailures;
        return;
    case LeaderLease::Seen::Record:
        recheckLeader_ = false;
        absentSince_.reset();
        followRecord(r, now);
        return;
    case LeaderLease::Seen::Absent:
        break;
    }
    recheckLeader_ = true;
    if (!absentSince_) absentSince_ = now;
    // jiffy's rule: the highest PID alive goes first; the next ones only if it did not within a period each.
    if (now >= *absentSince_ + static_cast<TimeMs>(rank) * params_.membership.pingCycle) takeLeadership(now);
}

void ClusterNode::followRecord(const LeaderRecord& r, TimeMs)
{
    seeTerm(r.term);
    leader_ = r.pid;
    leaderAddress_ = r.address;
    if (r.pid == pid()) return; // our own record from before a step-down: it expires unrenewed
    const Member* m = membership_->find(r.pid);
    // A leader we do not know, or hold FAILED while it renews its lease: we are cut off from its
    // group (a partition that healed, a leader restarted meanwhile); merge back in.
    if (!m || m->status == Status::Failed || m->status == Status::Departed) sendTo(r.address, Join{pid()});
}

bool ClusterNode::takeLeadership(TimeMs now)
{
    if (!lease_.acquire(pid(), transport_.localAddress(), seenTerm_, now)) return false;
    seenTerm_ = lease_.term();
    leader_ = pid();
    leaderAddress_ = transport_.localAddress();
    ++counters_.elections;
    recheckLeader_ = false;
    absentSince_.reset();
    nextLeaderWorkAt_ = now + params_.membership.pingCycle;
    LeaderAnnounce a{pid(), transport_.localAddress(), seenTerm_};
    for (const auto& m : membership_->members())
        if (m.pid != pid() && (m.status == Status::Alive || m.status == Status::Suspect)) sendTo(m.address, a);
    return true;
}

void ClusterNode::stepDown()
{
    lease_.drop();
    ++counters_.stepDowns;
    if (leader_ == pid()) leader_ = 0;
    recheckLeader_ = true;
}

bool ClusterNode::allocatePid(Pid& out)
{
    std::int64_t v = 0;
    if (store_.incr(params_.pidKey, 1, v) != StoreResult::Ok) {
        ++counters_.storeFailures;
        return false;
    }
    Pid known = 0;
    if (membership_)
        for (const auto& m : membership_->members()) known = std::max(known, m.pid);
    if (v <= static_cast<std::int64_t>(known)) { // the store lost the counter: move it past every PID in use
        if (store_.incr(params_.pidKey, static_cast<std::int64_t>(known) - v + 1, v) != StoreResult::Ok) {
            ++counters_.storeFailures;
            return false;
        }
    }
    if (v <= 0) return false;
    out = static_cast<Pid>(v);
    return true;
}

void ClusterNode::seeTerm(std::uint64_t term)
{
    if (term <= seenTerm_) return;
    seenTerm_ = term;
    recheckLeader_ = true;
    if (lease_.holding() && lease_.term() < term) stepDown(); // fencing: someone leads a later term
}

bool ClusterNode::leaderIsLive() const
{
    if (leader_ == 0) return false;
    if (leader_ == pid()) return lease_.holding();
    const Member* m = membership_->find(leader_);
    return m && (m->status == Status::Alive || m->status == Status::Suspect);
}

// ---- messages --------------------------------------------------------------------------------------------------

void ClusterNode::receive(const std::string& from, const Envelope& env, std::string_view payload, TimeMs now)
{
    if (state_ == NodeState::Departed || state_ == NodeState::Idle) return;
    auto type = static_cast<MessageType>(env.type);
    bool fencedType = type == MessageType::Leader || type == MessageType::JoinReply;
    if (!fencedType) seeTerm(env.term); // a leader message is judged by its own term first
    switch (type) {
    case MessageType::Ping:
    case MessageType::Ack:
    case MessageType::PingReq:
    case MessageType::IndirectAck:
    case MessageType::IndirectNack:
    case MessageType::Departing:
    case MessageType::Sync: {
        if (!membership_) return;
        std::string error;
        dispatch(membership_->receive(from, env, payload, now, &error));
        if (!error.empty()) ++counters_.undecodable;
        return;
    }
    default:
        break;
    }
    Decoded d = decode(env.type, payload);
    auto* p = std::get_if<Payload>(&d);
    if (!p) {
        ++counters_.undecodable;
        return;
    }
    if (auto* join = std::get_if<Join>(p)) {
        handleJoin(from, env, *join, now);
    } else if (auto* reply = std::get_if<JoinReply>(p)) {
        handleJoinReply(env, *reply, now);
    } else if (auto* leader = std::get_if<LeaderAnnounce>(p)) {
        handleLeader(*leader, now);
    } else if (auto* inv = std::get_if<CacheInvalidate>(p)) {
        if (onInvalidate_) onInvalidate_(inv->cache, inv->key);
    }
}

void ClusterNode::handleJoin(const std::string& from, const Envelope& env, const Join& m, TimeMs now)
{
    JoinReply reply;
    reply.leader = leader_;
    reply.leaderAddress = leaderAddress_;
    reply.term = seenTerm_;
    if (state_ != NodeState::Member || !isLeader(now)) {
        reply.error = "not the leader";
        sendTo(from, reply);
        return;
    }
    Pid joiner = m.pid;
    if (joiner == 0 && !allocatePid(joiner)) {
        reply.error = "the cluster store is unavailable";
        sendTo(from, reply);
        return;
    }
    // Higher than anything known at that address or for that PID, so the new entry supersedes the old.
    Incarnation inc = std::max(membership_->incarnationAt(from), env.incarnation) + 1;
    if (const Member* known = membership_->find(joiner)) inc = std::max(inc, known->incarnation + 1);
    if (m.pid != 0) membership_->raiseIncarnation(membership_->self().incarnation + 1); // revive us in its view
    dispatch(membership_->apply(Update{joiner, from, Status::Alive, inc, 0}, now));
    reply.pid = joiner;
    reply.incarnation = inc;
    reply.leader = pid();
    reply.leaderAddress = transport_.localAddress();
    reply.members = membership_->snapshot();
    ++counters_.joinsAnswered;
    sendTo(from, reply);
}

void ClusterNode::handleJoinReply(const Envelope& env, const JoinReply& m, TimeMs now)
{
    if (m.term < seenTerm_) { // from a leader of an earlier term
        ++counters_.fenced;
        return;
    }
    seeTerm(std::max(m.term, env.term));
    if (!m.error.empty()) return; // the next attempt re-reads the record
    if (state_ == NodeState::Joining) {
        becomeMember(m.pid, m.incarnation, now);
    } else if (state_ == NodeState::Member && m.pid == pid()) {
        // Merged into the leader's group: we were out of it, and invalidations with us.
        membership_->raiseIncarnation(m.incarnation);
        if (onDropCaches_) onDropCaches_();
    } else {
        return;
    }
    leader_ = m.leader;
    leaderAddress_ = m.leaderAddress;
    recheckLeader_ = false;
    dispatch(membership_->learn(m.members, now));
}

void ClusterNode::handleLeader(const LeaderAnnounce& m, TimeMs)
{
    if (m.term < seenTerm_) {
        ++counters_.fenced;
        return;
    }
    seeTerm(m.term);
    leader_ = m.pid;
    leaderAddress_ = m.address;
    recheckLeader_ = false;
    absentSince_.reset();
}

void ClusterNode::invalidate(const std::string& cache, const std::string& key)
{
    if (state_ != NodeState::Member) return;
    CacheInvalidate msg{cache, key};
    for (const auto& m : membership_->members())
        if (m.pid != pid() && (m.status == Status::Alive || m.status == Status::Suspect)) sendTo(m.address, msg);
}

void ClusterNode::depart(TimeMs now)
{
    if (state_ != NodeState::Member) {
        state_ = NodeState::Departed;
        return;
    }
    if (lease_.holding()) {
        lease_.release();
        ++counters_.stepDowns;
        leader_ = 0;
    }
    dispatch(membership_->depart(now));
    state_ = NodeState::Departed;
}

// ---- plumbing --------------------------------------------------------------------------------------------------

void ClusterNode::dispatch(Output&& out)
{
    handleEvents(out.events);
    for (auto& m : out.messages) {
        m.envelope.term = seenTerm_;
        transport_.send(m.address, m.envelope, m.payload);
    }
}

void ClusterNode::handleEvents(const std::vector<Event>& events)
{
    for (const auto& e : events) {
        switch (e.kind) {
        case EventKind::Failed:
        case EventKind::Departing:
        case EventKind::Departed:
        case EventKind::Superseded:
            if (e.pid == leader_) {
                leader_ = 0;
                recheckLeader_ = true;
            }
            break;
        case EventKind::SelfRecovered:
            if (onDropCaches_) onDropCaches_(); // invalidations sent while we were FAILED never reached us
            break;
        default:
            break;
        }
    }
}

void ClusterNode::sendTo(const std::string& address, const Payload& p)
{
    Envelope env;
    env.type = static_cast<std::uint8_t>(typeOf(p));
    env.sender = pid();
    env.incarnation = membership_ ? membership_->self().incarnation : 0;
    env.term = seenTerm_;
    transport_.send(address, env, encode(p));
}

ClusterView ClusterNode::view(TimeMs now) const
{
    ClusterView v;
    v.self = pid();
    v.address = transport_.localAddress();
    v.state = state_;
    v.leader = leader_;
    v.leaderAddress = leaderAddress_;
    v.term = seenTerm_;
    v.isLeader = isLeader(now);
    v.leaderUntil = v.isLeader ? lease_.heldUntil() : 0;
    if (membership_) v.members = membership_->members();
    return v;
}

NodeCounters ClusterNode::counters() const
{
    NodeCounters c = counters_;
    if (membership_) c.membership = membership_->counters();
    c.term = seenTerm_;
    return c;
}

} // namespace jiffy::cluster
