// The membership state machine driven by hand: no network, explicit time.
#include "cluster/BroadcastQueue.h"
#include "cluster/Membership.h"
#include "cluster/Suspicion.h"

#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>

using namespace jiffy::cluster;

namespace {

MembershipParams params()
{
    MembershipParams p;
    p.seed = 7;
    return p;
}

template <class T> std::vector<T> decodedOfType(const Output& out, MessageType type)
{
    std::vector<T> found;
    for (const auto& m : out.messages) {
        if (m.envelope.type != static_cast<std::uint8_t>(type)) continue;
        Decoded d = decode(m.envelope.type, m.payload);
        found.push_back(std::get<T>(std::get<Payload>(d)));
    }
    return found;
}

bool hasEvent(const Output& out, EventKind kind, Pid pid)
{
    return std::any_of(out.events.begin(), out.events.end(),
                       [&](const Event& e) { return e.kind == kind && e.pid == pid; });
}

} // namespace

class MembershipTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(MembershipTest);
    CPPUNIT_TEST(testProbesOneMemberPerPeriodInShuffledRoundRobin);
    CPPUNIT_TEST(testUnansweredProbeAsksHelpersThenSuspects);
    CPPUNIT_TEST(testSuspicionTimesOutToFailed);
    CPPUNIT_TEST(testRefutesSuspicionAboutItself);
    CPPUNIT_TEST(testLearningItWasFailedReportsRecovery);
    CPPUNIT_TEST(testStaleFailureAfterARefutationStillReportsRecoveryOnce);
    CPPUNIT_TEST(testSyncTeachesMissingMembersAndIsAnsweredOnce);
    CPPUNIT_TEST(testPingForAnotherPidIsNotAnswered);
    CPPUNIT_TEST(testHelperAnswersNackWhenTargetIsSilent);
    CPPUNIT_TEST(testNewerProcessOnSameAddressSupersedes);
    CPPUNIT_TEST(testLonelyMemberSlowsDownInsteadOfAccusing);
    CPPUNIT_TEST(testStalledMemberDoesNotAccuseOnWaking);
    CPPUNIT_TEST(testSuspicionShrinksWithIndependentConfirmations);
    CPPUNIT_TEST(testBroadcastsAreRetransmittedABoundedNumberOfTimes);
    CPPUNIT_TEST_SUITE_END();

