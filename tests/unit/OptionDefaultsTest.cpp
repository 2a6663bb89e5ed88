// The option table is the one place a plugin states a default: the host
// applies it before create() and before check() (`jiffyd --check-config`),
// so the SDK's Host::option*() accessors take no fallback. These run the
// real paths (PluginRegistry::start and ::check) with a plugin that reads
// every option through those accessors.
#include "config/ConfigLoader.h"
#include "plugins/PluginErrors.h"
#include "plugins/PluginRegistry.h"
#include "support/TestSupport.h"

#include <cppunit/extensions/HelperMacros.h>

#include <string>
#include <vector>

using jiffy::test::contains;

class OptionDefaultsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(OptionDefaultsTest);
    CPPUNIT_TEST(testCreateSeesTheTableDefaults);
    CPPUNIT_TEST(testCheckSeesTheTableDefaults);
    CPPUNIT_TEST(testGivenValuesReplaceTheDefaults);
    CPPUNIT_TEST(testNullTakesTheDefault);
    CPPUNIT_TEST(testReadingAnOptionWithoutDefaultNamesIt);
    CPPUNIT_TEST_SUITE_END();

public:
    void testCreateSeesTheTableDefaults()
    {
        jiffy::host::Config c = config("");
        jiffy::host::PluginLoader loader({JIFFY_TEST_PLUGIN_DIR});
        jiffy::host::HostServices services;
        jiffy::host::PluginRegistry registry(c, loader, services);
        std::vector<std::string> warnings;
        registry.start(warnings);
        CPPUNIT_ASSERT_EQUAL(size_t(1), registry.routes().size());
        jiffy_request req;
        jiffy_response resp;
        jiffy::host::CallError err;
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_OK}, static_cast<int>(registry.routes()[0]->handle(1, &req, &resp, err.get())));
        CPPUNIT_ASSERT_EQUAL(defaults(), resp.body);
    }

    void testCheckSeesTheTableDefaults()
    {
        // The plugin's check() refuses with what it read: that is the report.
        CPPUNIT_ASSERT_EQUAL("routes[0] (routes/defaults): saw " + defaults(), checkProblems(""));
    }

    void testGivenValuesReplaceTheDefaults()
    {
        // "12" as a string, as ${VAR} gives it: the host converts it for the INT option.
        std::string p = checkProblems(R"(, "word": "given", "count": "12", "flag": false, "words": [], "file": "/x")");
        CPPUNIT_ASSERT_EQUAL(std::string("routes[0] (routes/defaults): saw word=given count=12 flag=false words=[] "
                                         "file=/x"),
                             p);
    }

    void testNullTakesTheDefault()
    {
        CPPUNIT_ASSERT_EQUAL("routes[0] (routes/defaults): saw " + defaults(),
                             checkProblems(R"(, "word": null, "count": null, "words": null)"));
    }

    void testReadingAnOptionWithoutDefaultNamesIt()
    {
        std::string p = checkProblems(R"(, "read_nodefault": true)");
        CPPUNIT_ASSERT_EQUAL(std::string("routes[0] (routes/defaults): nodefault: no value, and the plugin's option "
                                         "table declares neither a default nor `required` for it (a bug of the "
                                         "plugin)"),
                             p);
        // Given a value, the same read works.
        p = checkProblems(R"(, "read_nodefault": true, "nodefault": "here")");
        CPPUNIT_ASSERT_MESSAGE(p, contains(p, " nodefault=here"));
    }

private:
    jiffy::test::TempDir dir_;

    /// What the plugin reads when the config gives none of its options.
    std::string defaults() const
    {
        return "word=plain count=7 flag=true words=[\"a\",\"b\"] file=" + dir_.file("data.txt");
    }

    /// A config with the test plugin as its only route entry, plus `extra` keys of that entry.
    jiffy::host::Config config(const std::string& extra) const
    {
        const std::string text = R"({"database": {"db_dialect": "sqlite", "name": ")" + dir_.file("jiffy.db") +
                                 R"("}, "routes": [{"plugin": ")" + jiffy::test::testPluginFile("routes", "defaults") +
                                 "\"" + extra + "}]}";
        return jiffy::host::ConfigLoader().loadText(text, dir_.file("t.json"), dir_.path());
    }

    /// The problems `--check-config` reports for config(extra), one per line.
    std::string checkProblems(const std::string& extra) const
    {
        jiffy::host::Config c = config(extra);
        jiffy::host::PluginLoader loader({JIFFY_TEST_PLUGIN_DIR});
        jiffy::host::HostServices services;
        jiffy::host::PluginRegistry registry(c, loader, services);
        std::vector<std::string> warnings;
        std::string out;
        for (const std::string& p : registry.check(warnings)) out += (out.empty() ? "" : "\n") + p;
        return out;
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(OptionDefaultsTest);
