# The cluster bus (host/cluster/bus) over real sockets on 127.0.0.x: delivery, hostile frames, stuck peers.
jiffy_cppunit_test(integration_cluster_bus SOURCES integration/TcpBusTest.cpp LABELS integration cluster TIMEOUT 300)
