# kvs/sluggo: the plugin against jiffy-sluggo, and jiffy-sluggo itself.
jiffy_cppunit_test(kvs_conformance_sluggo
  SOURCES conformance/KvsConformanceTest.cpp integration/SluggoKvsSuite.cpp support/SluggoTestServer.cpp
  LABELS integration kvs LIBS jiffy_sluggo_protocol)
target_compile_definitions(kvs_conformance_sluggo PRIVATE JIFFY_TEST_SLUGGO="$<TARGET_FILE:jiffy-sluggo>")
add_dependencies(kvs_conformance_sluggo jiffy-sluggo)
jiffy_cppunit_test(sluggo_server
  SOURCES integration/SluggoServerTest.cpp support/SluggoTestServer.cpp
  LABELS integration kvs LIBS jiffy_sluggo_server)
target_compile_definitions(sluggo_server PRIVATE JIFFY_TEST_SLUGGO="$<TARGET_FILE:jiffy-sluggo>")
add_dependencies(sluggo_server jiffy-sluggo)
