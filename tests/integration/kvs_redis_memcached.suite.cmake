# The KVS conformance suite against real servers started on loopback.
jiffy_cppunit_test(kvs_conformance_redis SOURCES conformance/KvsConformanceTest.cpp integration/RedisKvsSuite.cpp
                   LABELS integration kvs)
jiffy_cppunit_test(kvs_conformance_memcached SOURCES conformance/KvsConformanceTest.cpp integration/MemcachedKvsSuite.cpp
                   LABELS integration kvs)
