// The DB conformance suite against a real MariaDB server, plus what only a
// server brings: session settings, restarts, a killed session, a hung
// server, authentication, timeouts, pool limits, types, error mapping.
#include "conformance/DbServerTest.h"

#include "plugins/PluginErrors.h"
#include "support/TestServers.h"

#include <chrono>
#include <thread>

using jiffy::test::contains;

using jiffy::Value;
using jiffy::ValuesView;
using jiffy::host::CallError;
using jiffy::host::DbInstance;
using jiffy::host::PluginCallError;

namespace {

std::string messageOf(const DbInstance& db, const std::string& sql, const std::vector<Value>& params = {})
{
    try {
        db.execute(sql, params);
    } catch (const PluginCallError& e) {
        return e.message();
    }
    return "";
}

std::string textOf(const DbInstance& db, const std::string& sql, const std::vector<Value>& params = {})
{
    std::string s;
    db.execute(sql, params, [&](const ValuesView& v) { s = std::string(v.getText(0)); });
    return s;
}

/// A session status counter of the connection the statement runs on.
int64_t sessionStatus(const DbInstance& db, const std::string& name)
{
    int64_t n = -1;
    db.execute("SELECT variable_value FROM information_schema.session_status WHERE variable_name = ?", {name},
               [&](const ValuesView& v) { n = std::stoll(std::string(v.getText(0))); });
    return n;
}

} // namespace

class MariadbDbTest : public DbServerTestOn<jiffy::test::MariadbServer> {
    CPPUNIT_TEST_SUB_SUITE(MariadbDbTest, DbServerTestOn<jiffy::test::MariadbServer>);
    CPPUNIT_TEST(testSessionIsStrictAnsiUtf8mb4InUtc);
    CPPUNIT_TEST(testDoubleQuotesAreIdentifiersAndBackslashesPlain);
    CPPUNIT_TEST(testErrorsMapToStatuses);
    CPPUNIT_TEST(testParameterTypesFollowTheValues);
    CPPUNIT_TEST(testUpdateCountsMatchedRows);
    CPPUNIT_TEST(testDatetimeReadsBackAsIsoText);
    CPPUNIT_TEST(testDecimalKeepsItsValue);
    CPPUNIT_TEST(testLargeBlobAndTextRoundTrip);
    CPPUNIT_TEST(testStatementIsPreparedOncePerConnection);
    CPPUNIT_TEST(testStatementCacheIsBounded);
    CPPUNIT_TEST(testAlterTableDoesNotBreakCachedSelectStar);
    CPPUNIT_TEST(testStatementTimeoutIsTimeout);
    CPPUNIT_TEST(testDeadlockIsConflictAndCommitSaysSo);
    CPPUNIT_TEST(testSessionLostInTransactionIsUnavailable);
    CPPUNIT_TEST(testHungServerIsTimeout);
    CPPUNIT_TEST(testHungServerFailsToConnectInTime);
    CPPUNIT_TEST(testStatementCacheSurvivesReconnect);
    CPPUNIT_TEST(testUnixSocketWorks);
    CPPUNIT_TEST(testTlsIsEnforcedAndVerified);
    CPPUNIT_TEST(testBadOptionIsRefused);
    CPPUNIT_TEST_SUITE_END();

public:
    void testSessionIsStrictAnsiUtf8mb4InUtc()
    {
        std::string mode = textOf(*db_, "SELECT @@SESSION.sql_mode");
        for (const char* m : {"ANSI_QUOTES", "STRICT_ALL_TABLES", "NO_BACKSLASH_ESCAPES", "NO_ZERO_DATE"})
            CPPUNIT_ASSERT_MESSAGE(mode, contains(mode, m));
        CPPUNIT_ASSERT_EQUAL(std::string("utf8mb4"), textOf(*db_, "SELECT @@SESSION.character_set_connection"));
        CPPUNIT_ASSERT_EQUAL(std::string("utf8mb4"), textOf(*db_, "SELECT @@SESSION.character_set_results"));
        CPPUNIT_ASSERT_EQUAL(std::string("+00:00"), textOf(*db_, "SELECT @@SESSION.time_zone"));
        CPPUNIT_ASSERT_EQUAL(std::string("InnoDB"), textOf(*db_, "SELECT @@SESSION.default_storage_engine"));
        std::string t = table("engine");
        createTable(t, "s VARCHAR(10)");
        CPPUNIT_ASSERT_EQUAL(std::string("InnoDB"),
                             textOf(*db_,
                                    "SELECT engine FROM information_schema.tables WHERE table_schema = "
                                    "DATABASE() AND table_name = ?",
                                    {t}));
    }

