// Numbers from the environment: containers set ports and sizes through
// "${VAR}", so after expansion a string holding a number is accepted where the
// host or a plugin option expects a number, and refused with the key's path
// when it holds anything else.
#include "config/ConfigLoader.h"
#include "config/FieldReader.h"
#include "plugins/OptionValidator.h"
#include "plugins/PluginLoader.h"
#include "support/TestSupport.h"

#include <cppunit/extensions/HelperMacros.h>

using jiffy::host::Config;
using jiffy::host::ConfigError;
using jiffy::host::ConfigLoader;

namespace {

jiffy::host::EnvLookup envOf(std::map<std::string, std::string> vars)
{
    return [vars](const std::string& n) -> std::optional<std::string> {
        auto it = vars.find(n);
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

std::string loadError(const std::string& text, const jiffy::host::EnvLookup& env)
{
    try {
        ConfigLoader(env).loadText(text, "t.json", "/tmp");
    } catch (const ConfigError& e) {
        return e.message();
    }
    return "";
}

} // namespace

class EnvNumberTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(EnvNumberTest);
    CPPUNIT_TEST(testIntegerStringsAreParsedStrictly);
    CPPUNIT_TEST(testNumberStringsAreParsedStrictly);
    CPPUNIT_TEST(testHostIntegerFromEnvironmentIsAccepted);
    CPPUNIT_TEST(testHostIntegerFromEnvironmentKeepsRangeCheck);
    CPPUNIT_TEST(testHostNonNumberFromEnvironmentNamesItsPath);
    CPPUNIT_TEST(testPluginOptionsFromEnvironmentAreConverted);
    CPPUNIT_TEST(testPluginOptionNonNumberNamesItsPath);
    CPPUNIT_TEST_SUITE_END();

public:
    void testIntegerStringsAreParsedStrictly()
    {
        int64_t x = 0;
        CPPUNIT_ASSERT(jiffy::host::integerFromString("25432", x));
        CPPUNIT_ASSERT_EQUAL(int64_t(25432), x);
        CPPUNIT_ASSERT(jiffy::host::integerFromString("-7", x));
        CPPUNIT_ASSERT_EQUAL(int64_t(-7), x);
        for (const char* bad : {"", "-", "x", "12x", " 12", "12 ", "+12", "1.5", "0x10", "99999999999999999999"})
            CPPUNIT_ASSERT_MESSAGE(bad, !jiffy::host::integerFromString(bad, x));
    }

    void testNumberStringsAreParsedStrictly()
    {
        double d = 0;
        CPPUNIT_ASSERT(jiffy::host::numberFromString("1.5", d));
        CPPUNIT_ASSERT_DOUBLES_EQUAL(1.5, d, 1e-12);
        CPPUNIT_ASSERT(jiffy::host::numberFromString("-2e3", d));
        CPPUNIT_ASSERT_DOUBLES_EQUAL(-2000.0, d, 1e-9);
        for (const char* bad : {"", "x", " 1", "1 ", "+1", "inf", "nan", "0x1p3", "1e999"})
            CPPUNIT_ASSERT_MESSAGE(bad, !jiffy::host::numberFromString(bad, d));
    }

    void testHostIntegerFromEnvironmentIsAccepted()
    {
        Config c = ConfigLoader(envOf({{"LIFETIME", "45"}}))
                       .loadText(R"({"jwt_lifetime": "${LIFETIME}", "ping_cycle": "${PING:-3}",
                                     "http": {"max_threads": "${THREADS:-8}"}})",
                                 "t.json", "/tmp");
        CPPUNIT_ASSERT_EQUAL(uint32_t(45), c.jwtLifetimeMinutes);
        CPPUNIT_ASSERT_EQUAL(3, static_cast<int>(c.pingCycle));
        CPPUNIT_ASSERT_EQUAL(8, static_cast<int>(c.http.maxThreads));
    }

    void testHostIntegerFromEnvironmentKeepsRangeCheck()
    {
        std::string m = loadError(R"({"http": {"max_threads": "${THREADS}"}})", envOf({{"THREADS", "-4"}}));
        CPPUNIT_ASSERT_MESSAGE(m, jiffy::test::contains(m, "http.max_threads: expected an integer from"));
        CPPUNIT_ASSERT_MESSAGE(m, jiffy::test::contains(m, "got -4"));
    }

    void testHostNonNumberFromEnvironmentNamesItsPath()
    {
        std::string m = loadError(R"({"ping_cycle": "${PING}"})", envOf({{"PING", "fast"}}));
        CPPUNIT_ASSERT_EQUAL(std::string("t.json: ping_cycle: expected an integer, got string \"fast\""), m);
        m = loadError(R"({"jwt_lifetime": "${LT:-}"})", envOf({}));
        CPPUNIT_ASSERT_EQUAL(std::string("t.json: jwt_lifetime: expected an integer, got string \"\""), m);
    }

    void testPluginOptionsFromEnvironmentAreConverted()
    {
        Config c = ConfigLoader(envOf({{"POOL", "3"}, {"WAL", "false"}}))
                       .loadText(R"({"database": {"db_dialect": "sqlite", "pool_size": "${POOL}", "wal": "${WAL}"}})",
                                 "t.json", "/tmp");
        jiffy::host::PluginLoader loader({JIFFY_TEST_PLUGIN_DIR});
        auto lib = loader.load(JIFFY_KIND_DB, "sqlite", "/tmp");
        CPPUNIT_ASSERT(lib);
        std::vector<jiffy::host::ConfigIssue> issues;
        std::vector<std::string> warnings;
        auto applied = jiffy::host::applyOptions(*lib, c.database.raw, "database", c, {"db_dialect"}, issues, warnings);
        CPPUNIT_ASSERT(issues.empty());
        Poco::Dynamic::Var pool = applied->get("pool_size");
        CPPUNIT_ASSERT(pool.isInteger() && !pool.isString());
        CPPUNIT_ASSERT_EQUAL(3, pool.convert<int>());
        Poco::Dynamic::Var wal = applied->get("wal");
        CPPUNIT_ASSERT(wal.type() == typeid(bool));
        CPPUNIT_ASSERT(!wal.extract<bool>());
    }

    void testPluginOptionNonNumberNamesItsPath()
    {
        Config c = ConfigLoader(envOf({{"POOL", "x"}, {"WAL", "yes"}}))
                       .loadText(R"({"database": {"db_dialect": "sqlite", "pool_size": "${POOL}", "wal": "${WAL}"}})",
                                 "t.json", "/tmp");
        jiffy::host::PluginLoader loader({JIFFY_TEST_PLUGIN_DIR});
        auto lib = loader.load(JIFFY_KIND_DB, "sqlite", "/tmp");
        CPPUNIT_ASSERT(lib);
        std::vector<jiffy::host::ConfigIssue> issues;
        std::vector<std::string> warnings;
        jiffy::host::applyOptions(*lib, c.database.raw, "database", c, {"db_dialect"}, issues, warnings);
        CPPUNIT_ASSERT_EQUAL(size_t(2), issues.size());
        CPPUNIT_ASSERT_EQUAL(std::string("database.pool_size"), issues[0].path);
        CPPUNIT_ASSERT_EQUAL(std::string("expected an integer, got string \"x\""), issues[0].message);
        CPPUNIT_ASSERT_EQUAL(std::string("database.wal"), issues[1].path);
        CPPUNIT_ASSERT_EQUAL(std::string("expected true or false, got string \"yes\""), issues[1].message);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(EnvNumberTest);
