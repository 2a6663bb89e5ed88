// The test harness's own servers: each starts on its port, stops, and
// starts again on the same port (what the "server restarted" tests rely on).
#include "support/TestServers.h"

#include <cppunit/extensions/HelperMacros.h>

#include <cstdlib>

using namespace jiffy::test;

class TestServersTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(TestServersTest);
    CPPUNIT_TEST(testRedisStartsStopsAndRestarts);
    CPPUNIT_TEST(testMemcachedStartsStopsAndRestarts);
    CPPUNIT_TEST(testPostgresStartsStopsAndRestarts);
    CPPUNIT_TEST(testMariadbStartsStopsAndRestartsKeepingData);
    CPPUNIT_TEST_SUITE_END();

    static void cycle(TcpServer& s)
    {
        s.start();
        CPPUNIT_ASSERT(waitForPort(s.host(), s.port(), 1000));
        s.stop();
        CPPUNIT_ASSERT(!waitForPort(s.host(), s.port(), 300));
        s.start();
        CPPUNIT_ASSERT(waitForPort(s.host(), s.port(), 1000));
    }

public:
    void testRedisStartsStopsAndRestarts()
    {
        RedisServer r;
        cycle(r);
    }
    void testMemcachedStartsStopsAndRestarts()
    {
        MemcachedServer m;
        cycle(m);
    }
    void testPostgresStartsStopsAndRestarts()
    {
        PostgresServer pg;
        cycle(pg);
        std::string q = "psql -h 127.0.0.1 -p " + std::to_string(pg.port()) + " -U postgres -d " + pg.database() +
                        " -tAc 'SELECT 1' >/dev/null 2>&1";
        CPPUNIT_ASSERT_EQUAL(0, std::system(q.c_str()));
    }
    void testMariadbStartsStopsAndRestartsKeepingData()
    {
        MariadbServer m;
        m.start();
        m.sql("CREATE TABLE kept (n INT); INSERT INTO kept VALUES (7)", m.database());
        m.stop();
        CPPUNIT_ASSERT(!waitForPort(m.host(), m.port(), 300));
        m.start();
        CPPUNIT_ASSERT(waitForPort(m.host(), m.port(), 1000));
        CPPUNIT_ASSERT_EQUAL(std::string("7\n"), m.sql("SELECT n FROM kept", m.database()));
        CPPUNIT_ASSERT_EQUAL(std::string("utf8mb4\n"),
                             m.sql("SELECT default_character_set_name FROM information_schema.schemata WHERE "
                                   "schema_name = '" +
                                   m.database() + "'"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TestServersTest);
