# The harness that starts real Redis, memcached, PostgreSQL and MariaDB servers.
jiffy_cppunit_test(integration_test_servers SOURCES integration/TestServersTest.cpp LABELS integration)
