// The conformance suite against a real redis-server on loopback, plus what
// only Redis has: AUTH, SELECT, the script cache, connections the server cuts.
#include "conformance/KvsConformanceTest.h"

#include "plugins/PluginErrors.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <mutex>
#include <pthread.h>
#include <set>
#include <thread>
#include <vector>

using jiffy::test::contains;

using jiffy::host::CasOutcome;
using jiffy::host::PluginCallError;

namespace {

/// redis-server requiring a password (RedisServer has no option for it).
class PasswordRedisServer : public jiffy::test::TcpServer {
public:
    explicit PasswordRedisServer(const std::string& password)
        : TcpServer("redis-server", [password](uint16_t port, const std::string& dir) {
              return std::vector<std::string>{
                  "--port", std::to_string(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir",
                  dir,      "--requirepass",      password};
          })
    {
    }
};

using FreezableRedisServer = jiffy::test::RedisServer; // TcpServer::freeze()/thaw()

/// One server for the whole process: started by the first setUp (CppUnit
/// builds every fixture up front), restarted by a setUp if a test left it down.
jiffy::test::RedisServer& sharedServer()
{
    static jiffy::test::RedisServer server;
    if (!server.running()) server.start();
    return server;
}

/// Runs redis-cli against `port` and returns its output (admin steps only).
std::string redisCli(uint16_t port, const std::string& args)
{
    std::string cmd = "redis-cli -h 127.0.0.1 -p " + std::to_string(port) + " " + args + " 2>&1";
    return jiffy::test::commandOutput(cmd);
}

std::string storeConfig(const std::string& address, const std::string& extra = "")
{
    return R"({"redis_address": ")" + address + R"(", "connect_timeout_ms": 1000, "timeout_ms": 2000)" + extra + "}";
}

/// Status and message of a set, for tests that check exact codes.
jiffy_status trySet(jiffy::host::KvsInstance& s, const std::string& k, std::string* message = nullptr)
{
    jiffy::host::CallError err;
    jiffy_status st = s.set(k, "v", 0, err.get());
    if (message) *message = err.e.message;
    return st;
}

} // namespace

class RedisKvsTest : public KvsConformanceTest {
    CPPUNIT_TEST_SUB_SUITE(RedisKvsTest, KvsConformanceTest);
    JIFFY_KVS_TTL_TESTS();
    JIFFY_KVS_SERVER_TESTS();
    CPPUNIT_TEST(testJiffyConfigKeysAreAccepted);
    CPPUNIT_TEST(testUnixProtocolIsRefusedByName);
    CPPUNIT_TEST(testDeadAddressIsUnavailableAndNamed);
    CPPUNIT_TEST(testPasswordAuthenticates);
    CPPUNIT_TEST(testSelectedDatabasesAreSeparate);
    CPPUNIT_TEST(testOutOfRangeDatabaseIsInvalid);
    CPPUNIT_TEST(testTtlIsSentInMilliseconds);
    CPPUNIT_TEST(testCompareAndSetSurvivesScriptFlush);
    CPPUNIT_TEST(testGetRecoversFromKilledConnectionsAtOnce);
    CPPUNIT_TEST(testWriteToCutConnectionDoesNotKillTheProcess);
    CPPUNIT_TEST(testFrozenServerTimesOut);
    CPPUNIT_TEST(testNonStringKeyIsInvalid);
    CPPUNIT_TEST(testMegabyteBinaryValueRoundTrips);
    CPPUNIT_TEST(testOneConnectionServesEightThreads);
    CPPUNIT_TEST_SUITE_END();

public:
    void testJiffyConfigKeysAreAccepted()
    {
        // group_leader_kvs.redis exactly as a jiffy config file has it.
        auto s = harness_.kvs(jiffy::test::pluginFile("kvs", "redis"),
                              R"({"active": true, "max_idle": 80, "max_active": 12000, "redis_protocol": "tcp",
                                  "redis_address": ")" +
                                  sharedServer().address() + "\"}");
        s->set(key("jiffy"), "cfg");
        CPPUNIT_ASSERT_EQUAL(std::string("cfg"), s->get(key("jiffy")).value_or("<none>"));
    }

