// The REST API suite against SQLite: a new database file per test.
#include "ModelsApiTest.h"

class SqliteModelsApiTest : public ModelsApiTest {
    CPPUNIT_TEST_SUB_SUITE(SqliteModelsApiTest, ModelsApiTest);
    CPPUNIT_TEST_SUITE_END();

protected:
    std::string freshDatabase() override
    {
        static int n = 0;
        // NORMAL keeps 1600 concurrent inserts quick; durability is tested elsewhere.
        return "{\"db_dialect\": \"sqlite\", \"name\": \"" + dir_.file("api" + std::to_string(++n) + ".db") +
               "\", \"synchronous\": \"NORMAL\"}";
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SqliteModelsApiTest);
