# kvs/sluggo: the gob codec (no server), then the plugin and jiffy-sluggo.
jiffy_cppunit_test(unit_gob_codec SOURCES unit/GobCodecTest.cpp LABELS unit kvs LIBS jiffy_sluggo_protocol)
jiffy_cppunit_test(kvs_conformance_sluggo
  SOURCES unit/KvsConformanceTest.cpp unit/SluggoKvsSuite.cpp unit/SluggoTestServer.cpp
  LABELS integration kvs LIBS jiffy_sluggo_protocol)
target_compile_definitions(kvs_conformance_sluggo PRIVATE JIFFY_TEST_SLUGGO="$<TARGET_FILE:jiffy-sluggo>")
add_dependencies(kvs_conformance_sluggo jiffy-sluggo)
jiffy_cppunit_test(sluggo_server
  SOURCES unit/SluggoServerTest.cpp unit/SluggoTestServer.cpp
  LABELS integration kvs LIBS jiffy_sluggo_server)
target_compile_definitions(sluggo_server PRIVATE JIFFY_TEST_SLUGGO="$<TARGET_FILE:jiffy-sluggo>")
add_dependencies(sluggo_server jiffy-sluggo)
