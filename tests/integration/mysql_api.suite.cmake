# The DB conformance suite, the REST API and the auth suites against a real
# MariaDB started by the harness (mariadb-install-db on a free loopback port).
jiffy_cppunit_test(db_conformance_mysql SOURCES conformance/DbConformanceTest.cpp conformance/DbServerTest.cpp integration/MariadbDbSuite.cpp
  LABELS integration db mysql)
jiffy_cppunit_test(integration_models_mysql
  SOURCES integration/ModelsApiTest.cpp integration/MariadbModelsApiSuite.cpp LABELS integration models mysql)
jiffy_cppunit_test(integration_auth_mysql
  SOURCES integration/AuthApiTest.cpp integration/MariadbAuthApiSuite.cpp LABELS integration auth mysql)
