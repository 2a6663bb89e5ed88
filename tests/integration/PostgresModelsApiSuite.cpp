// The REST API suite against PostgreSQL (one server per process, a fresh database per test).
#include "ModelsApiTest.h"
#include "OnTestDatabase.h"
#include "PgTestDatabase.h"

class PostgresModelsApiTest : public OnTestDatabase<ModelsApiTest, PgTestDatabase> {
    CPPUNIT_TEST_SUB_SUITE(PostgresModelsApiTest, ModelsApiTest);
    CPPUNIT_TEST_SUITE_END();
};

CPPUNIT_TEST_SUITE_REGISTRATION(PostgresModelsApiTest);
