// One jiffyd's place in the cluster: joining, the membership (Membership.h),
// the leader lease (LeaderLease.h), elections, cache invalidations and
// departure. Still pure: the owner calls tick(now) every ping_cycle / 10 or
// so and receive(...) for every frame, from ONE thread (not thread-safe);
// the node sends through the Transport and keeps its lease in a ClusterStore.
//
// Join: read the leader record; JOIN to the leader, which allocates a PID
// (store counter, never reused) and answers with the member list; no record →
// allocate a PID and take the lease. Election: when the known leader fails,
// departs or its lease is gone, the highest-PID live member takes the lease
// (the others after one period each, in PID order, if it does not) and the
// rest follow the record. With local_standalone every jiffyd has its own
// store, so each is PID 1 and leader of itself.
#pragma once

#include "cluster/ClusterStore.h"
#include "cluster/LeaderLease.h"
#include "cluster/Membership.h"
#include "cluster/Transport.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace jiffy::cluster {

struct NodeParams {
    MembershipParams membership;
    LeaseParams lease;
    int joinAttempts = 30;      ///< one per ping cycle, then the node gives up (state JoinFailed)
    int leaderCheckPeriods = 5; ///< a follower re-reads the leader record this often
    std::string pidKey = "jiffy.cluster.pid";

    /// ping_cycle seconds (0 → 1) and failure_threshold (0 → 5); lease TTL 3 cycles, margin 1 cycle.
    static NodeParams fromConfig(std::uint32_t pingCycleSeconds, std::uint64_t failureThreshold);
};

enum class NodeState { Idle, Joining, Member, Departed, JoinFailed };
std::string toString(NodeState state);

struct ClusterView {
    Pid self = 0;
    std::string address;
    NodeState state = NodeState::Idle;
    Pid leader = 0; ///< 0: none known
    std::string leaderAddress;
    std::uint64_t term = 0; ///< highest term seen
    bool isLeader = false;
    TimeMs leaderUntil = 0; ///< while isLeader: the lease is ours until then unless renewed
    std::vector<Member> members;
};

struct NodeCounters {
    MembershipCounters membership;
    std::uint64_t elections = 0; ///< times this node took the lease
    std::uint64_t stepDowns = 0; ///< times it lost or gave it up
    std::uint64_t term = 0;
    std::uint64_t fenced = 0;        ///< leader messages refused for a lower term
    std::uint64_t undecodable = 0;   ///< frames whose payload did not decode
    std::uint64_t joinsAnswered = 0; ///< JOINs accepted as leader
    std::uint64_t storeFailures = 0; ///< store calls that found it unavailable
    std::uint64_t stalls = 0;        ///< ticks after a gap long enough to have been declared FAILED
};

class ClusterNode {
public:
    using InvalidateHandler = std::function<void(const std::string& cache, const std::string& key)>;
    using DropCachesHandler = std::function<void()>;

    ClusterNode(Transport& transport, ClusterStore& store, NodeParams params);

    void start(TimeMs now);
    void tick(TimeMs now);
    void receive(const std::string& from, const Envelope& env, std::string_view payload, TimeMs now);
    /// Broadcasts CACHE_INVALIDATE to every live member (not to this one: the caller already did it here).
    void invalidate(const std::string& cache, const std::string& key);
    /// DEPARTING to everyone, lease released; the node then stops.
    void depart(TimeMs now);

    bool isLeader(TimeMs now) const { return lease_.held(now); }
    std::uint64_t term() const { return seenTerm_; }
    NodeState state() const { return state_; }
    Pid pid() const { return membership_ ? membership_->self().pid : 0; }
    ClusterView view(TimeMs now) const;
    NodeCounters counters() const;
    const Membership* membership() const { return membership_.get(); }

    void onInvalidate(InvalidateHandler h) { onInvalidate_ = std::move(h); }
    void onDropCaches(DropCachesHandler h) { onDropCaches_ = std::move(h); }

private:
    void attemptJoin(TimeMs now);
    void becomeMember(Pid pid, Incarnation incarnation, TimeMs now);
    bool takeLeadership(TimeMs now);
    void leaderDuties(TimeMs now);
    void followerDuties(TimeMs now);
    void stepDown();
    bool allocatePid(Pid& out);
    void seeTerm(std::uint64_t term);
    void followRecord(const LeaderRecord& r, TimeMs now);

    void handleJoin(const std::string& from, const Envelope& env, const Join& m, TimeMs now);
    void handleJoinReply(const Envelope& env, const JoinReply& m, TimeMs now);
    void handleLeader(const LeaderAnnounce& m, TimeMs now);

    void dispatch(Output&& out);
    void handleEvents(const std::vector<Event>& events);
    void sendTo(const std::string& address, const Payload& p);
    bool leaderIsLive() const;

    Transport& transport_;
    ClusterStore& store_;
    NodeParams params_;
    LeaderLease lease_;
    std::unique_ptr<Membership> membership_;
    NodeState state_ = NodeState::Idle;

    Pid leader_ = 0;
    std::string leaderAddress_;
    std::uint64_t seenTerm_ = 0;
    bool recheckLeader_ = true;

    int joinAttemptsLeft_ = 0;
    TimeMs nextJoinAt_ = 0;
    TimeMs nextLeaderWorkAt_ = 0;
    std::uint64_t periods_ = 0;
    std::optional<TimeMs> absentSince_;
    std::optional<TimeMs> lastTick_;

    NodeCounters counters_;
    InvalidateHandler onInvalidate_;
    DropCachesHandler onDropCaches_;
};

} // namespace jiffy::cluster
