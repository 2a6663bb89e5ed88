# Cluster logic (host/cluster/): codec, membership, lease, whole nodes in virtual time. No servers.
jiffy_cppunit_test(unit_cluster
  SOURCES unit/cluster/ClusterMessageTest.cpp unit/cluster/MembershipTest.cpp unit/cluster/LeaderLeaseTest.cpp
          unit/cluster/ClusterNodeTest.cpp unit/cluster/KvsClusterStoreTest.cpp
  LABELS unit cluster LIBS jiffy_cluster_sim)
