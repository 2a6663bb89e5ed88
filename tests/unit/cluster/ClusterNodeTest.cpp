// Whole nodes on the in-memory network in virtual time: forming a group,
// failures, pauses longer than the lease, restarts on the same address,
// partitions, store outages. Every test ends by checking the whole history:
// no two members ever acted as leader at one instant or in one term, and
// terms only grew. Bounds are generous (tens of ping cycles); no timing is asserted.
#include "support/SimCluster.h"

#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <cstdlib>

using namespace jiffy::cluster;
using jiffy::test::SimCluster;

namespace {

constexpr SimCluster::TimeMs kSecond = 1000;
constexpr SimCluster::TimeMs kBound = 90 * kSecond; // liveness bound: 90 ping cycles

NodeParams params()
{
    return NodeParams::fromConfig(1, 5);
}

} // namespace

class ClusterNodeTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ClusterNodeTest);
    CPPUNIT_TEST(testSingleNodeIsPidOneAndLeader);
    CPPUNIT_TEST(testThreeNodesStartedAtOnceFormOneGroup);
    CPPUNIT_TEST(testKilledLeaderIsFailedAndReplacedWithAHigherTerm);
    CPPUNIT_TEST(testPausedMemberIsFailedAndComesBackWithFreshCaches);
    CPPUNIT_TEST(testLeaderPausedLongerThanItsLeaseIsDeposed);
    CPPUNIT_TEST(testMemberRestartedOnItsAddressRejoinsTenTimes);
    CPPUNIT_TEST(testRestartedLeaderRejoins);
    CPPUNIT_TEST(testFalseSuspicionIsRefuted);
    CPPUNIT_TEST(testCutOffMemberFailsThenRejoinsWithHigherIncarnation);
    CPPUNIT_TEST(testDepartingLeaderHandsOverWithoutWaitingForTheLease);
    CPPUNIT_TEST(testStoreOutageKeepsMembershipAndLeadershipResumes);
    CPPUNIT_TEST(testInvalidationReachesEveryOtherMember);
    CPPUNIT_TEST(testGarbageFramesAreCountedAndIgnored);
    CPPUNIT_TEST(testLeaderMessagesOfAnOlderTermAreRefused);
    CPPUNIT_TEST_SUITE_END();

