# The KVS conformance suite against real servers started on loopback.
jiffy_cppunit_test(kvs_conformance_redis SOURCES unit/KvsConformanceTest.cpp unit/RedisKvsSuite.cpp
                   LABELS integration kvs)
jiffy_cppunit_test(kvs_conformance_memcached SOURCES unit/KvsConformanceTest.cpp unit/MemcachedKvsSuite.cpp
                   LABELS integration kvs)
