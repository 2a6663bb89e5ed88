#include "conformance/DbServerTest.h"

#include "plugins/PluginErrors.h"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>

using jiffy::Value;
using jiffy::ValuesView;
using jiffy::host::CallError;
using jiffy::host::DbInstance;
using jiffy::host::PluginCallError;
using jiffy::host::PluginLoadError;
using jiffy::test::contains;

std::string DbServerTest::withOptions(const std::string& extra)
{
    std::string cfg = serverConfig();
    if (extra.empty()) return cfg;
    cfg.pop_back(); // '}'
    return cfg + ", " + extra + "}";
}

std::unique_ptr<DbInstance> DbServerTest::make(const std::string& extra)
{
    return harness_.db(jiffy::test::pluginFile("db", pluginName()), withOptions(extra));
}

std::string DbServerTest::loadError(const std::string& cfg, bool mustFail)
{
    try {
        harness_.db(jiffy::test::pluginFile("db", pluginName()), cfg);
    } catch (const PluginLoadError& e) {
        return e.message();
    }
    if (mustFail) CPPUNIT_FAIL("started with " + cfg);
    return "";
}

std::string DbServerTest::configFor(uint16_t port, const std::string& name, const std::string& extra) const
{
    return "{\"host\": \"127.0.0.1\", \"port\": " + std::to_string(port) + ", \"usr\": \"" + adminUser() +
           "\", \"name\": \"" + name + "\"" + (extra.empty() ? "" : ", " + extra) + "}";
}

jiffy_status DbServerTest::statusIn(const DbInstance& db, const std::string& sql, const std::vector<Value>& params)
{
    try {
        db.execute(sql, params);
        return JIFFY_OK;
    } catch (const PluginCallError& e) {
        return e.status();
    }
}

int DbServerTest::statusOfIn(jiffy_db_conn* conn, const std::string& sql, const std::vector<Value>& params)
{
    try {
        db_->execute(sql, params, {}, conn);
        return JIFFY_OK;
    } catch (const PluginCallError& e) {
        return e.status();
    }
}

std::vector<DbServerTest::Cell> DbServerTest::firstRow(const DbInstance& db, const std::string& sql,
                                                       const std::vector<Value>& params)
{
    std::vector<Cell> cells;
    db.execute(sql, params, [&](const ValuesView& v) {
        if (!cells.empty()) return;
        for (size_t c = 0; c < v.size(); ++c)
            cells.push_back(Cell{v[c].type, v[c].i, v[c].d, std::string(v.getText(c))});
    });
    return cells;
}

void DbServerTest::assertExactNumbers(const std::vector<Cell>& row)
{
    CPPUNIT_ASSERT(row.size() >= 3);
    CPPUNIT_ASSERT_EQUAL(int{JIFFY_TYPE_INT}, static_cast<int>(row[0].type)); // sum(bigint) is exact
    CPPUNIT_ASSERT_EQUAL(int64_t(3), row[0].i);
    CPPUNIT_ASSERT_EQUAL(int{JIFFY_TYPE_DOUBLE}, static_cast<int>(row[1].type));
    CPPUNIT_ASSERT_EQUAL(2.5, row[1].d);
    CPPUNIT_ASSERT_EQUAL(int{JIFFY_TYPE_TEXT}, static_cast<int>(row[2].type));
    CPPUNIT_ASSERT_EQUAL(std::string("12345678901234567890.123"), row[2].text);
}

DbServerTest::Deadlock DbServerTest::deadlock(const std::string& t)
{
    db_->execute("INSERT INTO " + t + " (id, n) VALUES (1, 0), (2, 0)", {});
    CallError err;
    jiffy_db_conn *a = nullptr, *b = nullptr;
    CPPUNIT_ASSERT_EQUAL(int{JIFFY_OK}, static_cast<int>(db_->begin(&a, err.get())));
    CPPUNIT_ASSERT_EQUAL(int{JIFFY_OK}, static_cast<int>(db_->begin(&b, err.get())));
    const std::string update = "UPDATE " + t + " SET n = n + 1 WHERE id = " + ph(1);
    db_->execute(update, {1}, {}, a);
    db_->execute(update, {2}, {}, b);
    std::atomic<int> statusA{-1};
    std::thread other([&] { statusA = statusOfIn(a, update, {2}); });
    int statusB = statusOfIn(b, update, {1});
    other.join();
    CPPUNIT_ASSERT_MESSAGE(std::to_string(statusA) + " " + std::to_string(statusB),
                           (statusA == JIFFY_CONFLICT) != (statusB == JIFFY_CONFLICT));
    CPPUNIT_ASSERT((statusA == JIFFY_OK) != (statusB == JIFFY_OK));
    return statusA == JIFFY_CONFLICT ? Deadlock{a, b} : Deadlock{b, a};
}

