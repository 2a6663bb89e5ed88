// The conformance suite against a real 3-member etcd cluster on loopback,
// plus what only a replicated store has: members and the raft leader dying
// under load, the whole cluster going away and coming back, endpoints tried
// in turn, leases, authentication, and jiffyd choosing etcd by config alone.
#include "conformance/KvsConformanceTest.h"

#include "plugins/PluginErrors.h"
#include "support/JiffydRunner.h"

#include <Poco/Base64Encoder.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <atomic>
#include <chrono>
#include <sstream>
#include <thread>
#include <vector>

using jiffy::test::contains;

using jiffy::host::CasOutcome;
using jiffy::host::PluginCallError;

namespace {

/// One cluster for the whole process: started by the first setUp, and every
/// setUp brings back members a test left down.
jiffy::test::EtcdCluster& sharedCluster()
{
    static jiffy::test::EtcdCluster cluster(3);
    cluster.start();
    return cluster;
}

std::string storeConfig(const std::string& endpointsJson, const std::string& extra = "")
{
    return R"({"endpoints": )" + endpointsJson + R"(, "connect_timeout_ms": 1000, "timeout_ms": 3000)" + extra + "}";
}

std::string b64(const std::string& bytes)
{
    std::ostringstream out;
    Poco::Base64Encoder enc(out);
    enc.rdbuf()->setLineLength(0);
    enc << bytes;
    enc.close();
    return out.str();
}

/// POSTs to the JSON gateway of the first running member (admin and checks).
Poco::JSON::Object::Ptr etcdPost(jiffy::test::EtcdCluster& c, const std::string& path, const std::string& body)
{
    for (size_t i = 0; i < c.size(); ++i) {
        if (!c.member(i).running()) continue;
        jiffy::test::HttpResult r = jiffy::test::http("POST", "127.0.0.1", c.member(i).port(), path, body);
        if (r.status != 200) throw std::runtime_error(path + ": HTTP " + std::to_string(r.status) + " " + r.body);
        return Poco::JSON::Parser().parse(r.body).extract<Poco::JSON::Object::Ptr>();
    }
    throw std::runtime_error("no etcd member is running");
}

/// The raw etcd key `full` (prefix included): its lease ID, or -1 when absent.
long long leaseOf(jiffy::test::EtcdCluster& c, const std::string& full)
{
    Poco::JSON::Object::Ptr r = etcdPost(c, "/v3/kv/range", "{\"key\":\"" + b64(full) + "\"}");
    Poco::JSON::Array::Ptr kvs = r->getArray("kvs");
    if (!kvs || kvs->size() == 0) return -1;
    return std::stoll(kvs->getObject(0)->optValue<std::string>("lease", "0"));
}

/// A lease's remaining TTL in seconds (-1 once revoked or expired) and its granted TTL.
std::pair<long long, long long> leaseTtl(jiffy::test::EtcdCluster& c, long long lease)
{
    Poco::JSON::Object::Ptr r = etcdPost(c, "/v3/lease/timetolive", "{\"ID\":\"" + std::to_string(lease) + "\"}");
    return {std::stoll(r->optValue<std::string>("TTL", "0")), std::stoll(r->optValue<std::string>("grantedTTL", "0"))};
}

/// Runs etcdctl against `endpoint` and returns its output (admin steps only).
std::string etcdctl(const std::string& endpoint, const std::string& args)
{
    std::string cmd = jiffy::test::findProgram("etcdctl") + " --endpoints=http://" + endpoint + " " + args + " 2>&1";
    return jiffy::test::commandOutput(cmd);
}

jiffy_status trySet(jiffy::host::KvsInstance& s, const std::string& k, std::string* message = nullptr)
{
    jiffy::host::CallError err;
    jiffy_status st = s.set(k, "v", 0, err.get());
    if (message) *message = err.e.message;
    return st;
}

/// Waits (bounded) until the store answers health() again.
bool waitForStore(jiffy::host::KvsInstance& s)
{
    for (int i = 0; i < 200; ++i) {
        jiffy::host::CallError err;
        if (s.health(err.get()) == JIFFY_OK) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

} // namespace

class EtcdKvsTest : public KvsConformanceTest {
    CPPUNIT_TEST_SUB_SUITE(EtcdKvsTest, KvsConformanceTest);
    JIFFY_KVS_TTL_TESTS();
    JIFFY_KVS_SERVER_TESTS();
    CPPUNIT_TEST(testJiffyConfigKeysAreAccepted);
    CPPUNIT_TEST(testKeysLiveUnderThePrefix);
    CPPUNIT_TEST(testEmptyPrefixUsesKeysAsTheyAre);
    CPPUNIT_TEST(testTtlIsALeaseInWholeSecondsRoundedUp);
    CPPUNIT_TEST(testReplacedAndUnusedLeasesAreRevoked);
    CPPUNIT_TEST(testIncrKeepsTheTtlOfAnExistingKey);
    CPPUNIT_TEST(testIncrOverflowIsInvalid);
    CPPUNIT_TEST(testCasRaceAcrossInstancesHasOneWinner);
    CPPUNIT_TEST(testOneMemberKilledStillWorksThroughTheOthers);
    CPPUNIT_TEST(testLeaderKilledCasStillHasOneWinner);
    CPPUNIT_TEST(testFrozenMemberTimesOutAndCallsMoveOn);
    CPPUNIT_TEST(testWholeClusterDownFailsFastAndRecoversByItself);
    CPPUNIT_TEST(testEndpointsAreTriedInTurn);
    CPPUNIT_TEST(testBadEndpointIsRefusedByName);
    CPPUNIT_TEST(testNonEtcdServerIsAnErrorNotAHang);
    CPPUNIT_TEST(testValueOverTheRequestLimitIsTooLarge);
    CPPUNIT_TEST_SUITE_END();

public:
    void testJiffyConfigKeysAreAccepted()
    {
        // group_leader_kvs.etcd as a config file has it, defaults for the rest.
        auto s = harness_.kvs(jiffy::test::pluginFile("kvs", "etcd"),
                              R"({"active": true, "endpoints": )" + sharedCluster().endpointsJson() + "}");
        s->set(key("cfg"), "v");
        CPPUNIT_ASSERT_EQUAL(std::string("v"), s->get(key("cfg")).value_or("<none>"));
        // Stored under the default prefix, without a lease.
        CPPUNIT_ASSERT_EQUAL(0LL, leaseOf(sharedCluster(), "jiffy/" + key("cfg")));
    }

    void testKeysLiveUnderThePrefix()
    {
        const std::string file = jiffy::test::pluginFile("kvs", "etcd");
        auto a = harness_.kvs(file, storeConfig(sharedCluster().endpointsJson(), R"(, "prefix": "app-a/")"));
        auto b = harness_.kvs(file, storeConfig(sharedCluster().endpointsJson(), R"(, "prefix": "app-b/")"));
        a->set(key("shared"), "from a");
        CPPUNIT_ASSERT(!b->get(key("shared")));
        b->set(key("shared"), "from b");
        CPPUNIT_ASSERT_EQUAL(std::string("from a"), a->get(key("shared")).value_or("<none>"));
        Poco::JSON::Object::Ptr r =
            etcdPost(sharedCluster(), "/v3/kv/range", "{\"key\":\"" + b64("app-a/" + key("shared")) + "\"}");
        CPPUNIT_ASSERT_EQUAL(b64("from a"), r->getArray("kvs")->getObject(0)->getValue<std::string>("value"));
    }

    void testEmptyPrefixUsesKeysAsTheyAre()
    {
        auto s = harness_.kvs(jiffy::test::pluginFile("kvs", "etcd"),
                              storeConfig(sharedCluster().endpointsJson(), R"(, "prefix": "")"));
        s->health(); // a range over every key
        s->set(key("bare"), "v");
        CPPUNIT_ASSERT_EQUAL(0LL, leaseOf(sharedCluster(), key("bare")));
        CPPUNIT_ASSERT(!store_->get(key("bare"))); // not under jiffy/
    }

    void testTtlIsALeaseInWholeSecondsRoundedUp()
    {
        store_->set(key("ttl"), "v", 60001);
        long long lease = leaseOf(sharedCluster(), "jiffy/" + key("ttl"));
        CPPUNIT_ASSERT(lease > 0);
        auto [left, granted] = leaseTtl(sharedCluster(), lease);
        CPPUNIT_ASSERT_EQUAL(61LL, granted);
        CPPUNIT_ASSERT_MESSAGE(std::to_string(left), left > 55 && left <= 61);
        CPPUNIT_ASSERT(store_->add(key("ttl-add"), "v", 1));
        CPPUNIT_ASSERT(leaseTtl(sharedCluster(), leaseOf(sharedCluster(), "jiffy/" + key("ttl-add"))).second >= 1);
        // Without a TTL the value is stored with no lease: it never expires.
        CPPUNIT_ASSERT(store_->compareAndSet(key("ttl"), "v", "w", 0) == CasOutcome::Swapped);
        CPPUNIT_ASSERT_EQUAL(0LL, leaseOf(sharedCluster(), "jiffy/" + key("ttl")));
    }

    void testReplacedAndUnusedLeasesAreRevoked()
    {
        store_->set(key("lease"), "a", 60000);
        long long first = leaseOf(sharedCluster(), "jiffy/" + key("lease"));
        CPPUNIT_ASSERT(store_->compareAndSet(key("lease"), "a", "b", 60000) == CasOutcome::Swapped);
        long long second = leaseOf(sharedCluster(), "jiffy/" + key("lease"));
        CPPUNIT_ASSERT(second > 0 && second != first);
        CPPUNIT_ASSERT_EQUAL(-1LL, leaseTtl(sharedCluster(), first).first);
        CPPUNIT_ASSERT(leaseTtl(sharedCluster(), second).first > 0);
        store_->set(key("lease"), "c", 60000);
        long long third = leaseOf(sharedCluster(), "jiffy/" + key("lease"));
        CPPUNIT_ASSERT_EQUAL(-1LL, leaseTtl(sharedCluster(), second).first);
        CPPUNIT_ASSERT(store_->remove(key("lease")));
        CPPUNIT_ASSERT_EQUAL(-1LL, leaseTtl(sharedCluster(), third).first);
        // A lost add or compare-and-set leaves no lease behind either: the
        // lease list does not grow by them.
        store_->set(key("held"), "x");
        auto leases = [] {
            Poco::JSON::Array::Ptr l = etcdPost(sharedCluster(), "/v3/lease/leases", "{}")->getArray("leases");
            return l ? l->size() : 0u;
        };
        const size_t before = leases();
        for (int i = 0; i < 5; ++i) {
            CPPUNIT_ASSERT(!store_->add(key("held"), "y", 60000));
            CPPUNIT_ASSERT(store_->compareAndSet(key("held"), "nope", "y", 60000) == CasOutcome::Conflict);
        }
        CPPUNIT_ASSERT_EQUAL(before, leases());
    }

    void testIncrKeepsTheTtlOfAnExistingKey()
    {
        store_->set(key("n"), "41", 60000);
        long long lease = leaseOf(sharedCluster(), "jiffy/" + key("n"));
        CPPUNIT_ASSERT_EQUAL(int64_t(42), store_->incr(key("n")));
        CPPUNIT_ASSERT_EQUAL(lease, leaseOf(sharedCluster(), "jiffy/" + key("n")));
        CPPUNIT_ASSERT_EQUAL(int64_t(-3), store_->incr(key("fresh"), -3));
        CPPUNIT_ASSERT_EQUAL(0LL, leaseOf(sharedCluster(), "jiffy/" + key("fresh")));
    }

    void testIncrOverflowIsInvalid()
    {
        store_->set(key("big"), "9223372036854775806");
        CPPUNIT_ASSERT_EQUAL(INT64_MAX, store_->incr(key("big")));
        jiffy::host::CallError err;
        int64_t n = 0;
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_INVALID}, static_cast<int>(store_->incr(key("big"), 1, &n, err.get())));
        CPPUNIT_ASSERT_MESSAGE(err.e.message, contains(err.e.message, "overflow"));
        CPPUNIT_ASSERT_EQUAL(std::string("9223372036854775807"), store_->get(key("big")).value_or("<none>"));
        store_->set(key("spaced"), " 1");
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_INVALID}, static_cast<int>(store_->incr(key("spaced"), 1, &n, err.get())));
    }

    void testCasRaceAcrossInstancesHasOneWinner()
    {
        // Three instances, each starting at another member: etcd, not one
        // connection, decides the race.
        const std::string file = jiffy::test::pluginFile("kvs", "etcd");
        std::vector<std::unique_ptr<jiffy::host::KvsInstance>> own;
        std::vector<jiffy::host::KvsInstance*> stores;
        for (size_t i = 0; i < sharedCluster().size(); ++i) {
            own.push_back(harness_.kvs(file, storeConfig("[\"" + sharedCluster().member(i).address() + "\"]")));
            stores.push_back(own.back().get());
        }
        raceCas(stores, key("race3"), 5);
        concurrentIncrs(stores, key("incr3"), 6, 20);
    }

    void testOneMemberKilledStillWorksThroughTheOthers()
    {
        jiffy::test::EtcdCluster& c = sharedCluster();
        store_->set(key("k"), "before"); // the store now talks to member 0, the first endpoint
        c.member(0).kill();
        // Every kind of call, the non-idempotent ones included, goes through
        // at once: the dead member's connections are seen closed before use.
        store_->set(key("k"), "after");
        CPPUNIT_ASSERT_EQUAL(std::string("after"), store_->get(key("k")).value_or("<none>"));
        CPPUNIT_ASSERT(store_->compareAndSet(key("k"), "after", "cas") == CasOutcome::Swapped);
        CPPUNIT_ASSERT(store_->add(key("added"), "x"));
        CPPUNIT_ASSERT_EQUAL(int64_t(1), store_->incr(key("n")));
        CPPUNIT_ASSERT(store_->remove(key("added")));
        store_->health();
        raceCas({store_.get()}, key("race"), 3);
        // A fresh instance whose first endpoint is the dead member works too.
        auto fresh = makeStore();
        CPPUNIT_ASSERT_EQUAL(std::string("cas"), fresh->get(key("k")).value_or("<none>"));
        c.member(0).start();
        c.waitHealthy();
        CPPUNIT_ASSERT_EQUAL(std::string("cas"), store_->get(key("k")).value_or("<none>"));
    }

    void testLeaderKilledCasStillHasOneWinner()
    {
        jiffy::test::EtcdCluster& c = sharedCluster();
        const size_t leader = c.leader();
        // Race while the leader dies. A call may fail with its outcome
        // unknown (it may have been applied); each caller tries again until
        // etcd gives it a definite answer. Never do two callers see their
        // swap succeed, and the value that stands is the reported winner's,
        // or that of a caller whose swap was applied while it saw an error.
        const std::string k = key("leader");
        store_->set(k, "start");
        std::atomic<bool> go{false};
        std::atomic<int> winners{0}, undecided{0};
        std::atomic<int> winner{-1};
        std::vector<std::atomic<bool>> inDoubt(8);
        std::vector<std::thread> threads;
        for (int t = 0; t < 8; ++t) {
            threads.emplace_back([&, t] {
                while (!go.load()) std::this_thread::yield();
                for (int attempt = 0; attempt < 200; ++attempt) {
                    jiffy::host::CallError err;
                    jiffy_status st = store_->compareAndSet(k, "start", "winner-" + std::to_string(t), 0, err.get());
                    if (st == JIFFY_OK) {
                        winners++;
                        winner = t;
                        return;
                    }
                    if (st == JIFFY_CONFLICT) return;
                    inDoubt[static_cast<size_t>(t)] = true;
                    std::this_thread::sleep_for(std::chrono::milliseconds(50));
                }
                undecided++;
            });
        }
        go = true;
        c.member(leader).kill();
        for (auto& th : threads) th.join();
        CPPUNIT_ASSERT_EQUAL(0, undecided.load());
        CPPUNIT_ASSERT_MESSAGE(std::to_string(winners.load()), winners.load() <= 1);
        const std::string now = store_->get(k).value_or("<none>");
        CPPUNIT_ASSERT_MESSAGE(now, now.rfind("winner-", 0) == 0 && now.size() == 8);
        const int holder = now[7] - '0';
        if (winners.load() == 1)
            CPPUNIT_ASSERT_EQUAL(holder, winner.load());
        else
            CPPUNIT_ASSERT_MESSAGE(now, inDoubt[static_cast<size_t>(holder)].load());
        // With a new leader elected, races have exactly one winner again.
        const size_t next = c.leader();
        CPPUNIT_ASSERT(next != leader);
        CPPUNIT_ASSERT_MESSAGE("the store did not come back after the election", waitForStore(*store_));
        raceCas({store_.get()}, key("after-election"), 5);
        c.member(leader).start();
        c.waitHealthy();
    }

    void testFrozenMemberTimesOutAndCallsMoveOn()
    {
        // A member that accepts connections but does not answer (SIGSTOP), a
        // follower so the other two keep a leader, listed first.
        jiffy::test::EtcdCluster& c = sharedCluster();
        const size_t frozen = (c.leader() + 1) % c.size();
        std::string endpoints = "[\"" + c.member(frozen).address() + "\"";
        for (size_t i = 0; i < c.size(); ++i)
            if (i != frozen) endpoints += ", \"" + c.member(i).address() + "\"";
        auto s = harness_.kvs(jiffy::test::pluginFile("kvs", "etcd"),
                              R"({"endpoints": )" + endpoints + R"(], "timeout_ms": 500})");
        s->set(key("f"), "v");
        c.member(frozen).freeze();
        // A txn sent to it may still be applied when it wakes: TIMEOUT, not
        // repeated on another member.
        jiffy::host::CallError err;
        jiffy_status st = s->compareAndSet(key("f"), "v", "w", 0, err.get());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(err.e.message, int{JIFFY_TIMEOUT}, static_cast<int>(st));
        CPPUNIT_ASSERT_MESSAGE(err.e.message, contains(err.e.message, "not repeated"));
        // The next calls go to the other members, which answer at once.
        CPPUNIT_ASSERT_EQUAL(std::string("v"), s->get(key("f")).value_or("<none>"));
        CPPUNIT_ASSERT(s->compareAndSet(key("f"), "v", "x", 0) == CasOutcome::Swapped);
        c.member(frozen).thaw();
        c.waitHealthy();
    }

    void testWholeClusterDownFailsFastAndRecoversByItself()
    {
        jiffy::test::EtcdCluster& c = sharedCluster();
        store_->set(key("k"), "v");
        c.stop();
        const auto started = std::chrono::steady_clock::now();
        for (int i = 0; i < 20; ++i) {
            std::string msg;
            jiffy_status st = trySet(*store_, key("k"), &msg);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(msg, int{JIFFY_UNAVAILABLE}, static_cast<int>(st));
            for (size_t m = 0; m < c.size(); ++m) CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, c.member(m).address()));
        }
        // A liveness bound, not a performance one: refused connections and
        // paused endpoints answer at once, not after timeouts.
        CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
        c.start();
        bool back = false;
        for (int i = 0; i < 100 && !back; ++i) {
            back = trySet(*store_, key("k")) == JIFFY_OK;
            if (!back) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        CPPUNIT_ASSERT(back);
        CPPUNIT_ASSERT_EQUAL(std::string("v"), store_->get(key("k")).value_or("<none>"));
    }

    void testEndpointsAreTriedInTurn()
    {
        const std::string deadA = "127.0.0.1:" + std::to_string(jiffy::test::freePort());
        const std::string deadB = "127.0.0.1:" + std::to_string(jiffy::test::freePort());
        const std::string file = jiffy::test::pluginFile("kvs", "etcd");
        auto s = harness_.kvs(file, storeConfig("[\"" + deadA + "\", \"" + deadB + "\", \"" +
                                                sharedCluster().member(2).address() + "\"]"));
        s->set(key("turn"), "third endpoint");
        CPPUNIT_ASSERT_EQUAL(std::string("third endpoint"), s->get(key("turn")).value_or("<none>"));

        auto dead = harness_.kvs(file, storeConfig("[\"" + deadA + "\", \"" + deadB + "\"]"));
        std::string msg;
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_UNAVAILABLE}, static_cast<int>(trySet(*dead, key("x"), &msg)));
        CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, deadA) && contains(msg, deadB));
        CPPUNIT_ASSERT_MESSAGE(msg, msg.find(deadA, msg.find("no etcd endpoint")) < msg.rfind(deadB));
        // Both are paused now: the next call fails at once and says when it tries again.
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_UNAVAILABLE}, static_cast<int>(trySet(*dead, key("x"), &msg)));
        CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, "next attempt in"));
    }

    void testBadEndpointIsRefusedByName()
    {
        try {
            harness_.kvs(jiffy::test::pluginFile("kvs", "etcd"), R"({"endpoints": ["127.0.0.1"]})");
            CPPUNIT_FAIL("an endpoint without a port was accepted");
        } catch (const std::exception& e) {
            CPPUNIT_ASSERT_MESSAGE(e.what(), contains(e.what(), "endpoints[0]"));
        }
        // A user without a password.
        std::string msg = refusalOf("etcd", storeConfig(sharedCluster().endpointsJson(), R"(, "user": "root")"));
        CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, "user"));
    }

    void testNonEtcdServerIsAnErrorNotAHang()
    {
        // Something that speaks HTTP but is not etcd: a jiffyd.
        jiffy::test::TempDir dir;
        jiffy::test::JiffydRunner jiffyd(dir);
        jiffyd.start("{\"database\": {\"db_dialect\": \"sqlite\", \"name\": \"" + dir.file("x.db") +
                     "\"}, \"auth\": {\"enabled\": false}, \"group_leader_kvs\": {\"local_standalone\": "
                     "{\"active\": true}}}");
        auto s = harness_.kvs(jiffy::test::pluginFile("kvs", "etcd"),
                              storeConfig("[\"127.0.0.1:" + std::to_string(jiffyd.port()) + "\"]"));
        std::string msg;
        jiffy_status st = trySet(*s, key("x"), &msg);
        CPPUNIT_ASSERT_MESSAGE(msg, st == JIFFY_INTERNAL);
        CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, "HTTP 404"));
    }

    void testValueOverTheRequestLimitIsTooLarge()
    {
        // etcd's default --max-request-bytes is 1.5 MiB of the decoded request:
        // 1.7 MiB is refused by etcd, 3 MiB already by its gRPC layer.
        for (size_t kib : {1740, 3072}) {
            std::string big(kib * 1024, 'b');
            jiffy::host::CallError err;
            jiffy_status st = store_->set(key("big"), big, 0, err.get());
            CPPUNIT_ASSERT_EQUAL_MESSAGE(err.e.message, int{JIFFY_TOO_LARGE}, static_cast<int>(st));
        }
        CPPUNIT_ASSERT(!store_->get(key("big")));
        std::string fits(1200 * 1024, 'f');
        store_->set(key("fits"), fits);
        CPPUNIT_ASSERT(store_->get(key("fits")) == fits);
    }

