# The DB conformance suite against a real PostgreSQL server (initdb on a free loopback port).
jiffy_cppunit_test(db_conformance_postgres SOURCES conformance/DbConformanceTest.cpp conformance/DbServerTest.cpp integration/PostgresDbSuite.cpp LABELS integration db)
