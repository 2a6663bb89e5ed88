# The console route plugin over HTTP on a real jiffyd: types, security headers, no traversal, ETags.
jiffy_cppunit_test(integration_console SOURCES integration/ConsoleHttpTest.cpp LABELS integration)
