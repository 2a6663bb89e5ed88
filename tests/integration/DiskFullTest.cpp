// SQLite on a full disk: jiffyd answers 503 (not 413, not a crash), nothing
// acknowledged is lost or corrupted, and writes work again by themselves
// once there is room. The disk is a 3 MiB tmpfs mounted by the test (root
// only: without the mount the suite exits 77, which ctest reports as SKIP).
#include "support/ChildProcess.h"
#include "support/TestSupport.h"

#include <cppunit/extensions/HelperMacros.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <vector>

using jiffy::test::ChildProcess;
using jiffy::test::contains;
using jiffy::test::TempDir;

class DiskFullTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(DiskFullTest);
    CPPUNIT_TEST(testFullDiskIs503AndLosesNothing);
    CPPUNIT_TEST_SUITE_END();

    TempDir dir_;
    std::string mount_;

public:
    void setUp() override
    {
        mount_ = dir_.file("disk");
        std::system(("mkdir -p " + mount_).c_str());
        if (std::system(("mount -t tmpfs -o size=3m tmpfs " + mount_ + " 2>/dev/null").c_str()) != 0) {
            std::cerr << "SKIP: cannot mount a tmpfs (needs root)\n";
            std::exit(77);
        }
    }
    void tearDown() override { std::system(("umount " + mount_).c_str()); }

    void testFullDiskIs503AndLosesNothing()
    {
        const uint16_t port = jiffy::test::freePort();
        const std::string cfg = dir_.file("full.config.json");
        jiffy::test::writeFile(cfg, "{\"internal_address\": \"127.0.0.1:" + std::to_string(jiffy::test::freePort()) +
                                        "\", \"external_address\": \"127.0.0.1:" + std::to_string(port) +
                                        "\", \"database\": {\"db_dialect\": \"sqlite\", \"name\": \"" + mount_ +
                                        "/full.db\", \"synchronous\": \"NORMAL\"}, \"auth\": {\"enabled\": false}, "
                                        "\"logging\": {\"requests\": false}, \"routes\": [{\"plugin\": \"models\", "
                                        "\"model_files\": [\"" +
                                        jiffy::test::sourceDir() + "/config/models/library.json\"]}]}");
        auto p = std::make_unique<ChildProcess>(jiffy::test::jiffydBinary(), std::vector<std::string>{"--config", cfg},
                                                dir_.file("full.log"));
        CPPUNIT_ASSERT_MESSAGE(p->log(), jiffy::test::waitForHttp("127.0.0.1", port, "/readyz", 200, 20000));
        const std::string filler(4000, 'f');
        std::vector<std::string> acked;
        int status = 201;
        std::string body;
        for (int i = 0; i < 5000 && status == 201; ++i) { // 5000 × 4 KB is far more than 3 MiB
            auto r = jiffy::test::http("POST", "127.0.0.1", port, "/library",
                                       "{\"name\":\"n" + std::to_string(i) + filler + "\",\"city\":\"c\"}");
            status = r.status;
            body = r.body;
            if (status == 201) acked.push_back(std::to_string(i));
        }
        CPPUNIT_ASSERT_EQUAL_MESSAGE(body, 503, status);
        CPPUNIT_ASSERT_MESSAGE(body, !contains(body, "sqlite") && !contains(body, "INSERT"));
        CPPUNIT_ASSERT(!acked.empty());
        CPPUNIT_ASSERT_MESSAGE(p->log(), contains(p->log(), "full"));
        CPPUNIT_ASSERT_EQUAL(200, jiffy::test::http("GET", "127.0.0.1", port, "/healthz").status);
        // Room again: writes work without a restart.
        CPPUNIT_ASSERT_EQUAL(0, std::system(("mount -o remount,size=64m " + mount_).c_str()));
        auto again = jiffy::test::http("POST", "127.0.0.1", port, "/library", "{\"name\":\"after\",\"city\":\"c\"}");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(again.body, 201, again.status);
        // And after a restart every acknowledged row is there.
        p->signal(SIGTERM);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(p->log(), 0, p->wait(20000));
        p = std::make_unique<ChildProcess>(jiffy::test::jiffydBinary(), std::vector<std::string>{"--config", cfg},
                                           dir_.file("full2.log"));
        CPPUNIT_ASSERT_MESSAGE(p->log(), jiffy::test::waitForHttp("127.0.0.1", port, "/readyz", 200, 20000));
        auto count = jiffy::test::http("GET", "127.0.0.1", port, "/librarys/$count");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(count.body, std::to_string(acked.size() + 1), count.body);
        for (size_t i = 0; i < acked.size(); i += 25) {
            auto r = jiffy::test::http("GET", "127.0.0.1", port, "/librarys/name(EQ%20'n" + acked[i] + filler + "')");
            CPPUNIT_ASSERT_MESSAGE("row n" + acked[i] + " was acknowledged", contains(r.body, "\"city\":\"c\""));
        }
        p->signal(SIGTERM);
        p->wait(20000);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DiskFullTest);
