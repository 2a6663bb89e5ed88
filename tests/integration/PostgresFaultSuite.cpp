// PostgreSQL stopped and started again under HTTP load: while it is down
// requests fail fast with 503 (no hang, no crash), once it is back they
// succeed again without restarting jiffyd, and every write that was
// answered 201 is there afterwards.
#include "support/ChildProcess.h"
#include "support/TestServers.h"
#include "support/TestSupport.h"

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

using jiffy::test::ChildProcess;
using jiffy::test::contains;

class PostgresFaultTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(PostgresFaultTest);
    CPPUNIT_TEST(testRestartUnderLoadIs503ThenRecoversAndLosesNothing);
    CPPUNIT_TEST_SUITE_END();

    jiffy::test::TempDir dir_;
    jiffy::test::PostgresServer pg_;

public:
    void testRestartUnderLoadIs503ThenRecoversAndLosesNothing()
    {
        pg_.start();
        const uint16_t port = jiffy::test::freePort();
        const std::string cfg = dir_.file("pg.config.json");
        jiffy::test::writeFile(cfg, "{\"internal_address\": \"127.0.0.1:" + std::to_string(jiffy::test::freePort()) +
                                        "\", \"external_address\": \"127.0.0.1:" + std::to_string(port) +
                                        "\", \"database\": " + pg_.databaseConfig() +
                                        ", \"auth\": {\"enabled\": false}, \"logging\": {\"requests\": false}, "
                                        "\"routes\": [{\"plugin\": \"models\", \"model_files\": [\"" +
                                        jiffy::test::sourceDir() + "/config/models/library.json\"]}]}");
        ChildProcess p(jiffy::test::jiffydBinary(), {"--config", cfg}, dir_.file("pg.log"));
        CPPUNIT_ASSERT_MESSAGE(p.log(), jiffy::test::waitForHttp("127.0.0.1", port, "/readyz", 200, 30000));

        std::mutex m;
        std::vector<std::pair<std::string, std::string>> acked; // id, name
        std::atomic<int> unavailable{0}, other{0}, okSinceRestart{0};
        std::atomic<bool> restarted{false}, stop{false};
        std::string otherBody;
        std::vector<std::thread> writers;
        for (int w = 0; w < 6; ++w)
            writers.emplace_back([&, w] {
                for (int i = 0; i < 20000 && !stop; ++i) { // bounded in count; the test stops them much earlier
                    std::string name = "w" + std::to_string(w) + "-" + std::to_string(i);
                    auto r = jiffy::test::http("POST", "127.0.0.1", port, "/library",
                                               "{\"name\":\"" + name + "\",\"city\":\"c\"}", {}, 15000);
                    if (r.status == 201) {
                        std::string id = std::to_string(jiffy::test::idOf(r.body));
                        std::lock_guard<std::mutex> lock(m);
                        acked.emplace_back(id, name);
                        if (restarted) ++okSinceRestart;
                    } else if (r.status == 503) {
                        ++unavailable;
                        std::this_thread::sleep_for(std::chrono::milliseconds(20));
                    } else {
                        std::lock_guard<std::mutex> lock(m);
                        ++other;
                        if (otherBody.empty()) otherBody = std::to_string(r.status) + " " + r.body;
                    }
                }
            });
        auto waitFor = [&](const std::function<bool()>& cond, const char* what) {
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
            while (!cond()) {
                if (std::chrono::steady_clock::now() > deadline) {
                    stop = true;
                    for (auto& t : writers) t.join();
                    CPPUNIT_FAIL(std::string("waited 60 s for ") + what + "\n" + p.log());
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
        };
        waitFor(
            [&] {
                std::lock_guard<std::mutex> l(m);
                return acked.size() >= 200;
            },
            "200 writes before the stop");
        pg_.stop();
        waitFor([&] { return unavailable >= 20; }, "20 answers of 503 while PostgreSQL is down");
        pg_.start();
        restarted = true;
        waitFor([&] { return okSinceRestart >= 100; }, "100 writes after PostgreSQL came back");
        stop = true;
        for (auto& t : writers) t.join();
        CPPUNIT_ASSERT_MESSAGE(otherBody, other == 0);
        CPPUNIT_ASSERT(p.running());
        for (const auto& [id, name] : acked) {
            auto r = jiffy::test::http("GET", "127.0.0.1", port, "/library/" + id);
            // jiffy answers a read by id with 201.
            CPPUNIT_ASSERT_EQUAL_MESSAGE("library " + id + " (" + name + ") was acknowledged", 201, r.status);
            CPPUNIT_ASSERT_MESSAGE(r.body, contains(r.body, "\"name\":\"" + name + "\""));
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PostgresFaultTest);