size_t DbServerTest::openFiles()
{
    size_t n = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
    return n;
}

void DbServerTest::testExhaustedPoolIsTimeout()
{
    auto db = make("\"pool_size\": 1, \"pool_wait_ms\": 100");
    CallError err;
    jiffy_db_conn* conn = nullptr;
    CPPUNIT_ASSERT_EQUAL(int{JIFFY_OK}, static_cast<int>(db->begin(&conn, err.get())));
    CPPUNIT_ASSERT_EQUAL(int{JIFFY_TIMEOUT}, static_cast<int>(statusIn(*db, "SELECT 1")));
    CPPUNIT_ASSERT_EQUAL(int{JIFFY_OK}, static_cast<int>(db->rollback(conn, err.get())));
    CPPUNIT_ASSERT_EQUAL(int64_t(1), intOf(*db, "SELECT 1"));
}

void DbServerTest::testServerDownFailsFastThenRecovers()
{
    auto db = make("\"pool_size\": 2, " + connectTimeoutOption(2000));
    const std::string sql = "SELECT " + ph(1) + " + 1";
    CPPUNIT_ASSERT_EQUAL(int64_t(2), intOf(*db, sql, {1}));
    backend().stop();
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 3; ++i) {
        std::string msg;
        try {
            db->execute(sql, {1});
        } catch (const PluginCallError& e) {
            CPPUNIT_ASSERT_EQUAL_MESSAGE(e.message(), int{JIFFY_UNAVAILABLE}, static_cast<int>(e.status()));
            msg = e.message();
        }
        CPPUNIT_ASSERT_MESSAGE("succeeded with the server down", !msg.empty());
    }
    CallError err;
    CPPUNIT_ASSERT_EQUAL(int{JIFFY_UNAVAILABLE}, static_cast<int>(db->health(err.get())));
    jiffy_db_conn* conn = nullptr;
    CPPUNIT_ASSERT_EQUAL(int{JIFFY_UNAVAILABLE}, static_cast<int>(db->begin(&conn, err.get())));
    // Not a latency check: a generous bound that only a hang would exceed.
    auto took = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start).count();
    CPPUNIT_ASSERT_MESSAGE(std::to_string(took) + " s", took < 20);
    backend().start();
    CPPUNIT_ASSERT_EQUAL(int64_t(6), intOf(*db, sql, {5}));
    db->health();
}

void DbServerTest::testRestartWhileIdleIsInvisible()
{
    auto db = make("\"pool_size\": 3");
    // Fill the pool with idle connections, then restart under them.
    CallError err;
    std::vector<jiffy_db_conn*> held(3, nullptr);
    for (auto& c : held) CPPUNIT_ASSERT_EQUAL(int{JIFFY_OK}, static_cast<int>(db->begin(&c, err.get())));
    for (auto* c : held) CPPUNIT_ASSERT_EQUAL(int{JIFFY_OK}, static_cast<int>(db->commit(c, err.get())));
    backend().stop();
    backend().start();
    for (int i = 0; i < 5; ++i) CPPUNIT_ASSERT_EQUAL(int64_t(i), intOf(*db, "SELECT " + ph(1), {i}));
    // Transactions work on the new sessions too.
    jiffy_db_conn* conn = nullptr;
    CPPUNIT_ASSERT_EQUAL(int{JIFFY_OK}, static_cast<int>(db->begin(&conn, err.get())));
    CPPUNIT_ASSERT_EQUAL(int{JIFFY_OK}, static_cast<int>(db->commit(conn, err.get())));
}

