// SWIM membership with Lifeguard's refinements, as a pure state machine: no
// sockets, no threads, no clock. The owner calls tick(now) often (every
// ping_cycle / 10 is plenty) and receive(...) for every SWIM frame, and sends
// the messages these return; events say what changed. Not thread-safe: one
// owner thread drives it.
//
// Each protocol period a member probes ONE other member (shuffled round-robin):
// PING; no ACK within probe_timeout → PING_REQ to k helpers, who probe on its
// behalf and answer INDIRECT_ACK or INDIRECT_NACK; still no ack at the end of
// the period → SUSPECT. A suspected member refutes by raising its incarnation;
// unrefuted, the suspicion times out (Suspicion.h) → FAILED. Updates ride on
// probes and acks (BroadcastQueue.h); a member that misses its own acks slows
// down (Awareness.h). FAILED members are pinged now and then so that a healed
// partition merges again.
#pragma once

#include "cluster/Awareness.h"
#include "cluster/BroadcastQueue.h"
#include "cluster/Message.h"
#include "cluster/Suspicion.h"

#include <cstddef>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace jiffy::cluster {

struct MembershipParams {
    TimeMs pingCycle = 1000;   ///< protocol period (config ping_cycle, seconds)
    TimeMs probeTimeout = 500; ///< direct ack wait before indirect probes
    int indirectProbes = 3;    ///< k helpers asked per failed direct probe
    int suspicionMult = 5;     ///< min suspicion = mult × max(1, log10 n) × pingCycle (config failure_threshold)
    int suspicionMaxMult = 3;  ///< max suspicion (no confirmations) = this × min
    int retransmitMult = 4;    ///< each update piggybacked mult × ⌈log10(n + 1)⌉ times
    int awarenessMax = 8;      ///< local health score range [0, max)
    std::size_t maxPiggyback = 48;
    int deadProbeEvery = 4;    ///< periods between pings to one FAILED member
    int syncEvery = 10;        ///< periods between SYNCs (part of the member list) to one random member; 0: never
    int tombstonePeriods = 60; ///< FAILED / DEPARTED entries are forgotten after this many periods
    std::uint64_t seed = 0;    ///< shuffling and helper choice (tests fix it)

    /// From jiffy's config keys: ping_cycle in seconds (0 → 1), failure_threshold (0 → 5).
    static MembershipParams fromConfig(std::uint32_t pingCycleSeconds, std::uint64_t failureThreshold);
};

struct Member {
    Pid pid = 0;
    std::string address;
    Status status = Status::Alive;
    Incarnation incarnation = 0;
    TimeMs since = 0; ///< when the status last changed
};

struct Outgoing {
    std::string address;
    Envelope envelope; ///< term left 0: the owner stamps it
    std::string payload;
};

enum class EventKind {
    Joined,       ///< a member is known for the first time
    Suspected,    ///< ALIVE → SUSPECT
    Alive,        ///< SUSPECT or FAILED → ALIVE (refuted, or back after a partition)
    Failed,       ///< → FAILED
    Departing,    ///< the member announced it leaves
    Departed,     ///< → DEPARTED
    Superseded,   ///< a newer process (higher incarnation or PID) took over the member's address
    SelfRefuted,  ///< this member was suspected and raised its incarnation
    SelfRecovered ///< this member learned it had been declared FAILED and came back (its caches are stale)
};
std::string toString(EventKind kind);

struct Event {
    EventKind kind;
    Pid pid = 0;
    std::string address;
    Incarnation incarnation = 0;
};

struct Output {
    std::vector<Outgoing> messages;
    std::vector<Event> events;
    void append(Output&& other);
};

struct MembershipCounters {
    std::uint64_t probes = 0;         ///< direct probes started
    std::uint64_t acks = 0;           ///< probes answered (directly or through a helper)
    std::uint64_t indirectProbes = 0; ///< PING_REQ sent
    std::uint64_t suspicions = 0;     ///< suspicions this member raised (its probe went unanswered)
    std::uint64_t refutations = 0;    ///< times this member refuted a suspicion or failure of itself
    std::uint64_t failures = 0;       ///< members declared FAILED
};

class Membership {
public:
    Membership(Pid self, std::string address, Incarnation incarnation, MembershipParams params, TimeMs now);

