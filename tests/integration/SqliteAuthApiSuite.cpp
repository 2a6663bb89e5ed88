// The auth suite against SQLite (fixture in SqliteAuthApiTest.h).
#include "SqliteAuthApiTest.h"

CPPUNIT_TEST_SUITE_REGISTRATION(SqliteAuthApiTest);
