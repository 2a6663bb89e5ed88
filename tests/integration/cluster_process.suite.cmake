# Three real jiffyd on 127.0.0.2-4 with a real Redis: /cluster agreement, leader kill -9, restarts, cache sync.
jiffy_cppunit_test(integration_cluster_process SOURCES integration/ClusterProcessTest.cpp
                   LABELS integration cluster TIMEOUT 300)
