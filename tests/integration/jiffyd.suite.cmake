# The real jiffyd binary as a process.
jiffy_cppunit_test(integration_jiffyd SOURCES integration/JiffydProcessTest.cpp LABELS integration)
# Secure defaults in env "prod": secrets, the admin password, TLS, SIGHUP (real jiffyd over HTTPS).
jiffy_cppunit_test(integration_security SOURCES integration/SecurityTest.cpp LABELS integration auth)
# GET /openapi.json validates as OpenAPI 3 (Redocly's recommended rules; SKIP when the linter is missing).
add_test(NAME integration_openapi_lint
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/integration/openapi_lint.sh $<TARGET_FILE:jiffyd> ${PROJECT_SOURCE_DIR})
set_tests_properties(integration_openapi_lint PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120 LABELS "integration")
# --check-config checks what the start checks (models, migrations, SQLite directory, keys), writing nothing.
jiffy_cppunit_test(integration_check_config SOURCES integration/CheckConfigTest.cpp LABELS integration)
jiffy_cppunit_test(integration_check_config_postgres SOURCES integration/CheckConfigPostgresSuite.cpp
  LABELS integration postgres)
# Acknowledged writes survive SIGKILL under load (SQLite group commit, synchronous NORMAL and FULL).
jiffy_cppunit_test(integration_durability SOURCES integration/DurabilityTest.cpp LABELS integration models)
# Slow clients (slowloris from 127.0.0.2): per-address connection limit and request-head timeout.
jiffy_cppunit_test(integration_slow_clients SOURCES integration/SlowClientTest.cpp LABELS integration)
# SQLite on a full disk (a tmpfs the test mounts; SKIP without root): 503, nothing lost, recovers by itself.
jiffy_cppunit_test(integration_disk_full SOURCES integration/DiskFullTest.cpp LABELS integration models)
set_tests_properties(integration_disk_full PROPERTIES SKIP_RETURN_CODE 77)
