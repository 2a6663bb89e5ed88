# The REST API and auth suites against a real PostgreSQL started by the harness.
jiffy_cppunit_test(integration_models_postgres
  SOURCES integration/ModelsApiTest.cpp integration/PostgresModelsApiSuite.cpp LABELS integration models postgres)
jiffy_cppunit_test(integration_auth_postgres
  SOURCES integration/AuthApiTest.cpp integration/PostgresAuthApiSuite.cpp LABELS integration auth postgres)