    void testDoubleQuotesAreIdentifiersAndBackslashesPlain()
    {
        std::string t = table("quoted");
        createTable(t, "\"groups\" VARCHAR(50)");
        db_->execute("INSERT INTO \"" + t + "\" (\"groups\") VALUES (?)", {"a\\b_c"});
        CPPUNIT_ASSERT_EQUAL(std::string("a\\b_c"), textOf(*db_, "SELECT \"groups\" FROM " + t));
        // '\' is one character, so it can be the LIKE escape, as in standard SQL.
        CPPUNIT_ASSERT_EQUAL(
            int64_t(1),
            intOf(*db_, "SELECT count(*) FROM " + t + " WHERE \"groups\" LIKE ? ESCAPE '\\'", {"a\\\\b\\_c"}));
        CPPUNIT_ASSERT_EQUAL(
            int64_t(0),
            intOf(*db_, "SELECT count(*) FROM " + t + " WHERE \"groups\" LIKE ? ESCAPE '\\'", {"a\\\\b\\_x"}));
        CPPUNIT_ASSERT_EQUAL(std::string("ab"), textOf(*db_, "SELECT 'a' || 'b'"));
    }

    void testErrorsMapToStatuses()
    {
        std::string parent = table("eparent"), child = table("echild");
        createTable(parent, "s VARCHAR(5) NOT NULL UNIQUE, n INT");
        createTable(child, "parent_id BIGINT NOT NULL REFERENCES " + parent + "(id)");
        db_->execute("INSERT INTO " + parent + " (s, n) VALUES (?, ?)", {"a", 1});
        int64_t pid = intOf(*db_, "SELECT id FROM " + parent);
        db_->execute("INSERT INTO " + child + " (parent_id) VALUES (?)", {pid});
        const std::string ins = "INSERT INTO " + parent + " (s, n) VALUES (?, ?)";
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_CONFLICT}, static_cast<int>(statusIn(*db_, ins, {"a", 2}))); // 1062
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_CONFLICT},
                             static_cast<int>(statusIn(*db_, "DELETE FROM " + parent, {}))); // 1451: still referenced
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_INVALID}, static_cast<int>(statusIn(*db_, ins, {nullptr, 2})));   // 1048
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_INVALID}, static_cast<int>(statusIn(*db_, ins, {"toolong", 2}))); // 1406
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_INVALID},
                             static_cast<int>(statusIn(*db_, ins, {"b", int64_t(1) << 40}))); // 1264 out of range
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_INVALID}, static_cast<int>(statusIn(*db_, ins, {"c", "not a number"})));
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_INVALID},
                             static_cast<int>(statusIn(*db_, "INSERT INTO " + parent + " (n) VALUES (1)"))); // 1364
        // The message names the server's error; nothing was half-written.
        std::string msg = messageOf(*db_, ins, {"a", 3});
        CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, "1062") && contains(msg, "Duplicate entry"));
        CPPUNIT_ASSERT_EQUAL(int64_t(1), intOf(*db_, "SELECT count(*) FROM " + parent));
    }

    void testParameterTypesFollowTheValues()
    {
        auto db = make("\"pool_size\": 1"); // one connection: the second call reuses the prepared statement
        const std::string sql = "SELECT ? AS a, ? + 1 AS next, ? AS b, ? AS t";
        auto row = firstRow(*db, sql, {int64_t(9000000000000000000LL), int64_t(41), true, "text"});
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_TYPE_INT}, static_cast<int>(row[0].type));
        CPPUNIT_ASSERT_EQUAL(int64_t(9000000000000000000LL), row[0].i);
        CPPUNIT_ASSERT_EQUAL(int64_t(42), row[1].i);
        CPPUNIT_ASSERT_EQUAL(int64_t(1), row[2].i);
        CPPUNIT_ASSERT_EQUAL(std::string("text"), row[3].text);
        row = firstRow(*db, sql, {"x", 1.5, nullptr, 7});
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_TYPE_TEXT}, static_cast<int>(row[0].type));
        CPPUNIT_ASSERT_EQUAL(std::string("x"), row[0].text);
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_TYPE_DOUBLE}, static_cast<int>(row[1].type));
        CPPUNIT_ASSERT_EQUAL(2.5, row[1].d);
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_TYPE_NULL}, static_cast<int>(row[2].type));
        CPPUNIT_ASSERT_EQUAL(int64_t(7), row[3].i);
        // Doubles travel exactly.
        for (double x : {0.1, 1e-310, 1.7976931348623157e308, -0.0}) {
            auto r = firstRow(*db, "SELECT ?", {x});
            CPPUNIT_ASSERT_EQUAL(int{JIFFY_TYPE_DOUBLE}, static_cast<int>(r[0].type));
            CPPUNIT_ASSERT_EQUAL(x, r[0].d);
        }
    }

    void testUpdateCountsMatchedRows()
    {
        std::string t = table("found");
        createTable(t, "s VARCHAR(10)");
        db_->execute("INSERT INTO " + t + " (s) VALUES (?), (?)", {"same", "same"});
        // Nothing changes, but both rows match: as in SQLite and PostgreSQL.
        auto r = db_->execute("UPDATE " + t + " SET s = ? WHERE s = ?", {"same", "same"});
        CPPUNIT_ASSERT_EQUAL(int64_t(2), r.rowsAffected);
        r = db_->execute("UPDATE " + t + " SET s = ? WHERE s = ?", {"x", "none"});
        CPPUNIT_ASSERT_EQUAL(int64_t(0), r.rowsAffected);
    }

    void testDatetimeReadsBackAsIsoText()
    {
        std::string t = table("times");
        createTable(t, "dt DATETIME(6), ts TIMESTAMP(3) NULL, d DATE, tm TIME, created DATETIME NOT NULL DEFAULT "
                       "CURRENT_TIMESTAMP");
        db_->execute("INSERT INTO " + t + " (dt, ts, d, tm) VALUES (?, ?, ?, ?)",
                     {"2024-02-29T13:14:15.5", "2024-02-29 13:14:15.123", "2024-02-29", "-12:30:01"});
        auto row = firstRow(*db_, "SELECT dt, ts, d, tm, created FROM " + t);
        for (const Cell& c : row) CPPUNIT_ASSERT_EQUAL(int{JIFFY_TYPE_TEXT}, static_cast<int>(c.type));
        CPPUNIT_ASSERT_EQUAL(std::string("2024-02-29T13:14:15.5+00:00"), row[0].text);
        CPPUNIT_ASSERT_EQUAL(std::string("2024-02-29T13:14:15.123+00:00"), row[1].text);
        CPPUNIT_ASSERT_EQUAL(std::string("2024-02-29"), row[2].text);
        CPPUNIT_ASSERT_EQUAL(std::string("-12:30:01"), row[3].text);
        // CURRENT_TIMESTAMP is UTC: the session's time zone.
        CPPUNIT_ASSERT_EQUAL(textOf(*db_, "SELECT UTC_TIMESTAMP()").substr(0, 10), row[4].text.substr(0, 10));
        // A zone suffix is refused (strict mode), not silently dropped.
        CPPUNIT_ASSERT_EQUAL(
            int{JIFFY_INVALID},
            static_cast<int>(statusIn(*db_, "INSERT INTO " + t + " (dt) VALUES (?)", {"2024-02-29T13:14:15Z"})));
    }

    void testDecimalKeepsItsValue()
    {
        std::string t = table("dec");
        createTable(t, "v BIGINT");
        db_->execute("INSERT INTO " + t + " (v) VALUES (1), (2)", {});
        auto row = firstRow(*db_, "SELECT sum(v), CAST(2.5 AS DECIMAL(4,1)), "
                                  "CAST('12345678901234567890.123' AS DECIMAL(30,3)), avg(v) FROM " +
                                      t);
        assertExactNumbers(row); // sum(bigint) is DECIMAL
        CPPUNIT_ASSERT_EQUAL(1.5, row[3].d);
    }

    void testLargeBlobAndTextRoundTrip()
    {
        std::string t = table("big");
        createTable(t, "b LONGBLOB, s LONGTEXT");
        std::string big(1 << 20, '\0');
        for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 7919) >> 3);
        std::string text(300000, 'x');
        text += "\xf0\x9f\x93\x9a";
        db_->execute("INSERT INTO " + t + " (b, s) VALUES (?, ?)", {jiffy::Blob{big}, text});
        db_->execute("INSERT INTO " + t + " (b, s) VALUES (?, ?)", {jiffy::Blob{"tiny"}, "t"});
        std::vector<Cell> rows;
        db_->execute("SELECT b, s FROM " + t + " ORDER BY id", {}, [&](const ValuesView& v) {
            rows.push_back(Cell{v[0].type, 0, 0, std::string(v.getText(0))});
            rows.push_back(Cell{v[1].type, 0, 0, std::string(v.getText(1))});
        });
        CPPUNIT_ASSERT_EQUAL(size_t(4), rows.size());
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_TYPE_BLOB}, static_cast<int>(rows[0].type));
        CPPUNIT_ASSERT(big == rows[0].text);
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_TYPE_TEXT}, static_cast<int>(rows[1].type));
        CPPUNIT_ASSERT(text == rows[1].text);
        CPPUNIT_ASSERT_EQUAL(std::string("tiny"), rows[2].text);
        CPPUNIT_ASSERT_EQUAL(std::string("t"), rows[3].text);
    }

    void testStatementIsPreparedOncePerConnection()
    {
        auto db = make("\"pool_size\": 1");
        const std::string sql = "SELECT ? * 2 AS twice /* once " + suffix_ + " */";
        CPPUNIT_ASSERT_EQUAL(int64_t(0), intOf(*db, sql, {0}));
        int64_t before = sessionStatus(*db, "COM_STMT_PREPARE");
        for (int i = 1; i < 5; ++i) CPPUNIT_ASSERT_EQUAL(int64_t(2 * i), intOf(*db, sql, {i}));
        // Both statements are cached now: nothing more is prepared.
        CPPUNIT_ASSERT_EQUAL(before, sessionStatus(*db, "COM_STMT_PREPARE"));
        CPPUNIT_ASSERT(sessionStatus(*db, "COM_STMT_EXECUTE") >= 6);
    }

    void testStatementCacheIsBounded()
    {
        auto db = make("\"pool_size\": 1, \"statement_cache\": 3");
        const std::string count = "SELECT variable_value FROM information_schema.global_status WHERE variable_name = "
                                  "'PREPARED_STMT_COUNT'";
        int64_t before = std::stoll(textOf(*db, count));
        for (int i = 0; i < 10; ++i) CPPUNIT_ASSERT_EQUAL(int64_t(i), intOf(*db, "SELECT " + std::to_string(i)));
        int64_t after = std::stoll(textOf(*db, count));
        // Evicted statements are closed on the server: at most 3 stay, the count query among them.
        CPPUNIT_ASSERT_MESSAGE(std::to_string(before) + " -> " + std::to_string(after), after - before <= 2);
    }

    void testAlterTableDoesNotBreakCachedSelectStar()
    {
        auto db = make("\"pool_size\": 1");
        std::string t = table("star");
        createTable(t, "s VARCHAR(10)");
        db->execute("INSERT INTO " + t + " (s) VALUES (?)", {"a"});
        CPPUNIT_ASSERT_EQUAL(size_t(2), firstRow(*db, "SELECT * FROM " + t).size());
        db->execute("ALTER TABLE " + t + " ADD COLUMN extra BIGINT DEFAULT 5", {});
        std::vector<Cell> row;
        try {
            row = firstRow(*db, "SELECT * FROM " + t);
        } catch (const PluginCallError& e) {
            CPPUNIT_FAIL(e.message());
        }
        CPPUNIT_ASSERT_EQUAL(size_t(3), row.size());
        CPPUNIT_ASSERT_EQUAL(int64_t(5), row[2].i);
    }

    void testStatementTimeoutIsTimeout()
    {
        auto db = make("\"pool_size\": 1, \"statement_timeout_ms\": 300, \"read_timeout_s\": 10");
        std::string t = table("slow");
        createTable(t, "n BIGINT");
        db->execute("INSERT INTO " + t + " (n) VALUES (1)", {});
        std::string msg;
        try {
            db->execute("SELECT n, SLEEP(5) FROM " + t, {});
        } catch (const PluginCallError& e) {
            CPPUNIT_ASSERT_EQUAL_MESSAGE(e.message(), int{JIFFY_TIMEOUT}, static_cast<int>(e.status()));
            msg = e.message();
        }
        CPPUNIT_ASSERT_MESSAGE("a 5 s statement finished under a 300 ms limit", !msg.empty());
        CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, "1969") && contains(msg, "SLEEP"));
        CPPUNIT_ASSERT_EQUAL(int64_t(1), intOf(*db, "SELECT 1"));
    }

    void testDeadlockIsConflictAndCommitSaysSo()
    {
        std::string t = table("dead");
        createTable(t, "n BIGINT");
        // InnoDB breaks the cycle by rolling back exactly one of them.
        Deadlock d = deadlock(t);
        jiffy_db_conn* victim = d.victim;
        jiffy_db_conn* winner = d.winner;
        CallError err;
        // The victim's earlier update is gone: its commit must not pretend otherwise.
        CallError victimErr;
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_CONFLICT}, static_cast<int>(db_->commit(victim, victimErr.get())));
        CPPUNIT_ASSERT_MESSAGE(victimErr.e.message, contains(victimErr.e.message, "rolled back"));
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_OK}, static_cast<int>(db_->commit(winner, err.get())));
        CPPUNIT_ASSERT_EQUAL(int64_t(2), intOf(*db_, "SELECT sum(n) FROM " + t));
    }

    void testSessionLostInTransactionIsUnavailable()
    {
        auto db = make("\"pool_size\": 1");
        std::string t = table("lost");
        createTable(t, "n BIGINT");
        jiffy_db_conn* conn = beginOn(*db);
        db->execute("INSERT INTO " + t + " (n) VALUES (1)", {}, {}, conn);
        int64_t id = -1;
        db->execute(
            "SELECT CONNECTION_ID()", {}, [&](const ValuesView& v) { id = v.getInt(0); }, conn);
        killSession(id);
        jiffy_status st = JIFFY_OK;
        try {
            db->execute("INSERT INTO " + t + " (n) VALUES (2)", {}, {}, conn);
        } catch (const PluginCallError& e) {
            st = e.status();
        }
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_UNAVAILABLE}, static_cast<int>(st));
        CallError commitErr;
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_UNAVAILABLE}, static_cast<int>(db->commit(conn, commitErr.get())));
        CPPUNIT_ASSERT_MESSAGE(commitErr.e.message, contains(commitErr.e.message, "rolled it back"));
        // Nothing of the transaction stayed, and the pool has a fresh connection.
        CPPUNIT_ASSERT_EQUAL(int64_t(0), intOf(*db, "SELECT count(*) FROM " + t));
        CPPUNIT_ASSERT(intOf(*db, "SELECT CONNECTION_ID()") != id);
    }

    void testHungServerIsTimeout()
    {
        // A stopped server cannot enforce max_statement_time: the read timeout must.
        auto db = make("\"pool_size\": 1, \"statement_timeout_ms\": 0, \"read_timeout_s\": 1");
        CPPUNIT_ASSERT_EQUAL(int64_t(1), intOf(*db, "SELECT 1"));
        jiffy_status st = JIFFY_OK;
        {
            server().freeze();
            st = statusIn(*db, "SELECT 2");
            server().thaw();
        }
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_TIMEOUT}, static_cast<int>(st));
        CPPUNIT_ASSERT_EQUAL(int64_t(3), intOf(*db, "SELECT 3"));
    }

    void testHungServerFailsToConnectInTime()
    {
        // The kernel accepts the connection, the stopped server never greets it.
        server().freeze();
        std::string msg;
        try {
            msg = loadError(withOptions("\"connect_timeout_s\": 1"));
        } catch (...) {
            server().thaw();
            throw;
        }
        server().thaw();
        CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, "cannot connect to " + server().address()));
    }

    void testStatementCacheSurvivesReconnect()
    {
        auto db = make("\"pool_size\": 1");
        const std::string sql = "SELECT ? * 3 AS thrice /* reconnect " + suffix_ + " */";
        CPPUNIT_ASSERT_EQUAL(int64_t(3), intOf(*db, sql, {1}));
        server().stop();
        server().start();
        // A new session knows none of the old statements: they are prepared again, once.
        CPPUNIT_ASSERT_EQUAL(int64_t(9), intOf(*db, sql, {3}));
        int64_t before = sessionStatus(*db, "COM_STMT_PREPARE");
        CPPUNIT_ASSERT_EQUAL(int64_t(12), intOf(*db, sql, {4}));
        CPPUNIT_ASSERT_EQUAL(int64_t(15), intOf(*db, sql, {5}));
        CPPUNIT_ASSERT_EQUAL(before, sessionStatus(*db, "COM_STMT_PREPARE"));
    }

    void testUnixSocketWorks()
    {
        std::string cfg = "{\"socket\": \"" + server().dir() + "/sock\", \"usr\": \"root\", \"name\": \"" +
                          server().database() + "\"}";
        auto db = harness_.db(jiffy::test::pluginFile("db", "mysql"), cfg);
        CPPUNIT_ASSERT_EQUAL(int64_t(7), intOf(*db, "SELECT ? + 2", {5}));
        std::string via = textOf(*db, "SELECT host FROM information_schema.processlist WHERE id = CONNECTION_ID()");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(via, std::string("localhost"), via);
    }

    void testTlsIsEnforcedAndVerified()
    {
        // A CA, a server certificate it signs for 127.0.0.1, and an unrelated CA.
        jiffy::test::TempDir certs;
        const std::string d = certs.path() + "/";
        const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes ";
        jiffy::test::writeFile(d + "san.ext", "subjectAltName=IP:127.0.0.1\n");
        for (const std::string& cmd :
             {"openssl req -x509" + ec + "-keyout " + d + "ca.key -out " + d + "ca.pem -days 2 -subj /CN=jiffy-ca",
              "openssl req -x509" + ec + "-keyout " + d + "other.key -out " + d + "other.pem -days 2 -subj /CN=other",
              "openssl req" + ec + "-keyout " + d + "server.key -out " + d + "server.csr -subj /CN=127.0.0.1",
              "openssl x509 -req -in " + d + "server.csr -CA " + d + "ca.pem -CAkey " + d +
                  "ca.key -CAcreateserial -out " + d + "server.pem -days 2 -extfile " + d + "san.ext"})
            CPPUNIT_ASSERT_EQUAL_MESSAGE(cmd, 0, std::system((cmd + " >/dev/null 2>&1").c_str()));
        jiffy::test::MariadbServer tls(
            {"--ssl-cert=" + d + "server.pem", "--ssl-key=" + d + "server.key", "--ssl-ca=" + d + "ca.pem"});
        tls.start();
        auto cfg = [&](const std::string& extra) {
            std::string c = tls.databaseConfig();
            c.pop_back();
            return c + ", " + extra + "}";
        };
        const std::string cipher = "SELECT variable_value FROM information_schema.session_status WHERE "
                                   "variable_name = 'SSL_CIPHER'";
        auto plain = harness_.db(jiffy::test::pluginFile("db", "mysql"), cfg("\"ssl_mode\": \"disable\""));
        CPPUNIT_ASSERT_EQUAL(std::string(), textOf(*plain, cipher));
        auto required = harness_.db(jiffy::test::pluginFile("db", "mysql"), cfg("\"ssl_mode\": \"require\""));
        CPPUNIT_ASSERT(!textOf(*required, cipher).empty());
        auto verified = harness_.db(jiffy::test::pluginFile("db", "mysql"),
                                    cfg("\"ssl_mode\": \"verify-full\", \"ssl_ca\": \"" + d + "ca.pem\""));
        CPPUNIT_ASSERT(!textOf(*verified, cipher).empty());
        // A server whose certificate the given CA did not sign is refused.
        std::string msg = loadError(cfg("\"ssl_mode\": \"verify-full\", \"ssl_ca\": \"" + d + "other.pem\""));
        CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, "cannot connect to " + tls.address()));
        // So is one whose certificate names another host ("localhost" is not 127.0.0.1).
        std::string byName = cfg("\"ssl_mode\": \"verify-full\", \"ssl_ca\": \"" + d + "ca.pem\"");
        byName.replace(byName.find("\"127.0.0.1\""), 11, "\"localhost\"");
        msg = loadError(byName);
        CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, "cannot connect to localhost:"));
        // And a server without TLS is refused when TLS is required.
        msg = loadError(withOptions("\"ssl_mode\": \"require\""));
        CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, "cannot connect to " + server().address()));
        CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, "offers no TLS"));
    }

    void testBadOptionIsRefused()
    {
        CPPUNIT_ASSERT_MESSAGE("ssl_mode", contains(loadError(withOptions("\"ssl_mode\": \"sometimes\"")), "ssl_mode"));
        CPPUNIT_ASSERT_MESSAGE("pool_size", contains(loadError(withOptions("\"pool_size\": 0")), "pool_size"));
        std::string msg = loadError(withOptions("\"statement_timeout_ms\": 60000, \"read_timeout_s\": 30"));
        CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, "read_timeout_s: must exceed statement_timeout_ms"));
    }

