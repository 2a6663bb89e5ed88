# Users, groups, grants, login and authorization over HTTP against a real jiffyd.
jiffy_cppunit_test(integration_auth_sqlite SOURCES integration/AuthApiTest.cpp integration/SqliteAuthApiSuite.cpp
  LABELS integration auth)
