// The DB conformance suite plus what every plugin that talks to a server
// must also do: fail fast while the server is down and recover when it is
// back, survive a restart under idle connections, time out on an exhausted
// pool, and refuse a start that cannot connect, naming where, without
// leaking sockets. A derived fixture (PostgreSQL, MariaDB) names its plugin
// and server and adds the tests only its backend can run.
#pragma once

#include "conformance/DbConformanceTest.h"
#include "support/TestServers.h"

#include <cstdint>
#include <string>
#include <vector>

class DbServerTest : public DbConformanceTest {
    CPPUNIT_TEST_SUB_SUITE(DbServerTest, DbConformanceTest);
    CPPUNIT_TEST(testExhaustedPoolIsTimeout);
    CPPUNIT_TEST(testServerDownFailsFastThenRecovers);
    CPPUNIT_TEST(testRestartWhileIdleIsInvisible);
    CPPUNIT_TEST(testWrongDatabaseFailsAtStart);
    CPPUNIT_TEST(testNothingListeningFailsAtStart);
    CPPUNIT_TEST(testFailedStartsLeakNoSockets);
    CPPUNIT_TEST(testPoolSmallerThanThreadCountWaits);
    CPPUNIT_TEST(testKilledSessionIsReplacedTransparently);
    CPPUNIT_TEST(testWrongPasswordFailsAtStartWithoutLeakingIt);
    CPPUNIT_TEST_SUITE_END_ABSTRACT();

public:
    void testExhaustedPoolIsTimeout();
    void testServerDownFailsFastThenRecovers();
    void testRestartWhileIdleIsInvisible();
    void testWrongDatabaseFailsAtStart();
    void testNothingListeningFailsAtStart();
    void testFailedStartsLeakNoSockets();
    void testPoolSmallerThanThreadCountWaits();
    void testKilledSessionIsReplacedTransparently();
    void testWrongPasswordFailsAtStartWithoutLeakingIt();

protected:
    /// The plugin's file name part ("postgres", "mysql").
    virtual std::string pluginName() const = 0;
    /// The running server (started on first use, and again after a test that stopped it and failed).
    virtual jiffy::test::TcpServer& backend() = 0;
    /// The server's config for the plugin, as a JSON object.
    virtual std::string serverConfig() = 0;
    /// A user the server knows ("postgres", "root").
    virtual std::string adminUser() const = 0;
    /// The plugin's connect timeout option set to `ms`, as a JSON member.
    virtual std::string connectTimeoutOption(int ms) const = 0;
    /// What the server's refusal says of adminUser() with a password it does
    /// not expect, asking for a database that does not exist.
    virtual std::string wrongDatabaseReason() const = 0;
    /// The name of the server's test database.
    virtual std::string databaseName() = 0;
    /// SQL for the id of the session a statement runs on ("CONNECTION_ID()").
    virtual std::string sessionIdSql() const = 0;
    /// Ends session `id` from db_'s connection and waits until the server lists it no more.
    virtual void killSession(int64_t id) = 0;
    /// (Re)creates login `user` that must give `password` on TCP from 127.0.0.1, with all
    /// rights on databaseName(). The server may apply it a little later (a reload).
    virtual void createPasswordUser(const std::string& user, const std::string& password) = 0;
    /// What the server's refusal of a wrong password says ("Access denied").
    virtual std::string wrongPasswordReason() const = 0;

    std::unique_ptr<jiffy::host::DbInstance> makeDb() override { return make(""); }

    /// serverConfig() with `extra` JSON members added.
    std::string withOptions(const std::string& extra);
    std::unique_ptr<jiffy::host::DbInstance> make(const std::string& extra);
    /// The message of a start that must fail ("" if it started and `mustFail` is false).
    std::string loadError(const std::string& cfg, bool mustFail = true);
    /// A config for the server's address with `user` and database `name`, plus `extra` members.
    std::string configFor(uint16_t port, const std::string& name, const std::string& extra = "") const;

    /// Status of a statement (JIFFY_OK when it ran) on `db`, or on `conn` of db_.
    static jiffy_status statusIn(const jiffy::host::DbInstance& db, const std::string& sql,
                                 const std::vector<jiffy::Value>& params = {});
    int statusOfIn(jiffy_db_conn* conn, const std::string& sql, const std::vector<jiffy::Value>& params);

    /// A captured cell: type and value, copied out of the borrowed row.
    struct Cell {
        int32_t type = -1;
        int64_t i = 0;
        double d = 0;
        std::string text;
    };
    static std::vector<Cell> firstRow(const jiffy::host::DbInstance& db, const std::string& sql,
                                      const std::vector<jiffy::Value>& params = {});
    /// Asserts the first three cells of a row of exact numbers: sum(1, 2) of BIGINTs
    /// as the integer 3, 2.5 as a double, 12345678901234567890.123 as text (more
    /// digits than a double holds).
    static void assertExactNumbers(const std::vector<Cell>& row);
    /// Two transactions of db_ on table `t` (id, n; rows 1 and 2) that each
    /// update one row, then the other's: asserts the server broke the cycle
    /// by failing exactly one with JIFFY_CONFLICT. Both stay open.
    struct Deadlock {
        jiffy_db_conn* victim = nullptr;
        jiffy_db_conn* winner = nullptr;
    };
    Deadlock deadlock(const std::string& t);
    /// File descriptors this process has open.
    static size_t openFiles();
};

/// DbServerTest on the shared test server `Server` (MariadbServer, PostgresServer):
/// server(), and the overrides that only read the server.
template <class Server> class DbServerTestOn : public DbServerTest {
protected:
    /// The running server (started on first use, and again after a test that stopped it and failed).
    static Server& server() { return jiffy::test::sharedServer<Server>(); }
    jiffy::test::TcpServer& backend() override { return server(); }
    std::string serverConfig() override { return server().databaseConfig(); }
    std::string databaseName() override { return server().database(); }
};
