// The REST API suite against SQLite: a new database file per test.
#include "ModelsApiTest.h"
#include "support/ChildProcess.h"
#include "support/TestServers.h"

class SqliteModelsApiTest : public ModelsApiTest {
    CPPUNIT_TEST_SUB_SUITE(SqliteModelsApiTest, ModelsApiTest);
    CPPUNIT_TEST_SUITE_END();

protected:
    std::string freshDatabase() override
    {
        static int n = 0;
        file_ = dir_.file("api" + std::to_string(++n) + ".db");
        // NORMAL keeps 1600 concurrent inserts quick; durability is tested elsewhere.
        return "{\"db_dialect\": \"sqlite\", \"name\": \"" + file_ + "\", \"synchronous\": \"NORMAL\"}";
    }

    std::string query(const std::string& sql) override
    {
        static int n = 0;
        const std::string log = dir_.file("sqlite3-" + std::to_string(++n) + ".out"); // one per run: the log appends
        jiffy::test::ChildProcess p(jiffy::test::findProgram("sqlite3"), {"-bail", file_, sql}, log);
        int rc = p.wait(30000);
        std::string out = p.log();
        CPPUNIT_ASSERT_EQUAL_MESSAGE("sqlite3 " + sql + "\n" + out, 0, rc);
        while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
        return out;
    }

private:
    std::string file_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(SqliteModelsApiTest);
