# Logging (jiffy's switches, formats, repeat limiting, reload) and /metrics
# building blocks; no server.
jiffy_cppunit_test(unit_logging SOURCES unit/LoggingTest.cpp unit/LoggingConfigTest.cpp LABELS unit)
jiffy_cppunit_test(unit_metrics SOURCES unit/MetricsTest.cpp LABELS unit LIBS jiffy::plugin_common)