    Output tick(TimeMs now);
    /// A SWIM frame (PING, ACK, PING_REQ, INDIRECT_ACK/NACK, DEPARTING, SYNC); other types and
    /// undecodable payloads are ignored and reported through `error` when given.
    Output receive(const std::string& from, const Envelope& env, std::string_view payload, TimeMs now,
                   std::string* error = nullptr);
    /// Merges one fact learned elsewhere (a JOIN_REPLY's member list, a JOIN the leader accepted).
    Output apply(const Update& u, TimeMs now);
    /// Merges a whole member list (a JOIN_REPLY's) without gossiping it: it is news to this
    /// member only, and the leader already gossips each join.
    Output learn(const std::vector<Update>& members, TimeMs now);
    /// Announces this member's departure to every live member and stops probing.
    Output depart(TimeMs now);
    /// Raises this member's incarnation to at least `atLeast` and gossips it (a leader that
    /// merges a member in, a member that the leader gave a new incarnation).
    void raiseIncarnation(Incarnation atLeast);

    const Member& self() const { return members_.at(self_); }
    const Member* find(Pid pid) const;
    /// Every known member (self included), ordered by PID.
    std::vector<Member> members() const;
    /// The member list as updates (for a JOIN_REPLY).
    std::vector<Update> snapshot() const;
    /// ALIVE or SUSPECT members, self included.
    std::size_t liveCount() const { return live_; }
    /// ALIVE members with a PID above `pid` (its rank in jiffy's election order); O(n).
    std::size_t aliveAbove(Pid pid) const;
    int awareness() const { return awareness_.score(); }
    const MembershipCounters& counters() const { return counters_; }
    const MembershipParams& params() const { return params_; }
    /// Highest incarnation known for a member at `address` (0 if none): a leader hands a
    /// process restarted on that address a higher one.
    Incarnation incarnationAt(const std::string& address) const;

private:
    struct Probe {
        Pid target = 0;
        std::uint64_t seq = 0;
        TimeMs sentAt = 0;
        bool acked = false;
        bool indirectSent = false;
        int nacksExpected = 0;
        int nacks = 0;
    };
    struct Relay {
        std::string requester;
        std::uint64_t requesterSeq = 0;
        TimeMs deadline = 0;
    };

    void handle(const std::string& from, const Envelope& env, const Ping& m, TimeMs now, Output& out);
    void handle(const std::string& from, const Envelope& env, const Ack& m, TimeMs now, Output& out);
    void handle(const std::string& from, const Envelope& env, const PingReq& m, TimeMs now, Output& out);
    void handle(const IndirectAck& m, Output& out);
    void handle(const IndirectNack& m);
    void handle(const std::string& from, const Departing& m, TimeMs now, Output& out);
    void sendSync(Output& out);
    std::vector<Update> syncPart();

    void applyInto(const Update& u, TimeMs now, Output& out);
    void gossip(const Update& u);
    void applyAboutSelf(const Update& u, Output& out);
    void addMember(const Update& u, TimeMs now, Output& out);
    void setStatus(Member& m, Status status, TimeMs now);
    void supersedeOthersAt(const Member& newer, TimeMs now, Output& out);
    void suspect(Member& m, Incarnation inc, Pid accuser, TimeMs now, Output& out);
    void fail(Member& m, TimeMs now, Output& out);

    void startProbe(TimeMs now, Output& out);
    void probeDeadMember(TimeMs now, Output& out);
    void finishProbe(TimeMs now, Output& out);
    std::optional<Pid> nextProbeTarget();
    std::vector<Pid> randomLive(std::size_t count, Pid exclude);
    void unindexAddress(Pid pid, const std::string& address);
    void send(Output& out, const std::string& address, const Payload& p) const;
    std::vector<Update> piggyback(std::optional<Update> first);
    std::optional<Update> beliefAbout(Pid pid) const;
    Update factOf(const Member& m) const;
    int retransmitLimit() const;
    TimeMs suspicionMin() const;

    MembershipParams params_;
    Pid self_;
    std::unordered_map<Pid, Member> members_;
    std::unordered_map<std::string, std::vector<Pid>> byAddress_; ///< a restarted process shares its address
    std::size_t live_ = 0;
    std::map<Pid, Suspicion> suspicions_;
    std::map<Pid, TimeMs> departing_;  ///< DEPARTING since
    std::map<Pid, TimeMs> tombstones_; ///< FAILED or DEPARTED since
    BroadcastQueue broadcasts_;
    Awareness awareness_;
    std::mt19937_64 rng_;
    std::vector<Pid> probeOrder_;
    std::size_t probeIndex_ = 0;
    std::optional<Probe> probe_;
    std::map<std::uint64_t, Relay> relays_;
    std::uint64_t seq_ = 0;
    TimeMs nextProbeAt_;
    std::optional<TimeMs> lastTick_;
    std::uint64_t periods_ = 0;
    bool departed_ = false;
    bool quiet_ = false;                        ///< inside learn(): merge without gossip
    std::optional<Incarnation> failedReported_; ///< highest FAILED-about-us incarnation reported
    MembershipCounters counters_;
};

} // namespace jiffy::cluster
