# The real jiffyd binary as a process.
jiffy_cppunit_test(integration_jiffyd SOURCES integration/JiffydProcessTest.cpp LABELS integration)
