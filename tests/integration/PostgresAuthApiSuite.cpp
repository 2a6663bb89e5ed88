// The auth suite against PostgreSQL (one server per process, a fresh database per test).
#include "AuthApiTest.h"
#include "PgTestDatabase.h"

class PostgresAuthApiTest : public AuthApiTest {
    CPPUNIT_TEST_SUB_SUITE(PostgresAuthApiTest, AuthApiTest);
    CPPUNIT_TEST_SUITE_END();

protected:
    std::string freshDatabase() override { return db_.fresh(); }
    void execSql(const std::string& sql) override { db_.exec(sql); }
    std::string querySql(const std::string& sql) override { return db_.query(sql); }

private:
    PgTestDatabase db_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(PostgresAuthApiTest);
