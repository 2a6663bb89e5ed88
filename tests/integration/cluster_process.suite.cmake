# Three real jiffyd on 127.0.0.2-4 with a real Redis (every case) and jiffy-sluggo (forming, kill -9 of the
# leader, no weak-safety warning): /cluster agreement, kill -9 and SIGSTOP of the leader and of a member,
# ten restarts, the KVS stopped, cache sync, hostile frames on the bus port.
jiffy_cppunit_test(integration_cluster_process SOURCES integration/ClusterProcessTest.cpp
                   LABELS integration cluster TIMEOUT 600 LIBS jiffy_cluster_processes)
# One member cut off from the other two by iptables DROP rules on the loopback, then healed: FAILED, then
# ALIVE again with a higher incarnation. Needs root and iptables (scripts/deps.sh); SKIP otherwise.
jiffy_cppunit_test(integration_cluster_partition SOURCES integration/ClusterPartitionTest.cpp
                   LABELS integration cluster partition TIMEOUT 300 LIBS jiffy_cluster_processes)
set_tests_properties(integration_cluster_partition PROPERTIES SKIP_RETURN_CODE 77)
