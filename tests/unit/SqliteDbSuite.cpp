// The DB conformance suite against a temporary SQLite file, plus what only
// SQLite has (file errors, WAL).
#include "conformance/DbConformanceTest.h"

#include "plugins/PluginErrors.h"

#include <mutex>
#include <set>
#include <thread>

class SqliteDbTest : public DbConformanceTest {
    CPPUNIT_TEST_SUB_SUITE(SqliteDbTest, DbConformanceTest);
    CPPUNIT_TEST(testUnopenableFileFailsAtStart);
    CPPUNIT_TEST(testFileThatIsNoDatabaseIsRefused);
    CPPUNIT_TEST(testDataSurvivesReopen);
    CPPUNIT_TEST(testMemoryDatabaseWorks);
    CPPUNIT_TEST(testBadOptionIsRefused);
    CPPUNIT_TEST(testGroupCommitKeepsEachStatementsOutcome);
    CPPUNIT_TEST(testReturningRowsComeThroughTheWriter);
    CPPUNIT_TEST(testWritesWorkWithoutGroupCommit);
    CPPUNIT_TEST_SUITE_END();

public:
    void testUnopenableFileFailsAtStart()
    {
        try {
            harness_.db(jiffy::test::pluginFile("db", "sqlite"), R"({"name": "/nonexistent/dir/x.db"})");
            CPPUNIT_FAIL("opened a database in a missing directory");
        } catch (const jiffy::host::PluginLoadError& e) {
            // Refused at once as a configuration error (INVALID → exit 78), naming the file.
            CPPUNIT_ASSERT_EQUAL(int{JIFFY_INVALID}, static_cast<int>(e.status()));
            CPPUNIT_ASSERT_MESSAGE(e.message(), jiffy::test::contains(e.message(), "name: the directory of "
                                                                                   "\"/nonexistent/dir/x.db\" does "
                                                                                   "not exist"));
        }
    }

    void testFileThatIsNoDatabaseIsRefused()
    {
        // Opening succeeds (SQLite reads lazily); the first PRAGMA finds the
        // file is not a database: a clear refusal naming it, nothing leaked
        // (the sanitizer run checks the statements and handle are released).
        const std::string file = dir_.file("notes.db");
        jiffy::test::writeFile(file, std::string(8192, 'x'));
        try {
            harness_.db(jiffy::test::pluginFile("db", "sqlite"), "{\"name\": \"" + file + "\"}");
            CPPUNIT_FAIL("opened a file that is not a database");
        } catch (const jiffy::host::PluginLoadError& e) {
            CPPUNIT_ASSERT_MESSAGE(e.message(), jiffy::test::contains(e.message(), "not a database"));
        }
    }

    void testDataSurvivesReopen()
    {
        createTable(table("keep"), "s TEXT");
        db_->execute("INSERT INTO " + table("keep") + " (s) VALUES (?)", {"durable"});
        db_ = makeDb();
        std::string s;
        db_->execute("SELECT s FROM " + table("keep"), {}, [&](const jiffy::ValuesView& v) { s = v.getText(0); });
        CPPUNIT_ASSERT_EQUAL(std::string("durable"), s);
    }

    void testMemoryDatabaseWorks()
    {
        auto mem = harness_.db(jiffy::test::pluginFile("db", "sqlite"), R"({"name": ":memory:", "pool_size": 4})");
        mem->execute("CREATE TABLE m (x INTEGER)", {});
        mem->execute("INSERT INTO m (x) VALUES (?)", {5});
        int64_t x = 0;
        mem->execute("SELECT x FROM m", {}, [&](const jiffy::ValuesView& v) { x = v.getInt(0); });
        CPPUNIT_ASSERT_EQUAL(int64_t(5), x);
    }

    void testBadOptionIsRefused()
    {
        CPPUNIT_ASSERT_THROW(harness_.db(jiffy::test::pluginFile("db", "sqlite"),
                                         "{\"name\": \"" + dir_.file("b.db") + "\", \"synchronous\": \"SOMETIMES\"}"),
                             jiffy::host::PluginLoadError);
    }