protected:
    std::unique_ptr<jiffy::host::KvsInstance> makeStore() override
    {
        return harness_.kvs(jiffy::test::pluginFile("kvs", "etcd"), storeConfig(sharedCluster().endpointsJson()));
    }
    /// etcd raises a lease to its minimum TTL (2 s with the default election
    /// timeout) and the leader revokes expired leases every 500 ms.
    int expiryWaitMs(int ttlMs) const override { return std::max(((ttlMs + 999) / 1000) * 1000, 2000) + 1500; }
    jiffy::test::TcpServer* server() override { return &sharedCluster(); }
};

CPPUNIT_TEST_SUITE_REGISTRATION(EtcdKvsTest);

/// etcd with authentication on, in a cluster of its own (one member).
class EtcdAuthTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(EtcdAuthTest);
    CPPUNIT_TEST(testUserAndPasswordAuthenticate);
    CPPUNIT_TEST(testTokenIsRenewedWhenTheMemberForgetsIt);
    CPPUNIT_TEST_SUITE_END();

    jiffy::test::PluginHarness harness_;

    static jiffy::test::EtcdCluster& authCluster()
    {
        static jiffy::test::EtcdCluster c(1);
        static bool enabled = false;
        c.start();
        if (!enabled) {
            const std::string ep = c.member(0).address();
            std::string out; // one after the other: each step needs the one before
            for (const char* step : {"role add root", "user add root:s3cret --interactive=false",
                                     "user grant-role root root", "auth enable"})
                out += etcdctl(ep, step);
            if (!contains(out, "Authentication Enabled")) throw std::runtime_error("enabling etcd auth: " + out);
            enabled = true;
        }
        return c;
    }

    std::unique_ptr<jiffy::host::KvsInstance> store(const std::string& extra)
    {
        return harness_.kvs(jiffy::test::pluginFile("kvs", "etcd"), storeConfig(authCluster().endpointsJson(), extra));
    }

