# The harness that starts real Redis, memcached and PostgreSQL servers.
jiffy_cppunit_test(integration_test_servers SOURCES integration/TestServersTest.cpp LABELS integration)
