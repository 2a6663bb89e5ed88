# The models plugin's engine: model parsing, query language, JSON (no server).
jiffy_cppunit_test(unit_models SOURCES unit/ModelParserTest.cpp unit/ModelQueryTest.cpp LABELS unit models
  LIBS jiffy_models_core)
