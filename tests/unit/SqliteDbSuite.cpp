// The DB conformance suite against a temporary SQLite file, plus what only
// SQLite has (file errors, WAL).
#include "conformance/DbConformanceTest.h"

#include "plugins/PluginErrors.h"

class SqliteDbTest : public DbConformanceTest {
    CPPUNIT_TEST_SUB_SUITE(SqliteDbTest, DbConformanceTest);
    CPPUNIT_TEST(testUnopenableFileFailsAtStart);
    CPPUNIT_TEST(testDataSurvivesReopen);
    CPPUNIT_TEST(testMemoryDatabaseWorks);
    CPPUNIT_TEST(testBadOptionIsRefused);
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

protected:
    std::unique_ptr<jiffy::host::DbInstance> makeDb() override
    {
        return harness_.db(jiffy::test::pluginFile("db", "sqlite"), "{\"name\": \"" + dir_.file("test.db") + "\"}");
    }

private:
    jiffy::test::TempDir dir_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(SqliteDbTest);