    void testGroupCommitKeepsEachStatementsOutcome()
    {
        // Many writers at once land in shared group commits; a statement that
        // fails (a duplicate) fails alone, the others of its group commit.
        createTable(table("gc"), "k TEXT UNIQUE, w INTEGER");
        constexpr int kWriters = 16, kEach = 60;
        jiffy::test::StartLine start(kWriters);
        std::mutex m;
        std::set<int64_t> ids;
        int conflicts = 0;
        std::string unexpected;
        std::vector<std::thread> threads;
        for (int w = 0; w < kWriters; ++w)
            threads.emplace_back([&, w] {
                start.arriveAndWait();
                for (int i = 0; i < kEach; ++i) {
                    // Every 6th key is shared by all writers: exactly one of them wins it.
                    std::string key =
                        i % 6 == 0 ? "shared" + std::to_string(i) : std::to_string(w) + "." + std::to_string(i);
                    try {
                        int64_t id = insertId("INSERT INTO " + table("gc") + " (k, w) VALUES (?, ?)", {key, w});
                        std::lock_guard<std::mutex> lock(m);
                        ids.insert(id);
                    } catch (const jiffy::host::PluginCallError& e) {
                        std::lock_guard<std::mutex> lock(m);
                        if (e.status() == JIFFY_CONFLICT)
                            ++conflicts;
                        else if (unexpected.empty())
                            unexpected = e.message();
                    }
                }
            });
        for (auto& t : threads) t.join();
        CPPUNIT_ASSERT_MESSAGE(unexpected, unexpected.empty());
        const int shared = kEach / 6;
        CPPUNIT_ASSERT_EQUAL(shared * (kWriters - 1), conflicts);
        CPPUNIT_ASSERT_EQUAL(size_t(kWriters * kEach - conflicts), ids.size());
        int64_t n = 0;
        db_->execute("SELECT count(*) FROM " + table("gc"), {}, [&](const jiffy::ValuesView& v) { n = v.getInt(0); });
        CPPUNIT_ASSERT_EQUAL(static_cast<int64_t>(ids.size()), n);
        // And every acknowledged row is durable: a new instance reads them all.
        db_ = makeDb();
        db_->execute("SELECT count(*) FROM " + table("gc"), {}, [&](const jiffy::ValuesView& v) { n = v.getInt(0); });
        CPPUNIT_ASSERT_EQUAL(static_cast<int64_t>(ids.size()), n);
    }

    void testReturningRowsComeThroughTheWriter()
    {
        createTable(table("ret"), "s TEXT");
        std::string s;
        int64_t id = 0;
        db_->execute("INSERT INTO " + table("ret") + " (s) VALUES (?) RETURNING id, s", {"back"},
                     [&](const jiffy::ValuesView& v) {
                         id = v.getInt(0);
                         s = v.getText(1);
                     });
        CPPUNIT_ASSERT_EQUAL(int64_t(1), id);
        CPPUNIT_ASSERT_EQUAL(std::string("back"), s);
    }

    void testWritesWorkWithoutGroupCommit()
    {
        auto plain = harness_.db(jiffy::test::pluginFile("db", "sqlite"),
                                 "{\"name\": \"" + dir_.file("plain.db") + "\", \"group_commit\": false}");
        plain->execute("CREATE TABLE p (x INTEGER)", {});
        plain->execute("INSERT INTO p (x) VALUES (?)", {7});
        int64_t x = 0;
        plain->execute("SELECT x FROM p", {}, [&](const jiffy::ValuesView& v) { x = v.getInt(0); });
        CPPUNIT_ASSERT_EQUAL(int64_t(7), x);
    }

protected:
    std::unique_ptr<jiffy::host::DbInstance> makeDb() override
    {
        return harness_.db(jiffy::test::pluginFile("db", "sqlite"), "{\"name\": \"" + dir_.file("test.db") + "\"}");
    }

private:
    jiffy::test::TempDir dir_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(SqliteDbTest);