public:
    // JIFFY_CLUSTER_SEED explores other schedules (latencies, shuffles, helper choices).
    void setUp() override
    {
        const char* seed = std::getenv("JIFFY_CLUSTER_SEED");
        sim_ = std::make_unique<SimCluster>(params(), seed ? std::strtoull(seed, nullptr, 10) : 11);
    }

    void tearDown() override
    {
        std::string broken = sim_->leadershipViolations();
        sim_.reset();
        CPPUNIT_ASSERT_EQUAL_MESSAGE("leadership history", std::string(), broken);
    }

    void testSingleNodeIsPidOneAndLeader()
    {
        sim_->add();
        CPPUNIT_ASSERT(sim_->runUntil([&] { return sim_->converged(); }, kBound));
        auto v = sim_->node(0).view(sim_->now());
        CPPUNIT_ASSERT_EQUAL(Pid{1}, v.self);
        CPPUNIT_ASSERT_EQUAL(Pid{1}, v.leader);
        CPPUNIT_ASSERT(v.isLeader);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{1}, v.term);
        sim_->run(20 * kSecond); // renewals keep it leader, term unchanged
        CPPUNIT_ASSERT(sim_->node(0).isLeader(sim_->now()));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{1}, sim_->node(0).term());
    }

    void testThreeNodesStartedAtOnceFormOneGroup()
    {
        formGroup(3);
        std::vector<Pid> pids;
        for (std::size_t i = 0; i < 3; ++i) {
            auto v = sim_->node(i).view(sim_->now());
            CPPUNIT_ASSERT_EQUAL(std::size_t{3}, v.members.size());
            CPPUNIT_ASSERT_EQUAL(sim_->node(0).term(), v.term);
            pids.push_back(v.self);
        }
        std::sort(pids.begin(), pids.end());
        CPPUNIT_ASSERT(std::adjacent_find(pids.begin(), pids.end()) == pids.end()); // distinct PIDs
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, sim_->leaders().size());
    }

    void testKilledLeaderIsFailedAndReplacedWithAHigherTerm()
    {
        formGroup(3);
        std::size_t old = sim_->leaders().at(0);
        std::uint64_t oldTerm = sim_->node(old).term();
        sim_->kill(old);
        bool ok = sim_->runUntil(
            [&] {
                for (std::size_t i : sim_->live())
                    if (sim_->statusSeenBy(i, old) != Status::Failed) return false;
                return sim_->converged();
            },
            kBound);
        CPPUNIT_ASSERT_MESSAGE("survivors agree the leader FAILED and follow a new one", ok);
        std::size_t now = sim_->leaders().at(0);
        CPPUNIT_ASSERT(now != old);
        CPPUNIT_ASSERT(sim_->node(now).term() > oldTerm);
    }

    void testPausedMemberIsFailedAndComesBackWithFreshCaches()
    {
        formGroup(3);
        std::size_t member = nonLeader();
        Incarnation before = sim_->node(member).membership()->self().incarnation;
        sim_->pause(member);
        bool failed = sim_->runUntil(
            [&] {
                for (std::size_t i : sim_->live())
                    if (sim_->statusSeenBy(i, member) != Status::Failed) return false;
                return true;
            },
            kBound);
        CPPUNIT_ASSERT_MESSAGE("the others mark the paused member FAILED", failed);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, sim_->leaders().size()); // probing among the others went on
        sim_->resume(member);
        CPPUNIT_ASSERT(sim_->runUntil([&] { return sim_->converged(); }, kBound));
        CPPUNIT_ASSERT(sim_->node(member).membership()->self().incarnation > before);
        CPPUNIT_ASSERT(sim_->at(member).cacheDrops >= 1);
    }

    void testLeaderPausedLongerThanItsLeaseIsDeposed()
    {
        formGroup(3);
        std::size_t old = sim_->leaders().at(0);
        std::uint64_t oldTerm = sim_->node(old).term();
        sim_->pause(old);
        bool replaced = sim_->runUntil(
            [&] {
                auto l = sim_->leaders();
                return l.size() == 1 && l[0] != old;
            },
            kBound);
        CPPUNIT_ASSERT_MESSAGE("a new leader while the old one is paused", replaced);
        std::uint64_t newTerm = sim_->node(sim_->leaders().at(0)).term();
        CPPUNIT_ASSERT(newTerm > oldTerm);
        sim_->run(10 * kSecond); // paused well past its lease
        sim_->resume(old);
        CPPUNIT_ASSERT(!sim_->node(old).isLeader(sim_->now())); // wakes up deposed, before doing anything
        CPPUNIT_ASSERT(sim_->runUntil([&] { return sim_->converged(); }, kBound));
        CPPUNIT_ASSERT(!sim_->node(old).isLeader(sim_->now()));
        CPPUNIT_ASSERT(sim_->node(old).term() >= newTerm);
        CPPUNIT_ASSERT(sim_->node(old).counters().stepDowns >= 1);
    }

    void testMemberRestartedOnItsAddressRejoinsTenTimes()
    {
        formGroup(3);
        std::size_t member = nonLeader();
        for (int round = 0; round < 10; ++round) {
            Incarnation seenBefore = 0;
            for (std::size_t i : sim_->live())
                if (i != member)
                    seenBefore =
                        std::max(seenBefore, sim_->node(i).membership()->incarnationAt(sim_->at(member).address));
            Pid oldPid = sim_->node(member).pid();
            sim_->restart(member);
            bool back = sim_->runUntil([&] { return sim_->converged(); }, kBound);
            CPPUNIT_ASSERT_MESSAGE("round " + std::to_string(round) + ": rejoined", back);
            CPPUNIT_ASSERT(sim_->node(member).pid() != oldPid); // PIDs are never reused
            CPPUNIT_ASSERT(sim_->node(member).membership()->self().incarnation > seenBefore);
            for (std::size_t i : sim_->live()) {
                const Member* old = sim_->node(i).membership()->find(oldPid);
                CPPUNIT_ASSERT(!old || old->status != Status::Alive); // the old entry is superseded
            }
        }
    }

    void testRestartedLeaderRejoins()
    {
        formGroup(3);
        std::size_t old = sim_->leaders().at(0);
        std::uint64_t oldTerm = sim_->node(old).term();
        sim_->restart(old); // its record still names its address: it must not join itself
        CPPUNIT_ASSERT(sim_->runUntil([&] { return sim_->converged(); }, kBound));
        CPPUNIT_ASSERT(sim_->node(sim_->leaders().at(0)).term() > oldTerm);
        for (std::size_t i = 0; i < 3; ++i) CPPUNIT_ASSERT_EQUAL(std::size_t{3}, aliveSeenBy(i));
    }

    void testFalseSuspicionIsRefuted()
    {
        formGroup(4);
        std::size_t member = nonLeader();
        Incarnation before = sim_->node(member).membership()->self().incarnation;
        sim_->cutOff(member, true);
        bool suspected = sim_->runUntil(
            [&] {
                for (std::size_t i : sim_->live())
                    if (i != member && sim_->statusSeenBy(i, member) == Status::Suspect) return true;
                return false;
            },
            kBound);
        CPPUNIT_ASSERT(suspected);
        sim_->cutOff(member, false); // healed well within the suspicion timeout (5 s)
        bool everFailed = false;
        bool back = sim_->runUntil(
            [&] {
                for (std::size_t i : sim_->live())
                    if (i != member && sim_->statusSeenBy(i, member) == Status::Failed) everFailed = true;
                return sim_->converged();
            },
            kBound);
        CPPUNIT_ASSERT(back);
        CPPUNIT_ASSERT(!everFailed);
        CPPUNIT_ASSERT(sim_->node(member).membership()->self().incarnation > before);
        CPPUNIT_ASSERT(sim_->node(member).counters().membership.refutations >= 1);
        CPPUNIT_ASSERT_EQUAL(0, sim_->at(member).cacheDrops); // never FAILED: nothing missed
    }

    void testCutOffMemberFailsThenRejoinsWithHigherIncarnation()
    {
        formGroup(3);
        std::size_t member = nonLeader();
        Incarnation before = sim_->node(member).membership()->self().incarnation;
        sim_->cutOff(member, true);
        bool failed = sim_->runUntil(
            [&] {
                for (std::size_t i : sim_->live())
                    if (i != member && sim_->statusSeenBy(i, member) != Status::Failed) return false;
                return true;
            },
            kBound);
        CPPUNIT_ASSERT(failed);
        sim_->cutOff(member, false);
        CPPUNIT_ASSERT(sim_->runUntil([&] { return sim_->converged(); }, kBound));
        CPPUNIT_ASSERT(sim_->node(member).membership()->self().incarnation > before);
        CPPUNIT_ASSERT(sim_->at(member).cacheDrops >= 1);
    }

    void testDepartingLeaderHandsOverWithoutWaitingForTheLease()
    {
        formGroup(3);
        std::size_t old = sim_->leaders().at(0);
        sim_->node(old).depart(sim_->now());
        CPPUNIT_ASSERT(!sim_->node(old).isLeader(sim_->now()));
        bool handedOver = sim_->runUntil(
            [&] {
                for (std::size_t i = 0; i < 3; ++i) {
                    if (i == old) continue;
                    auto s = sim_->statusSeenBy(i, old);
                    if (s != Status::Departing && s != Status::Departed) return false;
                }
                return sim_->leaders().size() == 1;
            },
            kBound);
        CPPUNIT_ASSERT(handedOver);
        sim_->kill(old);
        sim_->run(3 * kSecond);
        for (std::size_t i = 0; i < 3; ++i)
            if (i != old) CPPUNIT_ASSERT(sim_->statusSeenBy(i, old) == Status::Departed);
    }

    void testStoreOutageKeepsMembershipAndLeadershipResumes()
    {
        formGroup(3);
        sim_->store().setAvailable(false);
        sim_->run(30 * kSecond);
        CPPUNIT_ASSERT(sim_->leaders().empty()); // nobody can renew or take the lease
        for (std::size_t i = 0; i < 3; ++i) CPPUNIT_ASSERT_EQUAL(std::size_t{3}, aliveSeenBy(i));
        sim_->store().setAvailable(true);
        CPPUNIT_ASSERT(sim_->runUntil([&] { return sim_->converged(); }, kBound));
    }

    void testInvalidationReachesEveryOtherMember()
    {
        formGroup(3);
        sim_->node(1).invalidate("usr", "42");
        sim_->run(kSecond);
        for (std::size_t i = 0; i < 3; ++i) {
            const auto& got = sim_->at(i).invalidations;
            if (i == 1) {
                CPPUNIT_ASSERT(got.empty());
            } else {
                CPPUNIT_ASSERT_EQUAL(std::size_t{1}, got.size());
                CPPUNIT_ASSERT_EQUAL(std::string("usr"), got[0].first);
                CPPUNIT_ASSERT_EQUAL(std::string("42"), got[0].second);
            }
        }
    }

    void testGarbageFramesAreCountedAndIgnored()
    {
        formGroup(3);
        for (std::uint8_t type = 0; type < 20; ++type) {
            Envelope env{type, 99, 1, 0};
            sim_->node(0).receive("10.9.9.9:1", env, std::string("\xff\xff\xff\xff garbage", 12), sim_->now());
        }
        CPPUNIT_ASSERT(sim_->node(0).counters().undecodable >= 10);
        CPPUNIT_ASSERT(sim_->node(0).membership()->find(99) == nullptr);
        sim_->run(5 * kSecond);
        CPPUNIT_ASSERT(sim_->converged());
    }

    void testLeaderMessagesOfAnOlderTermAreRefused()
    {
        formGroup(3);
        std::size_t member = nonLeader();
        auto before = sim_->node(member).view(sim_->now());
        LeaderAnnounce stale{77, "10.9.9.9:1", before.term - 1};
        Envelope env{static_cast<std::uint8_t>(MessageType::Leader), 77, 1, before.term - 1};
        sim_->node(member).receive("10.9.9.9:1", env, encode(stale), sim_->now());
        JoinReply staleReply{"", 78, 1, 77, "10.9.9.9:1", before.term - 1, {}};
        env.type = static_cast<std::uint8_t>(MessageType::JoinReply);
        sim_->node(member).receive("10.9.9.9:1", env, encode(staleReply), sim_->now());
        auto after = sim_->node(member).view(sim_->now());
        CPPUNIT_ASSERT_EQUAL(before.leader, after.leader);
        CPPUNIT_ASSERT_EQUAL(before.term, after.term);
        CPPUNIT_ASSERT_EQUAL(before.self, after.self);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{2}, sim_->node(member).counters().fenced);
    }

private:
    void formGroup(std::size_t n)
    {
        for (std::size_t i = 0; i < n; ++i) sim_->add();
        CPPUNIT_ASSERT_MESSAGE("the group forms", sim_->runUntil([&] { return sim_->converged(); }, kBound));
    }

    std::size_t nonLeader()
    {
        auto l = sim_->leaders();
        for (std::size_t i = 0; i < sim_->size(); ++i)
            if (std::find(l.begin(), l.end(), i) == l.end()) return i;
        CPPUNIT_FAIL("no member that is not the leader");
        return 0;
    }

    std::size_t aliveSeenBy(std::size_t i)
    {
        std::size_t n = 0;
        for (const auto& m : sim_->node(i).membership()->members())
            if (m.status == Status::Alive) ++n;
        return n;
    }

    std::unique_ptr<SimCluster> sim_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(ClusterNodeTest);
