// The conformance suite against the in-process local_standalone store.
#include "conformance/KvsConformanceTest.h"

#include "plugins/PluginErrors.h"

class StandaloneKvsTest : public KvsConformanceTest {
    CPPUNIT_TEST_SUB_SUITE(StandaloneKvsTest, KvsConformanceTest);
    JIFFY_KVS_TTL_TESTS();
    CPPUNIT_TEST(testMaxKeysRefusesNewKeysWhenFull);
    CPPUNIT_TEST_SUITE_END();

public:
    void testMaxKeysRefusesNewKeysWhenFull()
    {
        auto small = harness_.kvs(jiffy::test::pluginFile("kvs", "standalone"), R"({"max_keys": 2})");
        small->set("a", "1");
        small->set("b", "2");
        small->set("a", "3"); // replacing is fine
        try {
            small->set("c", "x");
            CPPUNIT_FAIL("a full store accepted a new key");
        } catch (const jiffy::host::PluginCallError& e) {
            CPPUNIT_ASSERT_EQUAL(int{JIFFY_TOO_LARGE}, static_cast<int>(e.status()));
        }
        CPPUNIT_ASSERT(small->remove("a"));
        small->set("c", "x");
    }

protected:
    std::unique_ptr<jiffy::host::KvsInstance> makeStore() override
    {
        return harness_.kvs(jiffy::test::pluginFile("kvs", "standalone"), "{}");
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(StandaloneKvsTest);
