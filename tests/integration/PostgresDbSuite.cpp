// The DB conformance suite against a real PostgreSQL server, plus what only
// a server brings: restarts, authentication, timeouts, pool limits, types.
#include "conformance/DbServerTest.h"

#include "plugins/PluginErrors.h"
#include "support/TestServers.h"

#include <chrono>
#include <cmath>
#include <csignal>
#include <thread>
#include <sys/types.h>

using jiffy::test::contains;

using jiffy::ValuesView;
using jiffy::host::CallError;
using jiffy::host::DbInstance;
using jiffy::host::PluginCallError;

namespace {

/// SIGSTOPs a server process for one scope.
class Stopped {
public:
    explicit Stopped(pid_t pid) : pid_(pid)
    {
        if (::kill(pid_, SIGSTOP) != 0) CPPUNIT_FAIL("cannot stop process " + std::to_string(pid_));
    }
    ~Stopped() { resume(); }
    Stopped(const Stopped&) = delete;
    Stopped& operator=(const Stopped&) = delete;
    void resume()
    {
        if (pid_ > 0) ::kill(pid_, SIGCONT);
        pid_ = -1;
    }

private:
    pid_t pid_;
};

} // namespace

class PostgresDbTest : public DbServerTestOn<jiffy::test::PostgresServer> {
    CPPUNIT_TEST_SUB_SUITE(PostgresDbTest, DbServerTestOn<jiffy::test::PostgresServer>);
    CPPUNIT_TEST(testParameterTypesFollowTheValues);
    CPPUNIT_TEST(testTextParameterFillsTypedColumns);
    CPPUNIT_TEST(testTooFewParametersIsInvalid);
    CPPUNIT_TEST(testDollarSignsInLiteralsAndCommentsAreNotParameters);
    CPPUNIT_TEST(testByteaRoundTrip);
    CPPUNIT_TEST(testTimestamptzReadsBackAsIsoText);
    CPPUNIT_TEST(testNumericKeepsItsValue);
    CPPUNIT_TEST(testStatementIsPreparedOncePerConnection);
    CPPUNIT_TEST(testStatementCacheIsBounded);
    CPPUNIT_TEST(testAlterTableDoesNotBreakCachedSelectStar);
    CPPUNIT_TEST(testStatementTimeoutIsTimeout);
    CPPUNIT_TEST(testFailedTransactionCommitReportsTheCause);
    CPPUNIT_TEST(testDeadlockIsConflict);
    CPPUNIT_TEST(testHungBackendIsTimeout);
    CPPUNIT_TEST(testHungServerFailsToConnectInTime);
    CPPUNIT_TEST(testStatementCacheSurvivesReconnect);
    CPPUNIT_TEST(testBadOptionIsRefused);
    CPPUNIT_TEST_SUITE_END();

public:
    void testParameterTypesFollowTheValues()
    {
        // INT, DOUBLE and BOOL are sent typed, so even without a column to infer from they keep their type.
        auto row = firstRow(*db_, "SELECT $1 AS i, $2 AS d, $3 AS b, $4 AS t, $5 AS n, $1 + 1 AS next",
                            {int64_t(9000000000000000000LL), 2.5, true, "text", nullptr});
        CPPUNIT_ASSERT_EQUAL(size_t(6), row.size());
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_TYPE_INT}, static_cast<int>(row[0].type));
        CPPUNIT_ASSERT_EQUAL(int64_t(9000000000000000000LL), row[0].i);
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_TYPE_DOUBLE}, static_cast<int>(row[1].type));
        CPPUNIT_ASSERT_EQUAL(2.5, row[1].d);
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_TYPE_BOOL}, static_cast<int>(row[2].type));
        CPPUNIT_ASSERT_EQUAL(int64_t(1), row[2].i);
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_TYPE_TEXT}, static_cast<int>(row[3].type));
        CPPUNIT_ASSERT_EQUAL(std::string("text"), row[3].text);
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_TYPE_NULL}, static_cast<int>(row[4].type));
        CPPUNIT_ASSERT_EQUAL(int64_t(9000000000000000001LL), row[5].i);
        // The same SQL with other value types is another prepared statement, not a failure.
        row = firstRow(*db_, "SELECT $1 AS i, $2 AS d, $3 AS b, $4 AS t, $5 AS n, $1 + 1 AS next",
                       {1.5, 7, false, nullptr, "x"});
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_TYPE_DOUBLE}, static_cast<int>(row[0].type));
        CPPUNIT_ASSERT_EQUAL(2.5, row[5].d);
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_TYPE_INT}, static_cast<int>(row[1].type));
        // Doubles travel exactly, including the awkward ones.
        for (double x : {0.1, 1e-310, 1.7976931348623157e308, -0.0}) {
            row = firstRow(*db_, "SELECT $1 AS x", {x});
            CPPUNIT_ASSERT_EQUAL(x, row[0].d);
        }
        row = firstRow(*db_, "SELECT $1 AS x", {std::nan("")});
        CPPUNIT_ASSERT(std::isnan(row[0].d));
    }

    void testTextParameterFillsTypedColumns()
    {
        // TEXT is left for the server to infer, like a quoted literal.
        std::string t = table("typed");
        createTable(t, "ts TIMESTAMPTZ, u UUID, n NUMERIC(10,2), j JSONB, d DATE");
        db_->execute(
            "INSERT INTO " + t + " (ts, u, n, j, d) VALUES ($1, $2, $3, $4, $5)",
            {"2024-02-29 13:14:15+00", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "12.34", "{\"a\": 1}", "2024-02-29"});
        CPPUNIT_ASSERT_EQUAL(int64_t(1), intOf(*db_, "SELECT count(*) FROM " + t + " WHERE u = $1 AND n = $2",
                                               {"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "12.34"}));
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_INVALID},
                             static_cast<int>(statusIn(*db_, "INSERT INTO " + t + " (u) VALUES ($1)", {"not a uuid"})));
    }

    void testTooFewParametersIsInvalid()
    {
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_INVALID}, static_cast<int>(statusIn(*db_, "SELECT $1, $2", {1})));
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_INVALID}, static_cast<int>(statusIn(*db_, "SELECT 1", {1})));
        // The connection is fine afterwards.
        CPPUNIT_ASSERT_EQUAL(int64_t(3), intOf(*db_, "SELECT $1 + $2", {1, 2}));
    }

    void testDollarSignsInLiteralsAndCommentsAreNotParameters()
    {
        auto row = firstRow(*db_,
                            "SELECT '$2' AS a, $$ $3 $$ AS b, $tag$ it's $4 $tag$ AS c, E'\\' $5' AS d, \"$6\".x AS e "
                            "/* $7 /* $8 */ */ FROM (SELECT $1 AS x) AS \"$6\" -- $9",
                            {7});
        CPPUNIT_ASSERT_EQUAL(size_t(5), row.size());
        CPPUNIT_ASSERT_EQUAL(std::string("$2"), row[0].text);
        CPPUNIT_ASSERT_EQUAL(std::string(" $3 "), row[1].text);
        CPPUNIT_ASSERT_EQUAL(std::string(" it's $4 "), row[2].text);
        CPPUNIT_ASSERT_EQUAL(std::string("' $5"), row[3].text);
        CPPUNIT_ASSERT_EQUAL(int64_t(7), row[4].i);
    }

    void testByteaRoundTrip()
    {
        std::string t = table("bytes");
        createTable(t, "b BYTEA");
        std::string all;
        for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
        std::string big(1 << 20, '\0');
        for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 7919) >> 3);
        for (const std::string* b : {&all, &big}) {
            db_->execute("DELETE FROM " + t, {});
            db_->execute("INSERT INTO " + t + " (b) VALUES ($1)", {jiffy::Blob{*b}});
            auto row = firstRow(*db_, "SELECT b, octet_length(b) FROM " + t);
            CPPUNIT_ASSERT_EQUAL(int{JIFFY_TYPE_BLOB}, static_cast<int>(row[0].type));
            CPPUNIT_ASSERT_EQUAL(int64_t(b->size()), row[1].i);
            CPPUNIT_ASSERT(*b == row[0].text);
        }
        // A BLOB is bytea even where nothing says so.
        auto row = firstRow(*db_, "SELECT $1 AS b", {jiffy::Blob{all}});
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_TYPE_BLOB}, static_cast<int>(row[0].type));
        CPPUNIT_ASSERT(all == row[0].text);
    }

    void testTimestamptzReadsBackAsIsoText()
    {
        std::string t = table("times");
        createTable(t, "ts TIMESTAMPTZ, plain TIMESTAMP, d DATE");
        db_->execute("INSERT INTO " + t + " (ts, plain, d) VALUES ($1, $2, $3)",
                     {"2024-02-29 13:14:15.123456+00", "2024-02-29 13:14:15", "2024-02-29"});
        jiffy_db_conn* conn = beginOn(*db_);
        CallError err;
        std::vector<Cell> utc, india;
        try {
            db_->execute("SET LOCAL TIME ZONE 'UTC'", {}, {}, conn);
            db_->execute(
                "SELECT ts, plain, d FROM " + t, {},
                [&](const ValuesView& v) {
                    for (size_t c = 0; c < v.size(); ++c)
                        utc.push_back(Cell{v[c].type, 0, 0, std::string(v.getText(c))});
                },
                conn);
            db_->execute("SET LOCAL TIME ZONE INTERVAL '+05:30' HOUR TO MINUTE", {}, {}, conn);
            db_->execute(
                "SELECT ts FROM " + t, {},
                [&](const ValuesView& v) {
                    india.push_back(Cell{v[0].type, 0, 0, std::string(v.getText(0))});
                },
                conn);
        } catch (...) {
            db_->rollback(conn, err.get());
            throw;
        }
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_OK}, static_cast<int>(db_->rollback(conn, err.get())));
        CPPUNIT_ASSERT_EQUAL(size_t(3), utc.size());
        for (const Cell& c : utc) CPPUNIT_ASSERT_EQUAL(int{JIFFY_TYPE_TEXT}, static_cast<int>(c.type));
        CPPUNIT_ASSERT_EQUAL(std::string("2024-02-29T13:14:15.123456+00:00"), utc[0].text);
        CPPUNIT_ASSERT_EQUAL(std::string("2024-02-29T13:14:15"), utc[1].text);
        CPPUNIT_ASSERT_EQUAL(std::string("2024-02-29"), utc[2].text);
        CPPUNIT_ASSERT_EQUAL(std::string("2024-02-29T18:44:15.123456+05:30"), india.at(0).text);
    }

    void testNumericKeepsItsValue()
    {
        auto row = firstRow(*db_, "SELECT sum(v) AS total, 2.5::numeric AS half, "
                                  "12345678901234567890.123::numeric AS exact, 'NaN'::numeric AS nan, "
                                  "123456789012345678901234567890::numeric AS huge "
                                  "FROM (VALUES (1::bigint), (2::bigint)) AS t(v)");
        assertExactNumbers(row); // sum(bigint) is numeric
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_TYPE_DOUBLE}, static_cast<int>(row[3].type));
        CPPUNIT_ASSERT(std::isnan(row[3].d));
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_TYPE_TEXT}, static_cast<int>(row[4].type));
        CPPUNIT_ASSERT_EQUAL(std::string("123456789012345678901234567890"), row[4].text);
    }

    void testStatementIsPreparedOncePerConnection()
    {
        auto db = make("\"pool_size\": 1");
        const std::string sql = "SELECT $1::bigint * 2 AS twice /* once " + suffix_ + " */";
        for (int i = 0; i < 5; ++i) CPPUNIT_ASSERT_EQUAL(int64_t(2 * i), intOf(*db, sql, {i}));
        CPPUNIT_ASSERT_EQUAL(int64_t(1), preparedCount(*db, sql));
    }

    void testStatementCacheIsBounded()
    {
        auto db = make("\"pool_size\": 1, \"statement_cache\": 3");
        for (int i = 0; i < 10; ++i) CPPUNIT_ASSERT_EQUAL(int64_t(i), intOf(*db, "SELECT " + std::to_string(i)));
        int64_t n = intOf(*db, "SELECT count(*) FROM pg_prepared_statements");
        CPPUNIT_ASSERT_MESSAGE(std::to_string(n), n >= 1 && n <= 3);
    }

    void testAlterTableDoesNotBreakCachedSelectStar()
    {
        auto db = make("\"pool_size\": 1");
        std::string t = table("star");
        createTable(t, "s TEXT");
        db->execute("INSERT INTO " + t + " (s) VALUES ($1)", {"a"});
        auto row = firstRow(*db, "SELECT * FROM " + t);
        CPPUNIT_ASSERT_EQUAL(size_t(2), row.size());
        db->execute("ALTER TABLE " + t + " ADD COLUMN extra BIGINT DEFAULT 5", {});
        row = firstRow(*db, "SELECT * FROM " + t);
        CPPUNIT_ASSERT_EQUAL(size_t(3), row.size());
        CPPUNIT_ASSERT_EQUAL(int64_t(5), row[2].i);
    }

    void testStatementTimeoutIsTimeout()
    {
        auto db = make("\"pool_size\": 1, \"statement_timeout_ms\": 200");
        std::string msg;
        try {
            db->execute("SELECT pg_sleep(5)", {});
        } catch (const PluginCallError& e) {
            CPPUNIT_ASSERT_EQUAL_MESSAGE(e.message(), int{JIFFY_TIMEOUT}, static_cast<int>(e.status()));
            msg = e.message();
        }
        CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, "57014") && contains(msg, "pg_sleep"));
        CPPUNIT_ASSERT_EQUAL(int64_t(1), intOf(*db, "SELECT 1"));
    }

    void testFailedTransactionCommitReportsTheCause()
    {
        auto db = make("\"pool_size\": 1");
        std::string t = table("txcause");
        createTable(t, "s TEXT NOT NULL");
        jiffy_db_conn* conn = beginOn(*db);
        db->execute("INSERT INTO " + t + " (s) VALUES ($1)", {"kept?"}, {}, conn);
        CPPUNIT_ASSERT_THROW(db->execute("INSERT INTO " + t + " (s) VALUES ($1)", {nullptr}, {}, conn),
                             PluginCallError);
        // Later statements fail too: the transaction is aborted.
        CPPUNIT_ASSERT_THROW(db->execute("SELECT 1", {}, {}, conn), PluginCallError);
        CallError commitErr;
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_INVALID}, static_cast<int>(db->commit(conn, commitErr.get())));
        std::string msg = commitErr.e.message;
        CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, "rolled back") && contains(msg, "23502"));
        CPPUNIT_ASSERT_EQUAL(int64_t(0), intOf(*db, "SELECT count(*) FROM " + t));
    }

    void testDeadlockIsConflict()
    {
        std::string t = table("dead");
        createTable(t, "n BIGINT");
        // PostgreSQL breaks the cycle by aborting exactly one of them.
        Deadlock d = deadlock(t);
        CallError err;
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_OK}, static_cast<int>(db_->rollback(d.victim, err.get())));
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_OK}, static_cast<int>(db_->rollback(d.winner, err.get())));
    }

    void testHungBackendIsTimeout()
    {
        // A stopped backend cannot enforce statement_timeout: the plugin's own deadline must.
        auto db = make("\"pool_size\": 1, \"statement_timeout_ms\": 200");
        Stopped backend(static_cast<pid_t>(intOf(*db, "SELECT pg_backend_pid()")));
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_TIMEOUT}, static_cast<int>(statusIn(*db, "SELECT 1")));
        backend.resume();
        CPPUNIT_ASSERT_EQUAL(int64_t(1), intOf(*db, "SELECT 1"));
    }

    void testHungServerFailsToConnectInTime()
    {
        // The kernel accepts the connection, the stopped postmaster never answers it.
        auto pidLine = jiffy::test::readFile(server().dir() + "/data/postmaster.pid");
        Stopped postmaster(static_cast<pid_t>(std::stol(pidLine.substr(0, pidLine.find('\n')))));
        std::string msg = loadError(withOptions("\"connect_timeout_ms\": 300"));
        CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, "no answer within 300 ms"));
    }

    void testStatementCacheSurvivesReconnect()
    {
        auto db = make("\"pool_size\": 1");
        const std::string sql = "SELECT $1::bigint * 3 AS thrice /* reconnect " + suffix_ + " */";
        CPPUNIT_ASSERT_EQUAL(int64_t(3), intOf(*db, sql, {1}));
        CPPUNIT_ASSERT_EQUAL(int64_t(6), intOf(*db, sql, {2}));
        server().stop();
        server().start();
        // A new session knows none of the old statements: they are prepared again, once.
        CPPUNIT_ASSERT_EQUAL(int64_t(9), intOf(*db, sql, {3}));
        CPPUNIT_ASSERT_EQUAL(int64_t(12), intOf(*db, sql, {4}));
        CPPUNIT_ASSERT_EQUAL(int64_t(1), preparedCount(*db, sql));
    }

    void testBadOptionIsRefused()
    {
        CPPUNIT_ASSERT_MESSAGE("sslmode", contains(loadError(withOptions("\"sslmode\": \"sometimes\"")), "sslmode"));
        CPPUNIT_ASSERT_MESSAGE("pool_size", contains(loadError(withOptions("\"pool_size\": 0")), "pool_size"));
    }