public:
    void testUserAndPasswordAuthenticate()
    {
        auto good = store(R"(, "user": "root", "password": "s3cret")");
        good->set("auth-k", "in");
        CPPUNIT_ASSERT_EQUAL(std::string("in"), good->get("auth-k").value_or("<none>"));
        CPPUNIT_ASSERT(good->compareAndSet("auth-k", "in", "out") == CasOutcome::Swapped);

        std::string msg;
        auto wrong = store(R"(, "user": "root", "password": "guess")");
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_INVALID}, static_cast<int>(trySet(*wrong, "auth-k", &msg)));
        CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, "authenticating as \"root\""));
        auto none = store("");
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_INVALID}, static_cast<int>(trySet(*none, "auth-k", &msg)));
        CPPUNIT_ASSERT_EQUAL(std::string("out"), good->get("auth-k").value_or("<none>"));
    }

    void testTokenIsRenewedWhenTheMemberForgetsIt()
    {
        auto s = store(R"(, "user": "root", "password": "s3cret")");
        s->set("renew", "1");
        // etcd's simple tokens live in the member's memory: after a restart
        // the old token is refused and the plugin authenticates again.
        authCluster().member(0).stop();
        authCluster().start();
        bool back = false;
        for (int i = 0; i < 100 && !back; ++i) {
            back = trySet(*s, "renew") == JIFFY_OK;
            if (!back) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        CPPUNIT_ASSERT(back);
        CPPUNIT_ASSERT_EQUAL(std::string("v"), s->get("renew").value_or("<none>"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(EtcdAuthTest);

/// jiffyd with group_leader_kvs.etcd active, chosen by config alone.
class EtcdJiffydTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(EtcdJiffydTest);
    CPPUNIT_TEST(testJiffydRunsOnEtcdByConfigAlone);
    CPPUNIT_TEST_SUITE_END();

public:
    void testJiffydRunsOnEtcdByConfigAlone()
    {
        jiffy::test::TempDir dir;
        jiffy::test::JiffydRunner jiffyd(dir);
        jiffyd.start("{\n \"database\": {\"db_dialect\": \"sqlite\", \"name\": \"" + dir.file("e.db") +
                     "\"},\n \"auth\": {\"enabled\": false},\n \"group_leader_kvs\": {\n"
                     "  \"local_standalone\": {\"active\": false},\n"
                     "  \"redis\": {\"active\": false, \"redis_address\": \"127.0.0.1:1\"},\n"
                     "  \"etcd\": {\"active\": true, \"endpoints\": " +
                     sharedCluster().endpointsJson() + "}\n }\n}\n");
        jiffy::test::HttpResult r = jiffyd.get("/readyz");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.body, contains(r.body, "\"kvs/etcd\":\"ok\""));
        sharedCluster().stop();
        r = jiffyd.get("/readyz");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 503, r.status);
        sharedCluster().start();
        bool ready = false;
        for (int i = 0; i < 100 && !ready; ++i) {
            ready = jiffyd.get("/readyz").status == 200;
            if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        CPPUNIT_ASSERT(ready);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(EtcdJiffydTest);

/// etcd serving https with client-certificate authentication (one member),
/// with certificates made by openssl for 127.0.0.1.
class EtcdTlsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(EtcdTlsTest);
    CPPUNIT_TEST(testVerifiedTlsWithClientCertificateWorks);
    CPPUNIT_TEST(testClientWithoutCertificateIsRefused);
    CPPUNIT_TEST(testServerFromAnotherCaIsRefused);
    CPPUNIT_TEST(testMissingCaFileIsRefusedByName);
    CPPUNIT_TEST_SUITE_END();

    jiffy::test::PluginHarness harness_;

    struct Tls {
        jiffy::test::TempDir dir;
        std::unique_ptr<jiffy::test::EtcdCluster> cluster;

        Tls()
        {
            const std::string d = dir.path() + "/";
            const std::string key = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
            jiffy::test::writeFile(d + "server.ext",
                                   "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n");
            jiffy::test::writeFile(d + "client.ext", "extendedKeyUsage=clientAuth\n");
            for (const std::string& cmd : std::vector<std::string>{
                     "req -x509" + key + " -keyout ca.key -out ca.crt -days 2 -subj /CN=jiffy-test-ca",
                     "req -x509" + key + " -keyout other.key -out other.crt -days 2 -subj /CN=other-ca",
                     "req" + key + " -keyout server.key -out server.csr -subj /CN=etcd-test",
                     "x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile server.ext "
                     "-out server.crt",
                     "req" + key + " -keyout client.key -out client.csr -subj /CN=jiffy-client",
                     "x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile client.ext "
                     "-out client.crt"}) {
                std::string full =
                    "cd " + d + " && " + jiffy::test::findProgram("openssl") + " " + cmd + " >/dev/null 2>&1";
                if (std::system(full.c_str()) != 0) throw std::runtime_error("failed: " + full);
            }
            cluster = std::make_unique<jiffy::test::EtcdCluster>(
                1,
                std::vector<std::string>{"--cert-file", d + "server.crt", "--key-file", d + "server.key",
                                         "--client-cert-auth", "--trusted-ca-file", d + "ca.crt"},
                "https");
            cluster->start();
        }
        std::string file(const std::string& name) const { return dir.file(name); }
    };

    static Tls& tls()
    {
        static Tls t;
        return t;
    }

    std::unique_ptr<jiffy::host::KvsInstance> store(const std::string& extra)
    {
        return harness_.kvs(jiffy::test::pluginFile("kvs", "etcd"), storeConfig(tls().cluster->endpointsJson(), extra));
    }

    std::string files(const std::string& ca, bool clientCert)
    {
        std::string s = R"(, "ca_file": ")" + tls().file(ca) + "\"";
        if (clientCert)
            s += R"(, "cert_file": ")" + tls().file("client.crt") + R"(", "key_file": ")" + tls().file("client.key") +
                 "\"";
        return s;
    }

public:
    void testVerifiedTlsWithClientCertificateWorks()
    {
        auto s = store(files("ca.crt", true));
        CPPUNIT_ASSERT_MESSAGE("the https member did not answer", waitForStore(*s));
        s->set("tls-k", "secure");
        CPPUNIT_ASSERT_EQUAL(std::string("secure"), s->get("tls-k").value_or("<none>"));
        CPPUNIT_ASSERT(s->compareAndSet("tls-k", "secure", "swapped") == CasOutcome::Swapped);
    }

    void testClientWithoutCertificateIsRefused()
    {
        CPPUNIT_ASSERT(waitForStore(*store(files("ca.crt", true))));
        auto s = store(files("ca.crt", false));
        std::string msg;
        CPPUNIT_ASSERT(trySet(*s, "tls-k", &msg) != JIFFY_OK);
        CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, tls().cluster->member(0).address()));
        CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, "certificate"));
    }

    void testServerFromAnotherCaIsRefused()
    {
        CPPUNIT_ASSERT(waitForStore(*store(files("ca.crt", true))));
        auto s = store(files("other.crt", true));
        std::string msg;
        CPPUNIT_ASSERT(trySet(*s, "tls-k", &msg) != JIFFY_OK);
        CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, "certificate"));
    }

    void testMissingCaFileIsRefusedByName()
    {
        std::string msg = jiffy::test::refusalOf([&] { store(R"(, "ca_file": ")" + tls().file("absent.crt") + "\""); },
                                                 "a missing ca_file was accepted");
        CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, "ca_file"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(EtcdTlsTest);
