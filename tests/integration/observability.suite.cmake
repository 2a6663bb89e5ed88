# Logging and /metrics of a real jiffyd (a 20,000-request 401 flood included).
jiffy_cppunit_test(integration_observability SOURCES integration/ObservabilityTest.cpp LABELS integration)
