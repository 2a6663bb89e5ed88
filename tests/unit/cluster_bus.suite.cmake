# The cluster bus's wire format (decodeFrame, the fuzz entry point) and replay guard: no sockets.
jiffy_cppunit_test(unit_cluster_bus_frame SOURCES unit/BusFrameTest.cpp LABELS unit cluster)
