// The REST API suite against PostgreSQL (one server per process, a fresh database per test).
#include "ModelsApiTest.h"
#include "PgTestDatabase.h"

class PostgresModelsApiTest : public ModelsApiTest {
    CPPUNIT_TEST_SUB_SUITE(PostgresModelsApiTest, ModelsApiTest);
    CPPUNIT_TEST_SUITE_END();

protected:
    std::string freshDatabase() override { return db_.fresh(); }
    std::string query(const std::string& sql) override { return db_.query(sql); }

private:
    PgTestDatabase db_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(PostgresModelsApiTest);
