# The real jiffyd binary as a process.
jiffy_cppunit_test(integration_jiffyd SOURCES integration/JiffydProcessTest.cpp LABELS integration)
# Secure defaults in env "prod": secrets, the admin password, TLS, SIGHUP (real jiffyd over HTTPS).
jiffy_cppunit_test(integration_security SOURCES integration/SecurityTest.cpp LABELS integration auth)
