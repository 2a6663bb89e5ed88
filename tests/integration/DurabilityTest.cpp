// Nothing acknowledged is lost: writers POST to a real jiffyd on SQLite
// (group commit, synchronous NORMAL and FULL), the process is killed with
// SIGKILL in the middle of the load, and after a restart every row that was
// answered 201 is there with its content.
#include "support/ChildProcess.h"
#include "support/TestSupport.h"

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <mutex>
#include <thread>
#include <vector>

using jiffy::test::ChildProcess;
using jiffy::test::contains;
using jiffy::test::TempDir;

class DurabilityTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(DurabilityTest);
    CPPUNIT_TEST(testAcknowledgedWritesSurviveSigkillNormal);
    CPPUNIT_TEST(testAcknowledgedWritesSurviveSigkillFull);
    CPPUNIT_TEST_SUITE_END();

    TempDir dir_;

    void run(const std::string& sync)
    {
        const uint16_t port = jiffy::test::freePort();
        const std::string cfg = dir_.file(sync + ".config.json");
        jiffy::test::writeFile(cfg, "{\"internal_address\": \"127.0.0.1:" + std::to_string(jiffy::test::freePort()) +
                                        "\", \"external_address\": \"127.0.0.1:" + std::to_string(port) +
                                        "\", \"database\": {\"db_dialect\": \"sqlite\", \"name\": \"" +
                                        dir_.file(sync + ".db") + "\", \"synchronous\": \"" + sync +
                                        "\"}, \"auth\": {\"enabled\": false}, \"logging\": {\"requests\": false}, "
                                        "\"routes\": [{\"plugin\": \"models\", \"model_files\": [\"" +
                                        jiffy::test::sourceDir() + "/config/models/library.json\"]}]}");
        struct Acked {
            std::string id, name;
        };
        std::mutex m;
        std::vector<Acked> acked;
        std::atomic<bool> stop{false};
        std::atomic<int> cutOff{0}; // writers whose request the kill interrupted
        {
            ChildProcess p(jiffy::test::jiffydBinary(), {"--config", cfg}, dir_.file(sync + ".log"));
            CPPUNIT_ASSERT_MESSAGE(p.log(), jiffy::test::waitForHttp("127.0.0.1", port, "/readyz", 200, 20000));
            std::vector<std::thread> writers;
            for (int w = 0; w < 8; ++w)
                writers.emplace_back([&, w] {
                    // Bounded: at most 2000 requests per writer, and none after the kill.
                    for (int i = 0; i < 2000 && !stop; ++i) {
                        std::string name = "w" + std::to_string(w) + "-" + std::to_string(i);
                        auto r = jiffy::test::http("POST", "127.0.0.1", port, "/library",
                                                   "{\"name\":\"" + name + "\",\"city\":\"c\"}",
                                                   {{"Content-Type", "application/json"}}, 5000);
                        if (r.status == 0) { // the process is gone
                            ++cutOff;
                            break;
                        }
                        if (r.status != 201) continue;
                        const int64_t n = jiffy::test::idOf(r.body);
                        if (n < 0) continue;
                        std::string id = std::to_string(n);
                        std::lock_guard<std::mutex> lock(m);
                        acked.push_back({id, name});
                    }
                });
            // Kill in the middle of the load: once enough writes were acknowledged.
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
            for (;;) {
                {
                    std::lock_guard<std::mutex> lock(m);
                    if (acked.size() >= 300) break;
                }
                CPPUNIT_ASSERT_MESSAGE("too few writes acknowledged within 60 s: " + p.log(),
                                       std::chrono::steady_clock::now() < deadline);
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            }
            p.signal(SIGKILL);
            p.wait(10000);
            stop = true;
            for (auto& t : writers) t.join();
        }
        CPPUNIT_ASSERT_MESSAGE("the kill came after the load", cutOff > 0);
        ChildProcess again(jiffy::test::jiffydBinary(), {"--config", cfg}, dir_.file(sync + "-2.log"));
        CPPUNIT_ASSERT_MESSAGE(again.log(), jiffy::test::waitForHttp("127.0.0.1", port, "/readyz", 200, 20000));
        for (const Acked& a : acked) {
            auto r = jiffy::test::http("GET", "127.0.0.1", port, "/library/" + a.id);
            // jiffy answers a read by id with 201.
            CPPUNIT_ASSERT_EQUAL_MESSAGE("library " + a.id + " (" + a.name + ") was acknowledged", 201, r.status);
            CPPUNIT_ASSERT_MESSAGE(r.body, contains(r.body, "\"name\":\"" + a.name + "\""));
        }
    }

public:
    void testAcknowledgedWritesSurviveSigkillNormal() { run("NORMAL"); }
    void testAcknowledgedWritesSurviveSigkillFull() { run("FULL"); }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DurabilityTest);
