// An unmodified jiffyd with the out-of-tree example KVS (libjiffy-kvs-files.so,
// built by the fixture custom_kvs_example) configured by path, as the SDK
// README tells a plugin author to do.
#include "support/ChildProcess.h"
#include "support/JiffydRunner.h"
#include "support/TestSupport.h"

#include <cppunit/extensions/HelperMacros.h>

#include <jiffy/abi.h>

#include <csignal>
#include <cstdio>
#include <sys/stat.h>

using jiffy::test::contains;

using jiffy::test::ChildProcess;
using jiffy::test::TempDir;

namespace {

const std::string kPlugin = JIFFY_EXAMPLE_KVS_PLUGIN;

bool exists(const std::string& path)
{
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

/// A config whose active KVS is the example; `kvsOptions` goes inside its entry.
std::string configWith(uint16_t port, const std::string& dbFile, const std::string& kvsOptions)
{
    return "{\n  \"external_address\": \"127.0.0.1:" + std::to_string(port) +
           "\",\n  \"internal_address\": \"127.0.0.1:" + std::to_string(jiffy::test::freePort()) +
           "\",\n  \"database\": {\"db_dialect\": \"sqlite\", \"name\": \"" + dbFile +
           "\"},\n  \"logging\": {\"colorMsgTypes\": false},\n  \"auth\": {\"enabled\": false},\n" +
           "  \"group_leader_kvs\": {\n" + "    \"local_standalone\": {\"active\": false},\n" +
           "    \"mykvs\": {\"active\": true, \"plugin\": \"" + kPlugin + "\"" + kvsOptions + "}\n  }\n}\n";
}

} // namespace

class CustomKvsJiffydTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(CustomKvsJiffydTest);
    CPPUNIT_TEST(testReadyzReportsTheCustomKvs);
    CPPUNIT_TEST(testListPluginsShowsItAndItsOptions);
    CPPUNIT_TEST(testCheckConfigAcceptsIt);
    CPPUNIT_TEST(testMissingDirectoryIsNamedByItsPath);
    CPPUNIT_TEST_SUITE_END();

    TempDir dir_;

    int runToEnd(const std::vector<std::string>& args, std::string& output)
    {
        return jiffy::test::runJiffydToEnd(args, dir_.file("once.log"), output);
    }

    std::string writeConfig(const std::string& name, const std::string& kvsOptions)
    {
        std::string cfg = dir_.file(name);
        jiffy::test::writeFile(cfg, configWith(jiffy::test::freePort(), dir_.file(name + ".db"), kvsOptions));
        return cfg;
    }

public:
    void testReadyzReportsTheCustomKvs()
    {
        uint16_t port = jiffy::test::freePort();
        std::string cfg = dir_.file("ready.config.json");
        // A relative directory: JIFFY_OPT_PATH makes it relative to the config file.
        jiffy::test::writeFile(cfg, configWith(port, dir_.file("ready.db"), R"(, "directory": "kvs-data")"));
        ChildProcess p(jiffy::test::jiffydBinary(), {"--config", cfg}, dir_.file("ready.log"));
        CPPUNIT_ASSERT_MESSAGE(p.log(), jiffy::test::waitForHttp("127.0.0.1", port, "/healthz", 200, 15000));

        auto ready = jiffy::test::http("GET", "127.0.0.1", port, "/readyz");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(ready.body, 200, ready.status);
        CPPUNIT_ASSERT_MESSAGE(ready.body, contains(ready.body, "\"kvs/files\":\"ok\""));
        CPPUNIT_ASSERT_MESSAGE(ready.body, !contains(ready.body, "kvs/standalone"));
        CPPUNIT_ASSERT(exists(dir_.file("kvs-data/FORMAT")));
        CPPUNIT_ASSERT(exists(dir_.file("kvs-data/data")));

        p.signal(SIGTERM);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(p.log(), 0, p.wait(15000));
    }

    void testListPluginsShowsItAndItsOptions()
    {
        std::string cfg = writeConfig("list.config.json", R"(, "directory": "list-data")");
        std::string out;
        CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 0, runToEnd({"--list-plugins", "--config", cfg}, out));
        CPPUNIT_ASSERT_MESSAGE(out,
                               contains(out, "files          kvs     1.0.0     " + std::to_string(JIFFY_ABI_MAJOR) +
                                                 "." + std::to_string(JIFFY_ABI_MINOR) + "   " + kPlugin));
        CPPUNIT_ASSERT_MESSAGE(out, contains(out, "directory"));
        CPPUNIT_ASSERT_MESSAGE(out, contains(out, "(required)"));
        CPPUNIT_ASSERT_MESSAGE(out, contains(out, "lock_timeout_ms"));
    }

    void testCheckConfigAcceptsIt()
    {
        std::string cfg = writeConfig("check.config.json", R"(, "directory": "check-data", "sync": false)");
        std::string out;
        CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 0, runToEnd({"--check-config", "--config", cfg}, out));
        CPPUNIT_ASSERT_MESSAGE(out, contains(out, "configuration OK"));
        CPPUNIT_ASSERT_MESSAGE(out, !contains(out, "warning"));
        // Checking validates options only: no instance is made, no store created.
        CPPUNIT_ASSERT(!exists(dir_.file("check-data")));
    }

    void testMissingDirectoryIsNamedByItsPath()
    {
        std::string cfg = writeConfig("nodir.config.json", "");
        std::string out;
        CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 78, runToEnd({"--check-config", "--config", cfg}, out));
        CPPUNIT_ASSERT_MESSAGE(out, contains(out, "group_leader_kvs.mykvs.directory: required"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CustomKvsJiffydTest);
