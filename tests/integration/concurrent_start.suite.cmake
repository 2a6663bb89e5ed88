# Three jiffyd started at once on one empty database (PostgreSQL, MariaDB, SQLite): all come up, bootstrap once.
jiffy_cppunit_test(integration_concurrent_start SOURCES integration/ConcurrentStartTest.cpp
  LABELS integration auth postgres mysql TIMEOUT 600)