protected:
    std::string pluginName() const override { return "mysql"; }
    std::string adminUser() const override { return "root"; }
    std::string connectTimeoutOption(int ms) const override
    {
        return "\"connect_timeout_s\": " + std::to_string((ms + 999) / 1000);
    }
    std::string wrongDatabaseReason() const override { return "Access denied"; } // root has no password

    std::string sessionIdSql() const override { return "CONNECTION_ID()"; }
    /// KILL returns before the session is gone: waits until the server lists it no more.
    void killSession(int64_t id) override
    {
        db_->execute("KILL CONNECTION " + std::to_string(id), {});
        for (int i = 0;
             i < 100 && intOf(*db_, "SELECT count(*) FROM information_schema.processlist WHERE id = ?", {id}) > 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    void createPasswordUser(const std::string& user, const std::string& password) override
    {
        std::string literal; // the password as a MariaDB string literal (quotes doubled, backslashes escaped)
        for (char c : password) literal += c == '\'' ? "''" : c == '\\' ? "\\\\" : std::string(1, c);
        server().sql("DROP USER IF EXISTS '" + user + "'@'%'; DROP USER IF EXISTS '" + user + "'@'localhost'; " +
                     "CREATE USER '" + user + "'@'localhost' IDENTIFIED BY '" + literal + "'; GRANT ALL ON " +
                     server().database() + ".* TO '" + user + "'@'localhost'");
    }
    std::string wrongPasswordReason() const override { return "Access denied"; }
};

CPPUNIT_TEST_SUITE_REGISTRATION(MariadbDbTest);
