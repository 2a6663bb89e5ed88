// One jiffyd binary, one config edit per backend: the active entry of
// group_leader_kvs picks standalone, redis, memcached or sluggo, with
// jiffy's own keys, and /readyz reports that store as reachable.
#include "support/JiffydRunner.h"
#include "support/TestServers.h"
#include "support/SluggoTestServer.h"

#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <thread>

using jiffy::test::contains;

class KvsSwitchTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(KvsSwitchTest);
    CPPUNIT_TEST(testEachKvsIsChosenByConfigAlone);
    CPPUNIT_TEST(testUnreachableKvsMakesReadyzFail);
    CPPUNIT_TEST_SUITE_END();

    jiffy::test::TempDir dir_;
    jiffy::test::JiffydRunner jiffyd_{dir_};

    /// jiffy's group_leader_kvs with `active` set on one entry.
    std::string config(const std::string& active, const std::string& redis, const std::string& memcached,
                       const std::string& sluggo) const
    {
        auto on = [&](const std::string& name) { return active == name ? "true" : "false"; };
        return "{\n \"database\": {\"db_dialect\": \"sqlite\", \"name\": \"" + dir_.file("k.db") +
               "\"},\n \"auth\": {\"enabled\": false},\n \"group_leader_kvs\": {\n"
               "  \"local_standalone\": {\"active\": " +
               on("local_standalone") +
               ", \"internal_address\": \"127.0.0.1:4444\"},\n"
               "  \"redis\": {\"active\": " +
               on("redis") +
               ", \"max_idle\": 80, \"max_active\": 12000, "
               "\"redis_protocol\": \"tcp\", \"redis_address\": \"" +
               redis +
               "\"},\n"
               "  \"memcached\": {\"active\": " +
               on("memcached") + ", \"memcached_addresses\": [\"" + memcached +
               "\"]},\n"
               "  \"sluggo\": {\"active\": " +
               on("sluggo") + ", \"sluggo_address\": \"" + sluggo + "\"}\n }\n}\n";
    }

public:
    void testEachKvsIsChosenByConfigAlone()
    {
        jiffy::test::RedisServer redis;
        jiffy::test::MemcachedServer memcached;
        jiffy::test::SluggoTestServer sluggo;
        redis.start();
        memcached.start();
        sluggo.start();
        const std::pair<const char*, const char*> cases[] = {{"local_standalone", "kvs/standalone"},
                                                             {"redis", "kvs/redis"},
                                                             {"memcached", "kvs/memcached"},
                                                             {"sluggo", "kvs/sluggo"}};
        for (const auto& [entry, label] : cases) {
            jiffyd_.start(config(entry, redis.address(), memcached.address(), sluggo.address()));
            jiffy::test::HttpResult r = jiffyd_.get("/readyz");
            CPPUNIT_ASSERT_EQUAL_MESSAGE(std::string(entry) + ": " + r.body, 200, r.status);
            CPPUNIT_ASSERT_MESSAGE(r.body, contains(r.body, std::string("\"") + label + "\":\"ok\""));
            jiffyd_.stop();
        }
    }

    void testUnreachableKvsMakesReadyzFail()
    {
        jiffy::test::RedisServer redis;
        redis.start();
        jiffyd_.start(config("redis", redis.address(), "127.0.0.1:1", "127.0.0.1:1"));
        CPPUNIT_ASSERT_EQUAL(200, jiffyd_.get("/readyz").status);
        redis.stop();
        jiffy::test::HttpResult r = jiffyd_.get("/readyz");
        CPPUNIT_ASSERT_EQUAL(503, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.body, contains(r.body, "\"status\":\"not ready\""));
        CPPUNIT_ASSERT_EQUAL(200, jiffyd_.get("/healthz").status); // alive, just not ready
        redis.start();
        bool ready = false;
        for (int i = 0; i < 50 && !ready; ++i) {
            ready = jiffyd_.get("/readyz").status == 200;
            if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        CPPUNIT_ASSERT(ready);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(KvsSwitchTest);