void DbServerTest::testWrongDatabaseFailsAtStart()
{
    std::string msg = loadError(configFor(backend().port(), "no_such_db", "\"password\": \"Sup3r-Secret\""));
    CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, backend().address()));
    CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, "database \"no_such_db\""));
    CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, wrongDatabaseReason()));
    CPPUNIT_ASSERT_MESSAGE(msg, !contains(msg, "Sup3r-Secret"));
}

void DbServerTest::testNothingListeningFailsAtStart()
{
    uint16_t port = jiffy::test::freePort();
    std::string msg = loadError(configFor(port, "x", connectTimeoutOption(2000)));
    CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, "cannot connect to 127.0.0.1:" + std::to_string(port)));
}

void DbServerTest::testFailedStartsLeakNoSockets()
{
    // libpq, for one, keeps the socket of a refused connection until PQfinish.
    std::string cfg = configFor(backend().port(), "no_such_db");
    loadError(cfg);
    size_t before = openFiles();
    for (int i = 0; i < 20; ++i) loadError(cfg);
    CPPUNIT_ASSERT_EQUAL(before, openFiles());
}

void DbServerTest::testPoolSmallerThanThreadCountWaits()
{
    auto db = make("\"pool_size\": 2, \"pool_wait_ms\": 30000");
    std::string t = table("pool");
    createTable(t, "conn BIGINT");
    std::atomic<int> errors{0};
    std::mutex m;
    std::string first;
    std::vector<std::thread> threads;
    for (int w = 0; w < 8; ++w) {
        threads.emplace_back([&] {
            for (int i = 0; i < 25; ++i) {
                try {
                    db->execute("INSERT INTO " + t + " (conn) VALUES (" + sessionIdSql() + ")", {});
                } catch (const std::exception& e) {
                    std::lock_guard<std::mutex> lock(m);
                    if (first.empty()) first = e.what();
                    ++errors;
                }
            }
        });
    }
    for (auto& th : threads) th.join();
    CPPUNIT_ASSERT_EQUAL_MESSAGE(first, 0, errors.load());
    CPPUNIT_ASSERT_EQUAL(int64_t(200), intOf(*db, "SELECT count(*) FROM " + t));
    int64_t conns = intOf(*db, "SELECT count(DISTINCT conn) FROM " + t);
    CPPUNIT_ASSERT_MESSAGE(std::to_string(conns), conns >= 1 && conns <= 2);
}

void DbServerTest::testKilledSessionIsReplacedTransparently()
{
    auto db = make("\"pool_size\": 1");
    const std::string sessionId = "SELECT " + sessionIdSql();
    int64_t id = intOf(*db, sessionId);
    killSession(id);
    int64_t again = -1;
    try {
        again = intOf(*db, sessionId);
    } catch (const PluginCallError& e) {
        CPPUNIT_FAIL(e.message());
    }
    CPPUNIT_ASSERT(again != id);
}

void DbServerTest::testWrongPasswordFailsAtStartWithoutLeakingIt()
{
    const std::string password = "pa ss'w\"d\\ with spaces";
    createPasswordUser("jiffy_pw", password);
    auto cfg = [&](const std::string& pw) {
        std::string quoted;
        for (char c : pw) quoted += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
        return "{\"host\": \"127.0.0.1\", \"port\": " + std::to_string(backend().port()) +
               ", \"usr\": \"jiffy_pw\", \"password\": \"" + quoted + "\", \"name\": \"" + databaseName() + "\"}";
    };
    // The server may apply the new login asynchronously: wait until it refuses.
    std::string msg;
    for (int i = 0; i < 100 && msg.empty(); ++i) {
        msg = loadError(cfg("wrong-S3cret"), false);
        if (msg.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    CPPUNIT_ASSERT_MESSAGE("a wrong password was accepted", !msg.empty());
    CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, backend().address()));
    CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, "user \"jiffy_pw\""));
    CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, "database \"" + databaseName() + "\""));
    CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, wrongPasswordReason()));
    CPPUNIT_ASSERT_MESSAGE(msg, !contains(msg, "wrong-S3cret"));
    // Spaces, quotes and backslashes in a password need no care from the user.
    auto ok = harness_.db(jiffy::test::pluginFile("db", pluginName()), cfg(password));
    CPPUNIT_ASSERT_EQUAL(int64_t(1), intOf(*ok, "SELECT 1"));
}