public:
    void testProbesOneMemberPerPeriodInShuffledRoundRobin()
    {
        Membership m(1, "a:1", 1, params(), 0);
        for (Pid p = 2; p <= 6; ++p) m.apply(Update{p, "n" + std::to_string(p) + ":1", Status::Alive, 1, 0}, 0);
        std::vector<Pid> targets;
        for (TimeMs t = 0; t < 10000; t += 100) {
            Output out = m.tick(t);
            for (const auto& ping : decodedOfType<Ping>(out, MessageType::Ping)) {
                targets.push_back(ping.target);
                Ack ack{ping.seq, {}};
                Envelope env{static_cast<std::uint8_t>(MessageType::Ack), ping.target, 1, 0};
                m.receive("x:1", env, encode(ack), t + 1);
            }
        }
        CPPUNIT_ASSERT_EQUAL(std::size_t{10}, targets.size()); // one per 1 s period
        for (std::size_t round = 0; round < 2; ++round) {
            std::vector<Pid> r(targets.begin() + static_cast<long>(round * 5),
                               targets.begin() + static_cast<long>(round * 5 + 5));
            std::sort(r.begin(), r.end());
            CPPUNIT_ASSERT((r == std::vector<Pid>{2, 3, 4, 5, 6})); // each member once per round
        }
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{10}, m.counters().acks);
    }

    void testUnansweredProbeAsksHelpersThenSuspects()
    {
        Membership m(1, "a:1", 1, params(), 0);
        for (Pid p = 2; p <= 6; ++p) m.apply(Update{p, "n" + std::to_string(p) + ":1", Status::Alive, 1, 0}, 0);
        Output first = m.tick(0);
        auto pings = decodedOfType<Ping>(first, MessageType::Ping);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, pings.size());
        Pid target = pings[0].target;
        CPPUNIT_ASSERT(decodedOfType<PingReq>(m.tick(400), MessageType::PingReq).empty());
        auto reqs = decodedOfType<PingReq>(m.tick(500), MessageType::PingReq);
        CPPUNIT_ASSERT_EQUAL(std::size_t{3}, reqs.size());
        for (const auto& r : reqs) CPPUNIT_ASSERT_EQUAL(target, r.target);
        Output end = m.tick(1000);
        CPPUNIT_ASSERT(hasEvent(end, EventKind::Suspected, target));
        CPPUNIT_ASSERT(m.find(target)->status == Status::Suspect);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{3}, m.counters().indirectProbes);
    }

    void testSuspicionTimesOutToFailed()
    {
        Membership m(1, "a:1", 1, params(), 0);
        m.apply(Update{2, "b:1", Status::Alive, 1, 0}, 0);
        m.apply(Update{2, "b:1", Status::Suspect, 1, 3}, 0);
        // Two members (n = 2): no confirmation expected, so the minimum applies: 5 × 1 × 1 s.
        CPPUNIT_ASSERT(m.find(2)->status == Status::Suspect);
        bool failed = false;
        for (TimeMs t = 0; t <= 5000 && !failed; t += 100) failed = hasEvent(m.tick(t), EventKind::Failed, 2);
        CPPUNIT_ASSERT(failed);
        CPPUNIT_ASSERT(m.find(2)->status == Status::Failed);
        // An ALIVE at the same incarnation does not revive it; a higher one does.
        m.apply(Update{2, "b:1", Status::Alive, 1, 0}, 6000);
        CPPUNIT_ASSERT(m.find(2)->status == Status::Failed);
        CPPUNIT_ASSERT(hasEvent(m.apply(Update{2, "b:1", Status::Alive, 2, 0}, 6000), EventKind::Alive, 2));
    }

    void testRefutesSuspicionAboutItself()
    {
        Membership m(1, "a:1", 1, params(), 0);
        m.apply(Update{2, "b:1", Status::Alive, 1, 0}, 0);
        Output out = m.apply(Update{1, "a:1", Status::Suspect, 1, 2}, 10);
        CPPUNIT_ASSERT(hasEvent(out, EventKind::SelfRefuted, 1));
        CPPUNIT_ASSERT_EQUAL(Incarnation{2}, m.self().incarnation);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{1}, m.counters().refutations);
        // The refutation rides on the next probe.
        auto pings = decodedOfType<Ping>(m.tick(20), MessageType::Ping);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, pings.size());
        bool carried = std::any_of(pings[0].updates.begin(), pings[0].updates.end(), [](const Update& u) {
            return u.pid == 1 && u.status == Status::Alive && u.incarnation == 2;
        });
        CPPUNIT_ASSERT(carried);
        // A stale suspicion (older incarnation) is not refuted again.
        CPPUNIT_ASSERT(m.apply(Update{1, "a:1", Status::Suspect, 1, 2}, 30).events.empty());
    }

    void testLearningItWasFailedReportsRecovery()
    {
        Membership m(1, "a:1", 3, params(), 0);
        Output out = m.apply(Update{1, "a:1", Status::Failed, 3, 0}, 0);
        CPPUNIT_ASSERT(hasEvent(out, EventKind::SelfRecovered, 1));
        CPPUNIT_ASSERT_EQUAL(Incarnation{4}, m.self().incarnation);
    }

    void testStaleFailureAfterARefutationStillReportsRecoveryOnce()
    {
        // A paused member finds SUSPECT (refutes: incarnation 2) then FAILED at 1 in its backlog.
        Membership m(1, "a:1", 1, params(), 0);
        CPPUNIT_ASSERT(hasEvent(m.apply(Update{1, "a:1", Status::Suspect, 1, 2}, 0), EventKind::SelfRefuted, 1));
        CPPUNIT_ASSERT(hasEvent(m.apply(Update{1, "a:1", Status::Failed, 1, 0}, 0), EventKind::SelfRecovered, 1));
        CPPUNIT_ASSERT_EQUAL(Incarnation{2}, m.self().incarnation); // no second refutation needed
        CPPUNIT_ASSERT(m.apply(Update{1, "a:1", Status::Failed, 1, 0}, 0).events.empty()); // reported once
    }

    void testSyncTeachesMissingMembersAndIsAnsweredOnce()
    {
        Membership m(1, "a:1", 1, params(), 0);
        Envelope env{static_cast<std::uint8_t>(MessageType::Sync), 2, 1, 0};
        Sync sync{false, {{2, "b:1", Status::Alive, 1, 0}, {3, "c:1", Status::Alive, 4, 0}}};
        Output out = m.receive("b:1", env, encode(sync), 0);
        CPPUNIT_ASSERT(m.find(3) && m.find(3)->incarnation == 4);
        auto replies = decodedOfType<Sync>(out, MessageType::Sync);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, replies.size());
        CPPUNIT_ASSERT(replies[0].reply);
        CPPUNIT_ASSERT_EQUAL(std::string("b:1"), out.messages[0].address);
        sync.reply = true;
        CPPUNIT_ASSERT(decodedOfType<Sync>(m.receive("b:1", env, encode(sync), 0), MessageType::Sync).empty());
    }

    void testPingForAnotherPidIsNotAnswered()
    {
        Membership m(5, "a:1", 1, params(), 0);
        Envelope env{static_cast<std::uint8_t>(MessageType::Ping), 2, 1, 0};
        CPPUNIT_ASSERT(m.receive("b:1", env, encode(Ping{9, 4, {}}), 0).messages.empty()); // meant for PID 4
        auto acks = decodedOfType<Ack>(m.receive("b:1", env, encode(Ping{9, 5, {}}), 0), MessageType::Ack);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, acks.size());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{9}, acks[0].seq);
        CPPUNIT_ASSERT(m.find(2) && m.find(2)->status == Status::Alive); // the sender became known
    }

    void testHelperAnswersNackWhenTargetIsSilent()
    {
        Membership m(1, "a:1", 1, params(), 0);
        Envelope env{static_cast<std::uint8_t>(MessageType::PingReq), 2, 1, 0};
        Output out = m.receive("b:1", env, encode(PingReq{77, 3, "c:1", {}}), 0);
        auto pings = decodedOfType<Ping>(out, MessageType::Ping);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, pings.size());
        CPPUNIT_ASSERT_EQUAL(std::string("c:1"), out.messages[0].address);
        Output later = m.tick(600);
        auto nacks = decodedOfType<IndirectNack>(later, MessageType::IndirectNack);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, nacks.size());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{77}, nacks[0].seq);

        // With an answer in time: INDIRECT_ACK to the requester instead.
        out = m.receive("b:1", env, encode(PingReq{78, 3, "c:1", {}}), 1000);
        auto relayed = decodedOfType<Ping>(out, MessageType::Ping);
        Envelope ackEnv{static_cast<std::uint8_t>(MessageType::Ack), 3, 1, 0};
        auto acks = decodedOfType<IndirectAck>(m.receive("c:1", ackEnv, encode(Ack{relayed.at(0).seq, {}}), 1010),
                                               MessageType::IndirectAck);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, acks.size());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{78}, acks[0].seq);
    }

    void testNewerProcessOnSameAddressSupersedes()
    {
        Membership m(1, "a:1", 1, params(), 0);
        m.apply(Update{2, "b:1", Status::Alive, 1, 0}, 0);
        Output out = m.apply(Update{5, "b:1", Status::Alive, 2, 0}, 10);
        CPPUNIT_ASSERT(hasEvent(out, EventKind::Superseded, 2));
        CPPUNIT_ASSERT(m.find(2)->status == Status::Departed);
        CPPUNIT_ASSERT(m.find(5)->status == Status::Alive);
        m.apply(Update{2, "b:1", Status::Alive, 9, 0}, 20); // old PID: its entry is final
        CPPUNIT_ASSERT(m.find(2)->status == Status::Departed);
        m.apply(Update{3, "b:1", Status::Alive, 1, 0}, 20); // an even older process there: ignored
        CPPUNIT_ASSERT(m.find(3) == nullptr);
        CPPUNIT_ASSERT_EQUAL(Incarnation{2}, m.incarnationAt("b:1")); // PID 5's
    }

    void testLonelyMemberSlowsDownInsteadOfAccusing()
    {
        // Nothing this member sends arrives and nobody answers: its own link is the likely fault.
        Membership m(1, "a:1", 1, params(), 0);
        for (Pid p = 2; p <= 6; ++p) m.apply(Update{p, "n" + std::to_string(p) + ":1", Status::Alive, 1, 0}, 0);
        for (TimeMs t = 0; t <= 30000; t += 100) m.tick(t);
        CPPUNIT_ASSERT(m.awareness() > 0);
        // 30 periods of 1 s at full speed; awareness stretched them.
        CPPUNIT_ASSERT(m.counters().probes < 20);
    }

    void testStalledMemberDoesNotAccuseOnWaking()
    {
        Membership m(1, "a:1", 1, params(), 0);
        m.apply(Update{2, "b:1", Status::Alive, 1, 0}, 0);
        m.apply(Update{3, "c:1", Status::Alive, 1, 0}, 0);
        m.apply(Update{2, "b:1", Status::Suspect, 1, 3}, 0);
        m.tick(0); // a probe goes out; then the process is stopped for 60 s
        Output woke = m.tick(60000);
        CPPUNIT_ASSERT(!hasEvent(woke, EventKind::Failed, 2));    // the suspicion timer did not run while stalled
        CPPUNIT_ASSERT(!hasEvent(woke, EventKind::Suspected, 3)); // nor does the probe in flight accuse
        CPPUNIT_ASSERT(m.find(2)->status == Status::Suspect);
        bool failed = false;
        for (TimeMs t = 60000; t <= 120000 && !failed; t += 100) failed = hasEvent(m.tick(t), EventKind::Failed, 2);
        CPPUNIT_ASSERT(failed); // it still expires, counted from the wake-up
    }

    void testSuspicionShrinksWithIndependentConfirmations()
    {
        Suspicion s(1, 1, 0, 1000, 3000, 2);
        CPPUNIT_ASSERT_EQUAL(TimeMs{3000}, s.deadline());
        CPPUNIT_ASSERT(!s.confirm(1)); // the first accuser again
        CPPUNIT_ASSERT(s.confirm(2));
        TimeMs one = s.deadline();
        CPPUNIT_ASSERT(one < 3000 && one > 1000);
        CPPUNIT_ASSERT(!s.confirm(2));
        CPPUNIT_ASSERT(s.confirm(3));
        CPPUNIT_ASSERT_EQUAL(TimeMs{1000}, s.deadline());
        CPPUNIT_ASSERT(!s.confirm(4)); // more than expected changes nothing
        CPPUNIT_ASSERT_EQUAL(TimeMs{1000}, Suspicion(1, 1, 0, 1000, 3000, 0).deadline());
    }

    void testBroadcastsAreRetransmittedABoundedNumberOfTimes()
    {
        BroadcastQueue q;
        q.push(Update{1, "a:1", Status::Alive, 1, 0});
        q.push(Update{2, "b:1", Status::Alive, 1, 0});
        q.push(Update{1, "a:1", Status::Suspect, 1, 3}); // replaces the first
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, q.size());
        int sent1 = 0, sent2 = 0;
        for (int i = 0; i < 10; ++i) {
            for (const auto& u : q.take(1, 4)) {
                if (u.pid == 1) {
                    CPPUNIT_ASSERT(u.status == Status::Suspect);
                    ++sent1;
                } else {
                    ++sent2;
                }
            }
        }
        CPPUNIT_ASSERT_EQUAL(4, sent1);
        CPPUNIT_ASSERT_EQUAL(4, sent2);
        CPPUNIT_ASSERT_EQUAL(std::size_t{0}, q.size());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(MembershipTest);
