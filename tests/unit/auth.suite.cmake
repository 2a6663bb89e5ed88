# The auth layer's pieces (hashes, JWTs, keys, throttling) without a server.
jiffy_cppunit_test(unit_auth SOURCES unit/AuthUnitTest.cpp LABELS unit auth)
