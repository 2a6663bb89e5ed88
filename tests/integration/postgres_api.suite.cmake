# The REST API and auth suites against a real PostgreSQL started by the harness.
jiffy_cppunit_test(integration_models_postgres
  SOURCES integration/ModelsApiTest.cpp integration/PostgresModelsApiSuite.cpp LABELS integration models postgres)
jiffy_cppunit_test(integration_auth_postgres
  SOURCES integration/AuthApiTest.cpp integration/PostgresAuthApiSuite.cpp LABELS integration auth postgres)
# PostgreSQL stopped and started under HTTP load: 503 while down, recovery without a restart, nothing acknowledged lost.
jiffy_cppunit_test(integration_postgres_fault SOURCES integration/PostgresFaultSuite.cpp LABELS integration postgres)
