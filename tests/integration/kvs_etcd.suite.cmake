# The KVS conformance suite and the fault tests against a real 3-member etcd
# cluster on loopback (etcd-server, etcd-client), plus jiffyd on etcd.
jiffy_cppunit_test(kvs_conformance_etcd SOURCES conformance/KvsConformanceTest.cpp integration/EtcdKvsSuite.cpp
                   LABELS integration kvs etcd)
