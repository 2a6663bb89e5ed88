# kvs/sluggo: the gob codec (no server).
jiffy_cppunit_test(unit_gob_codec SOURCES unit/GobCodecTest.cpp LABELS unit kvs LIBS jiffy_sluggo_protocol)