    void testUnixProtocolIsRefusedByName()
    {
        std::string msg = refusalOf("redis", storeConfig(sharedServer().address(), R"(, "redis_protocol": "unix")"));
        CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, "redis_protocol"));
    }

    void testDeadAddressIsUnavailableAndNamed()
    {
        const std::string dead = "127.0.0.1:" + std::to_string(jiffy::test::freePort());
        auto s = harness_.kvs(jiffy::test::pluginFile("kvs", "redis"), storeConfig(dead));
        std::string msg;
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_UNAVAILABLE}, static_cast<int>(trySet(*s, key("x"), &msg)));
        CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, dead));
        // Within the backoff the next call fails fast, still naming the server.
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_UNAVAILABLE}, static_cast<int>(trySet(*s, key("x"), &msg)));
        CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, dead));
    }

    void testPasswordAuthenticates()
    {
        PasswordRedisServer locked("s3cret pass");
        locked.start();
        const std::string file = jiffy::test::pluginFile("kvs", "redis");
        auto good = harness_.kvs(file, storeConfig(locked.address(), R"(, "password": "s3cret pass")"));
        good->set(key("auth"), "in");
        CPPUNIT_ASSERT_EQUAL(std::string("in"), good->get(key("auth")).value_or("<none>"));

        std::string msg;
        auto none = harness_.kvs(file, storeConfig(locked.address()));
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_INVALID}, static_cast<int>(trySet(*none, key("auth"), &msg)));
        CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, "NOAUTH"));
        auto wrong = harness_.kvs(file, storeConfig(locked.address(), R"(, "password": "guess")"));
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_INVALID}, static_cast<int>(trySet(*wrong, key("auth"), &msg)));
        CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, "AUTH refused"));
    }

    void testSelectedDatabasesAreSeparate()
    {
        const std::string file = jiffy::test::pluginFile("kvs", "redis");
        auto db3 = harness_.kvs(file, storeConfig(sharedServer().address(), R"(, "db": 3)"));
        db3->set(key("db"), "three");
        CPPUNIT_ASSERT_EQUAL(std::string("three"), db3->get(key("db")).value_or("<none>"));
        CPPUNIT_ASSERT(!store_->get(key("db")));
        CPPUNIT_ASSERT(contains(redisCli(sharedServer().port(), "-n 3 GET " + key("db")), "three"));
    }

    void testOutOfRangeDatabaseIsInvalid()
    {
        auto s = harness_.kvs(jiffy::test::pluginFile("kvs", "redis"),
                              storeConfig(sharedServer().address(), R"(, "db": 100000)"));
        std::string msg;
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_INVALID}, static_cast<int>(trySet(*s, key("db"), &msg)));
        CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, "SELECT"));
    }

    void testTtlIsSentInMilliseconds()
    {
        store_->set(key("ms"), "v", 60500);
        long long pttl = std::atoll(redisCli(sharedServer().port(), "PTTL " + key("ms")).c_str());
        CPPUNIT_ASSERT_MESSAGE(std::to_string(pttl), pttl > 59000 && pttl <= 60500);
        CPPUNIT_ASSERT(store_->add(key("ms-add"), "v", 1234));
        pttl = std::atoll(redisCli(sharedServer().port(), "PTTL " + key("ms-add")).c_str());
        CPPUNIT_ASSERT_MESSAGE(std::to_string(pttl), pttl > 0 && pttl <= 1234);
        CPPUNIT_ASSERT(store_->compareAndSet(key("ms"), "v", "w", 0) == CasOutcome::Swapped);
        CPPUNIT_ASSERT_EQUAL(std::string("-1\n"), redisCli(sharedServer().port(), "PTTL " + key("ms")));
    }

    void testCompareAndSetSurvivesScriptFlush()
    {
        store_->set(key("flush"), "a");
        CPPUNIT_ASSERT(store_->compareAndSet(key("flush"), "a", "b") == CasOutcome::Swapped);
        CPPUNIT_ASSERT(contains(redisCli(sharedServer().port(), "SCRIPT FLUSH"), "OK"));
        CPPUNIT_ASSERT(store_->compareAndSet(key("flush"), "b", "c") == CasOutcome::Swapped);
        CPPUNIT_ASSERT(store_->compareAndSet(key("flush"), "b", "d") == CasOutcome::Conflict);
        CPPUNIT_ASSERT_EQUAL(std::string("c"), store_->get(key("flush")).value_or("<none>"));
    }

    void testGetRecoversFromKilledConnectionsAtOnce()
    {
        store_->set(key("kill"), "alive");
        redisCli(sharedServer().port(), "CLIENT KILL TYPE normal");
        // GET is repeated once on a fresh connection: no failure is seen.
        CPPUNIT_ASSERT_EQUAL(std::string("alive"), store_->get(key("kill")).value_or("<none>"));
        redisCli(sharedServer().port(), "CLIENT KILL TYPE normal");
        // INCRBY is not repeated (it may have run): one UNAVAILABLE, then fine.
        jiffy::host::CallError err;
        int64_t n = 0;
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_UNAVAILABLE}, static_cast<int>(store_->incr(key("kill-n"), 1, &n, err.get())));
        CPPUNIT_ASSERT_EQUAL(int64_t(1), store_->incr(key("kill-n")));
    }

    void testWriteToCutConnectionDoesNotKillTheProcess()
    {
        // Writing a megabyte to a connection the server reset raises
        // SIGPIPE, whose default action ends the process: the plugin must
        // absorb it, see the failure, and (SET being idempotent) retry.
        // Poco blocks SIGPIPE in the threads it knows of; a host need not,
        // so the call runs on a thread where SIGPIPE is deliverable.
        std::string big(1024 * 1024, 'p');
        store_->set(key("pipe"), "small");
        redisCli(sharedServer().port(), "CLIENT KILL TYPE normal");
        std::string error;
        std::thread caller([&] {
            sigset_t pipe;
            sigemptyset(&pipe);
            sigaddset(&pipe, SIGPIPE);
            pthread_sigmask(SIG_UNBLOCK, &pipe, nullptr);
            try {
                store_->set(key("pipe"), big);
            } catch (const std::exception& e) {
                error = e.what();
            }
        });
        caller.join();
        CPPUNIT_ASSERT_MESSAGE(error, error.empty());
        CPPUNIT_ASSERT(store_->get(key("pipe")) == big);
    }

    void testFrozenServerTimesOut()
    {
        FreezableRedisServer frozen;
        frozen.start();
        auto s = harness_.kvs(jiffy::test::pluginFile("kvs", "redis"),
                              R"({"redis_address": ")" + frozen.address() + R"(", "timeout_ms": 300})");
        s->set(key("frozen"), "v");
        frozen.freeze();
        jiffy::host::CallError err;
        std::string out;
        jiffy_sink sink = jiffy::stringSink(out);
        const auto started = std::chrono::steady_clock::now();
        jiffy_status st = s->get(key("frozen"), &sink, err.get());
        const auto elapsed = std::chrono::steady_clock::now() - started;
        frozen.thaw();
        CPPUNIT_ASSERT_EQUAL_MESSAGE(err.e.message, int{JIFFY_TIMEOUT}, static_cast<int>(st));
        CPPUNIT_ASSERT(elapsed < std::chrono::seconds(10)); // liveness, not performance
        // The timed-out connection was dropped; a fresh one answers again.
        CPPUNIT_ASSERT_EQUAL(std::string("v"), s->get(key("frozen")).value_or("<none>"));
    }

    void testNonStringKeyIsInvalid()
    {
        redisCli(sharedServer().port(), "RPUSH " + key("list") + " x");
        jiffy::host::CallError err;
        std::string out;
        jiffy_sink sink = jiffy::stringSink(out);
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_INVALID}, static_cast<int>(store_->get(key("list"), &sink, err.get())));
        CPPUNIT_ASSERT_MESSAGE(err.e.message, contains(err.e.message, "WRONGTYPE"));
        int64_t n = 0;
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_INVALID}, static_cast<int>(store_->incr(key("list"), 1, &n, err.get())));
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_INVALID},
                             static_cast<int>(store_->compareAndSet(key("list"), "x", "y", 0, err.get())));
        store_->health(); // the connection survived the error replies
    }

    void testMegabyteBinaryValueRoundTrips()
    {
        std::string v(1024 * 1024, '\0');
        for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<char>((i * 131) % 256);
        store_->set(key("mb"), v);
        CPPUNIT_ASSERT(store_->get(key("mb")) == v);
        CPPUNIT_ASSERT(store_->compareAndSet(key("mb"), v, v + "!") == CasOutcome::Swapped);
        CPPUNIT_ASSERT(store_->get(key("mb")) == v + "!");
    }

    void testOneConnectionServesEightThreads()
    {
        auto one = harness_.kvs(jiffy::test::pluginFile("kvs", "redis"),
                                storeConfig(sharedServer().address(), R"(, "max_active": 1, "pool_wait_ms": 10000)"));
        concurrentIncrs({one.get()}, key("one"), 8, 20);
    }

protected:
    std::unique_ptr<jiffy::host::KvsInstance> makeStore() override
    {
        return harness_.kvs(jiffy::test::pluginFile("kvs", "redis"), storeConfig(sharedServer().address()));
    }
    jiffy::test::TcpServer* server() override { return &sharedServer(); }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RedisKvsTest);
