// KvsClusterStore over the real local_standalone KVS plugin (in-process):
// the adapter maps the plugin's outcomes to the cluster's, turns plugin errors
// into Unavailable with a message, and a lease and a lone node work over it.
#include "cluster/ClusterNode.h"
#include "cluster/KvsClusterStore.h"
#include "support/TestSupport.h"

#include <cppunit/extensions/HelperMacros.h>

#include <chrono>

using namespace jiffy::cluster;
using jiffy::host::KvsClusterStore;

namespace {

TimeMs monotonicMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

/// A transport to nowhere: a lone node needs none.
class NullTransport : public Transport {
public:
    bool send(const std::string&, const Envelope&, std::string_view) override
    {
        ++sent;
        return true;
    }
    void setReceiver(Receiver) override {}
    const std::string& localAddress() const override { return address_; }
    int sent = 0;

private:
    std::string address_ = "127.0.0.1:7946";
};

} // namespace

class KvsClusterStoreTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(KvsClusterStoreTest);
    CPPUNIT_TEST(testOutcomesMapToClusterResults);
    CPPUNIT_TEST(testTtlExpiresTheRecord);
    CPPUNIT_TEST(testPluginErrorIsUnavailableAndNamed);
    CPPUNIT_TEST(testLoneNodeIsPidOneAndLeaderOfItself);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override
    {
        kvs_ = harness_.kvs(jiffy::test::pluginFile("kvs", "standalone"), "{}");
        store_ = std::make_unique<KvsClusterStore>(*kvs_);
    }
    void tearDown() override
    {
        store_.reset();
        kvs_.reset();
    }

    void testOutcomesMapToClusterResults()
    {
        std::string v;
        CPPUNIT_ASSERT(store_->get("k", v) == StoreResult::NotFound);
        CPPUNIT_ASSERT(store_->add("k", "1", 0) == StoreResult::Ok);
        CPPUNIT_ASSERT(store_->add("k", "2", 0) == StoreResult::Conflict);
        CPPUNIT_ASSERT(store_->get("k", v) == StoreResult::Ok && v == "1");
        CPPUNIT_ASSERT(store_->compareAndSet("k", "9", "3", 0) == StoreResult::Conflict);
        CPPUNIT_ASSERT(store_->compareAndSet("k", "1", "3", 0) == StoreResult::Ok);
        CPPUNIT_ASSERT(store_->compareAndSet("missing", "1", "3", 0) == StoreResult::NotFound);
        std::int64_t n = 0;
        CPPUNIT_ASSERT(store_->incr("counter", 1, n) == StoreResult::Ok && n == 1);
        CPPUNIT_ASSERT(store_->incr("counter", 5, n) == StoreResult::Ok && n == 6);
        CPPUNIT_ASSERT(store_->remove("k") == StoreResult::Ok);
        CPPUNIT_ASSERT(store_->remove("k") == StoreResult::NotFound);
    }

    void testTtlExpiresTheRecord()
    {
        CPPUNIT_ASSERT(store_->add("lease", "x", 50) == StoreResult::Ok);
        // Liveness wait with a generous bound (the TTL is 50 ms).
        std::string v;
        TimeMs deadline = monotonicMs() + 10000;
        while (store_->get("lease", v) == StoreResult::Ok && monotonicMs() < deadline) {
        }
        CPPUNIT_ASSERT(store_->get("lease", v) == StoreResult::NotFound);
        CPPUNIT_ASSERT(store_->add("lease", "y", 0) == StoreResult::Ok);
    }

    void testPluginErrorIsUnavailableAndNamed()
    {
        CPPUNIT_ASSERT(store_->add("text", "not a number", 0) == StoreResult::Ok);
        std::int64_t n = 0;
        CPPUNIT_ASSERT(store_->incr("text", 1, n) == StoreResult::Unavailable);
        CPPUNIT_ASSERT(jiffy::test::contains(store_->lastError(), "cluster store incr text"));
    }

    void testLoneNodeIsPidOneAndLeaderOfItself()
    {
        NullTransport net;
        ClusterNode node(net, *store_, NodeParams::fromConfig(1, 5));
        TimeMs now = monotonicMs();
        node.start(now);
        node.tick(now);
        auto v = node.view(now);
        CPPUNIT_ASSERT_EQUAL(Pid{1}, v.self);
        CPPUNIT_ASSERT_EQUAL(Pid{1}, v.leader);
        CPPUNIT_ASSERT(v.isLeader);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{1}, v.term);
        std::string record;
        CPPUNIT_ASSERT(store_->get("jiffy.cluster.leader", record) == StoreResult::Ok);
        CPPUNIT_ASSERT_EQUAL(std::string("jiffy-leader/1 1 1 127.0.0.1:7946"), record);
        // Renewal after one cycle keeps it leader; departing releases the record.
        node.tick(now + 1000);
        CPPUNIT_ASSERT(node.isLeader(now + 1000));
        node.depart(now + 1000);
        CPPUNIT_ASSERT(!node.isLeader(now + 1000));
        LeaderLease reader(*store_, LeaseParams{});
        LeaderRecord r;
        CPPUNIT_ASSERT(reader.read(r) == LeaderLease::Seen::Absent);
        CPPUNIT_ASSERT_EQUAL(0, net.sent); // alone: nobody to talk to
    }

private:
    jiffy::test::PluginHarness harness_;
    std::unique_ptr<jiffy::host::KvsInstance> kvs_;
    std::unique_ptr<KvsClusterStore> store_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(KvsClusterStoreTest);
