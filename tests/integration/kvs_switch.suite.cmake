# jiffyd switching its KVS by config alone (real Redis, memcached and jiffy-sluggo).
jiffy_cppunit_test(integration_kvs_switch SOURCES integration/KvsSwitchTest.cpp support/SluggoTestServer.cpp
  LABELS integration kvs LIBS jiffy_sluggo_protocol)
target_compile_definitions(integration_kvs_switch PRIVATE JIFFY_TEST_SLUGGO="$<TARGET_FILE:jiffy-sluggo>")
add_dependencies(integration_kvs_switch jiffy-sluggo)
