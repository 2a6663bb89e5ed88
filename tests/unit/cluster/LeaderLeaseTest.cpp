// The lease rules against an in-memory store with expiry on a hand-moved clock,
// including a store that fails.
#include "cluster/LeaderLease.h"
#include "support/MemoryClusterStore.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace jiffy::cluster;
using jiffy::test::MemoryClusterStore;

class LeaderLeaseTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(LeaderLeaseTest);
    CPPUNIT_TEST(testAcquireWhenAbsentWritesTheRecord);
    CPPUNIT_TEST(testChallengerWaitsForExpiry);
    CPPUNIT_TEST(testHolderStopsActingBeforeTheStoreExpires);
    CPPUNIT_TEST(testRenewExtendsTheLease);
    CPPUNIT_TEST(testRenewFailsWhenStoreUnavailableAndStepsDown);
    CPPUNIT_TEST(testRenewFailsWhenSomeoneElseHoldsTheRecord);
    CPPUNIT_TEST(testLateRenewalIsRefusedEvenIfTheStoreWouldAccept);
    CPPUNIT_TEST(testTermsGrowAndAreNeverReusedEvenAfterAWipe);
    CPPUNIT_TEST(testReleaseLetsAChallengerInAtOnce);
    CPPUNIT_TEST(testReleaseLeavesSomeoneElsesRecordAlone);
    CPPUNIT_TEST(testRecordDecodeRejectsGarbage);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override
    {
        now_ = 1000;
        store_ = std::make_unique<MemoryClusterStore>([this] { return now_; });
        params_.ttl = 3000;
        params_.margin = 1000;
    }

    void testAcquireWhenAbsentWritesTheRecord()
    {
        LeaderLease a(*store_, params_);
        CPPUNIT_ASSERT(a.acquire(1, "127.0.0.2:7946", 0, now_));
        CPPUNIT_ASSERT(a.held(now_));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{1}, a.term());
        LeaderRecord r;
        CPPUNIT_ASSERT(a.read(r) == LeaderLease::Seen::Record);
        CPPUNIT_ASSERT_EQUAL(Pid{1}, r.pid);
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.2:7946"), r.address);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{1}, r.term);
    }

    void testChallengerWaitsForExpiry()
    {
        LeaderLease a(*store_, params_), b(*store_, params_);
        CPPUNIT_ASSERT(a.acquire(1, "a:1", 0, now_));
        now_ += 2999;
        CPPUNIT_ASSERT(!b.acquire(2, "b:1", 1, now_)); // the record still lives in the store
        now_ += 1;
        CPPUNIT_ASSERT(b.acquire(2, "b:1", 1, now_));
        CPPUNIT_ASSERT(b.term() > 1);
        CPPUNIT_ASSERT(!a.held(now_)); // a stopped acting a full margin earlier
    }

    void testHolderStopsActingBeforeTheStoreExpires()
    {
        LeaderLease a(*store_, params_);
        CPPUNIT_ASSERT(a.acquire(1, "a:1", 0, now_));
        CPPUNIT_ASSERT(a.held(now_ + 1999));
        CPPUNIT_ASSERT(!a.held(now_ + 2000)); // ttl − margin
        std::string v;
        now_ += 2000;
        CPPUNIT_ASSERT(store_->get(params_.key, v) == StoreResult::Ok); // while the store still has it
    }

    void testRenewExtendsTheLease()
    {
        LeaderLease a(*store_, params_), b(*store_, params_);
        CPPUNIT_ASSERT(a.acquire(1, "a:1", 0, now_));
        for (int i = 0; i < 10; ++i) {
            now_ += 1000;
            CPPUNIT_ASSERT(a.renew(now_));
            CPPUNIT_ASSERT(!b.acquire(2, "b:1", a.term(), now_));
        }
        CPPUNIT_ASSERT(a.held(now_ + 1999));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{1}, a.term());
    }

    void testRenewFailsWhenStoreUnavailableAndStepsDown()
    {
        LeaderLease a(*store_, params_);
        CPPUNIT_ASSERT(a.acquire(1, "a:1", 0, now_));
        store_->setAvailable(false);
        now_ += 1000;
        CPPUNIT_ASSERT(!a.renew(now_));
        CPPUNIT_ASSERT(!a.held(now_));
        CPPUNIT_ASSERT(!a.holding());
        CPPUNIT_ASSERT(!a.acquire(1, "a:1", 1, now_)); // nor can anyone take it while the store is away
        store_->setAvailable(true);
        now_ += 3000;
        CPPUNIT_ASSERT(a.acquire(1, "a:1", 1, now_)); // leadership resumes once it is back, with a new term
        CPPUNIT_ASSERT(a.term() > 1);
    }

    void testRenewFailsWhenSomeoneElseHoldsTheRecord()
    {
        LeaderLease a(*store_, params_), b(*store_, params_);
        CPPUNIT_ASSERT(a.acquire(1, "a:1", 0, now_));
        store_->wipe(); // the KVS restarted empty
        CPPUNIT_ASSERT(b.acquire(2, "b:1", 1, now_));
        now_ += 500;
        CPPUNIT_ASSERT(!a.renew(now_));
        CPPUNIT_ASSERT(!a.held(now_));
        CPPUNIT_ASSERT(b.held(now_));
    }

    void testLateRenewalIsRefusedEvenIfTheStoreWouldAccept()
    {
        LeaderLease a(*store_, params_);
        CPPUNIT_ASSERT(a.acquire(1, "a:1", 0, now_));
        now_ += 2500; // paused past ttl − margin; the record has 500 ms left
        CPPUNIT_ASSERT(!a.renew(now_));
        CPPUNIT_ASSERT(!a.holding());
    }

    void testTermsGrowAndAreNeverReusedEvenAfterAWipe()
    {
        std::uint64_t seen = 0;
        for (int i = 0; i < 5; ++i) {
            LeaderLease l(*store_, params_);
            CPPUNIT_ASSERT(l.acquire(static_cast<Pid>(i + 1), "a:1", seen, now_));
            CPPUNIT_ASSERT(l.term() > seen);
            seen = l.term();
            l.release();
            if (i == 2) store_->wipe(); // counter lost: the next term still goes above what was seen
            now_ += 10;
        }
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{5}, seen);
    }

    void testReleaseLetsAChallengerInAtOnce()
    {
        LeaderLease a(*store_, params_), b(*store_, params_);
        CPPUNIT_ASSERT(a.acquire(1, "a:1", 0, now_));
        a.release();
        CPPUNIT_ASSERT(!a.held(now_));
        LeaderRecord r;
        CPPUNIT_ASSERT(b.read(r) == LeaderLease::Seen::Absent);
        CPPUNIT_ASSERT(b.acquire(2, "b:1", 1, now_));
    }

    void testReleaseLeavesSomeoneElsesRecordAlone()
    {
        LeaderLease a(*store_, params_), b(*store_, params_);
        CPPUNIT_ASSERT(a.acquire(1, "a:1", 0, now_));
        now_ += 3000;
        CPPUNIT_ASSERT(b.acquire(2, "b:1", 1, now_));
        a.release(); // a does not know it lost: compare-and-set keeps b's record
        LeaderRecord r;
        CPPUNIT_ASSERT(b.read(r) == LeaderLease::Seen::Record);
        CPPUNIT_ASSERT_EQUAL(Pid{2}, r.pid);
        CPPUNIT_ASSERT(b.renew(now_ + 1000));
    }

    void testRecordDecodeRejectsGarbage()
    {
        LeaderRecord r{3, "127.0.0.2:7946", 9};
        auto back = LeaderRecord::decode(r.encode());
        CPPUNIT_ASSERT(back && back->pid == 3 && back->term == 9 && back->address == "127.0.0.2:7946");
        for (const char* bad :
             {"", "jiffy-leader/1 ", "jiffy-leader/1 3 9", "jiffy-leader/1 3 9 ", "jiffy-leader/1 x 9 a:1",
              "jiffy-leader/1 0 9 a:1", "jiffy-leader/1 3 0 a:1", "jiffy-leader/2 3 9 a:1", "\x01\x02"})
            CPPUNIT_ASSERT_MESSAGE(bad, !LeaderRecord::decode(bad));
    }

private:
    std::int64_t now_ = 0;
    std::unique_ptr<MemoryClusterStore> store_;
    LeaseParams params_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(LeaderLeaseTest);
