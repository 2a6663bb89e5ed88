# Users, groups, grants, login and authorization over HTTP against a real jiffyd.
jiffy_cppunit_test(integration_auth_sqlite SOURCES integration/AuthApiTest.cpp integration/SqliteAuthApiSuite.cpp
  LABELS integration auth)
# The same flows logging at trace; no password, token or hash may reach a log line.
jiffy_cppunit_test(integration_auth_logs SOURCES integration/AuthApiTest.cpp integration/SqliteAuthLogSuite.cpp
  LABELS integration auth)
