// What `jiffyd --check-config` suites share: a models config on a given
// database, one real start, a check run, and the refused-migration scenario
// every database backend passes.
#pragma once

#include "support/ChildProcess.h"
#include "support/JiffydRunner.h"
#include "support/TestSupport.h"

#include <cppunit/TestAssert.h>

#include <csignal>
#include <functional>
#include <string>

namespace jiffy::test {

class CheckConfigRunner {
public:
    explicit CheckConfigRunner(TempDir& dir) : dir_(dir) {}

    static std::string models() { return sourceDir() + "/tests/data/models/"; }

    /// Writes config `name` serving `modelFile` on `databaseJson`; `auth` is the auth section.
    std::string config(const std::string& name, const std::string& databaseJson, const std::string& modelFile,
                       const std::string& auth = "\"auth\": {\"enabled\": false}")
    {
        std::string file = dir_.file(name);
        port_ = freePort();
        writeFile(file, "{\"internal_address\": \"127.0.0.1:" + std::to_string(jiffy::test::freePort()) +
                            "\", \n  \"external_address\": \"127.0.0.1:" + std::to_string(port_) +
                            "\",\n  \"database\": " + databaseJson + ",\n  " + auth +
                            ",\n  \"routes\": [{\"plugin\": \"models\", \"model_files\": [\"" + modelFile +
                            "\"]}]\n}\n");
        return file;
    }

    /// Starts jiffyd on the last written config until /readyz, then stops it.
    void startOnce(const std::string& cfg)
    {
        ChildProcess p(jiffydBinary(), {"--config", cfg}, dir_.file("start.log"));
        CPPUNIT_ASSERT_MESSAGE(p.log(), waitForHttp("127.0.0.1", port_, "/readyz", 200, 30000));
        p.signal(SIGTERM);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(p.log(), 0, p.wait(20000));
    }

    int check(const std::string& cfg, std::string& out)
    {
        return runJiffydToEnd({"--check-config", "--config", cfg}, dir_.file("check.log"), out);
    }

    /// A start creates v1; the checks of v1 and v2 pass, a refused type
    /// change fails naming the migration, and `snapshot` (the database's
    /// content as text) is the same before and after the checks.
    void refusedMigrationFoundWithoutWriting(const std::string& databaseJson,
                                             const std::function<std::string()>& snapshot)
    {
        startOnce(config("v1.json", databaseJson, models() + "library_v1.json"));
        const std::string before = snapshot();
        std::string out;
        {
            int rc = check(dir_.file("v1.json"), out);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 0, rc);
        }
        {
            int rc = check(config("unsafe.json", databaseJson, models() + "library_unsafe_type.json"), out);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 78, rc);
        }
        CPPUNIT_ASSERT_MESSAGE(out, contains(out, "would refuse the schema migration"));
        CPPUNIT_ASSERT_MESSAGE(out, !contains(out, "configuration OK"));
        {
            int rc = check(config("v2.json", databaseJson, models() + "library_v2.json"), out);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 0, rc);
        }
        CPPUNIT_ASSERT_EQUAL(before, snapshot());
    }

private:
    TempDir& dir_;
    uint16_t port_ = 0;
};

} // namespace jiffy::test
