# Suites that need no server.
jiffy_cppunit_test(unit_config SOURCES unit/ConfigLoaderTest.cpp unit/ConfigTableTest.cpp unit/EnvExpanderTest.cpp unit/EnvNumberTest.cpp LABELS unit)
jiffy_cppunit_test(unit_router SOURCES unit/RouterTest.cpp LABELS unit)
jiffy_cppunit_test(unit_plugin_loader SOURCES unit/PluginLoaderTest.cpp LABELS unit)
jiffy_cppunit_test(kvs_conformance_standalone SOURCES conformance/KvsConformanceTest.cpp unit/StandaloneKvsSuite.cpp LABELS unit kvs)
jiffy_cppunit_test(db_conformance_sqlite SOURCES conformance/DbConformanceTest.cpp unit/SqliteDbSuite.cpp LABELS unit db)
# The SDK contract: option defaults applied on both paths; sdk/README.md agrees with abi.h entry by entry.
jiffy_cppunit_test(unit_sdk_contract SOURCES unit/OptionDefaultsTest.cpp unit/SdkContractTest.cpp LABELS unit)