protected:
    std::string pluginName() const override { return "postgres"; }
    std::string adminUser() const override { return "postgres"; }
    std::string connectTimeoutOption(int ms) const override { return "\"connect_timeout_ms\": " + std::to_string(ms); }
    std::string wrongDatabaseReason() const override { return "does not exist"; }

    std::string sessionIdSql() const override { return "pg_backend_pid()"; }
    /// pg_terminate_backend only signals: waits until the backend is gone.
    void killSession(int64_t pid) override
    {
        CPPUNIT_ASSERT_EQUAL(int64_t(1),
                             intOf(*db_, "SELECT count(*) FROM (SELECT pg_terminate_backend($1::int)) AS x", {pid}));
        for (int i = 0; i < 100 && intOf(*db_, "SELECT count(*) FROM pg_stat_activity WHERE pid = $1", {pid}) > 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    /// A role that must give a password (the test server trusts everyone else).
    void createPasswordUser(const std::string& user, const std::string& password) override
    {
        std::string literal; // the password as a string literal (standard_conforming_strings: only quotes doubled)
        for (char c : password) literal += c == '\'' ? std::string("''") : std::string(1, c);
        db_->execute("DROP ROLE IF EXISTS " + user, {});
        db_->execute("CREATE ROLE " + user + " LOGIN PASSWORD '" + literal + "'", {});
        const std::string hba = server().dir() + "/data/pg_hba.conf";
        std::string rules = jiffy::test::readFile(hba);
        if (!contains(rules, user))
            jiffy::test::writeFile(hba, "host all " + user + " 127.0.0.1/32 scram-sha-256\n" + rules);
        db_->execute("SELECT pg_reload_conf()", {});
    }
    std::string wrongPasswordReason() const override { return "password authentication failed"; }

    static int64_t preparedCount(const DbInstance& db, const std::string& sql)
    {
        return intOf(db, "SELECT count(*) FROM pg_prepared_statements WHERE statement = $1", {sql});
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PostgresDbTest);
