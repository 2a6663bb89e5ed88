# The REST API served from model files, over HTTP against a real jiffyd.
jiffy_cppunit_test(integration_models_sqlite SOURCES integration/ModelsApiTest.cpp integration/SqliteModelsApiSuite.cpp
  LABELS integration models)
