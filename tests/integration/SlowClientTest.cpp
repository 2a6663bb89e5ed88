// Slow clients do not take the server from everybody else: connections from
// one address that trickle their request head (slowloris) are held to
// http.max_connections_per_client, and a head not complete within
// http.request_head_timeout_ms is cut. Slow clients come from 127.0.0.2,
// normal requests from 127.0.0.1.
#include "support/ChildProcess.h"
#include "support/TestSupport.h"

#include <cppunit/extensions/HelperMacros.h>

#include <arpa/inet.h>
#include <chrono>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

using jiffy::test::ChildProcess;
using jiffy::test::contains;
using jiffy::test::TempDir;

namespace {

/// A TCP connection from `from` to 127.0.0.1:port that sends its request head one byte at a time.
class SlowClient {
public:
    SlowClient(const char* from, uint16_t port)
    {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in local{};
        local.sin_family = AF_INET;
        ::inet_pton(AF_INET, from, &local.sin_addr);
        sockaddr_in remote{};
        remote.sin_family = AF_INET;
        remote.sin_port = htons(port);
        ::inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr);
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0 ||
            ::connect(fd_, reinterpret_cast<sockaddr*>(&remote), sizeof remote) != 0) {
            ::close(fd_);
            fd_ = -1;
        }
    }
    ~SlowClient()
    {
        if (fd_ >= 0) ::close(fd_);
    }
    SlowClient(const SlowClient&) = delete;
    SlowClient& operator=(const SlowClient&) = delete;

    bool connected() const { return fd_ >= 0; }
    /// Sends the next byte of an endless head ("GET / HTTP/1.1\r\nX-Slow: aaaa...").
    void trickle()
    {
        static const std::string head = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ";
        char c = sent_ < head.size() ? head[sent_] : 'a';
        if (fd_ >= 0 && ::send(fd_, &c, 1, MSG_NOSIGNAL) == 1) ++sent_;
    }
    /// What the server sent, or "" if nothing within `ms`; `closed` tells whether it closed the connection.
    std::string read(int ms, bool& closed)
    {
        closed = false;
        std::string out;
        pollfd p{fd_, POLLIN, 0};
        while (::poll(&p, 1, ms) > 0) {
            char buf[512];
            ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) {
                closed = true;
                break;
            }
            out.append(buf, static_cast<size_t>(n));
            ms = 100;
        }
        return out;
    }

private:
    int fd_ = -1;
    size_t sent_ = 0;
};

} // namespace

class SlowClientTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SlowClientTest);
    CPPUNIT_TEST(testWithoutALimitSlowClientsTakeEveryThread);
    CPPUNIT_TEST(testPerClientLimitKeepsThreadsForOthers);
    CPPUNIT_TEST(testSlowHeadIsCut);
    CPPUNIT_TEST_SUITE_END();

    TempDir dir_;

    /// jiffyd with 8 worker threads and the given http limits.
    std::unique_ptr<ChildProcess> start(uint16_t port, const std::string& httpLimits)
    {
        std::string cfg = dir_.file(std::to_string(port) + ".config.json");
        jiffy::test::writeFile(cfg, "{\"internal_address\": \"127.0.0.1:" + std::to_string(jiffy::test::freePort()) +
                                        "\", \"external_address\": \"127.0.0.1:" + std::to_string(port) +
                                        "\", \"database\": {\"db_dialect\": \"sqlite\", \"name\": \"" +
                                        dir_.file(std::to_string(port) + ".db") +
                                        "\"}, \"auth\": {\"enabled\": false}, \"logging\": {\"requests\": false}, "
                                        "\"http\": {\"max_threads\": 8, " +
                                        httpLimits + "}}");
        auto p = std::make_unique<ChildProcess>(jiffy::test::jiffydBinary(), std::vector<std::string>{"--config", cfg},
                                                dir_.file(std::to_string(port) + ".log"));
        CPPUNIT_ASSERT_MESSAGE(p->log(), jiffy::test::waitForHttp("127.0.0.1", port, "/healthz", 200, 20000));
        return p;
    }

    /// Opens `n` slow clients from 127.0.0.2 and lets them trickle a few bytes each.
    static std::vector<std::unique_ptr<SlowClient>> slowClients(uint16_t port, int n)
    {
        std::vector<std::unique_ptr<SlowClient>> slow;
        for (int i = 0; i < n; ++i) {
            slow.push_back(std::make_unique<SlowClient>("127.0.0.2", port));
            CPPUNIT_ASSERT(slow.back()->connected());
        }
        for (int round = 0; round < 3; ++round) {
            for (auto& s : slow) s->trickle();
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        return slow;
    }

public:
    void testWithoutALimitSlowClientsTakeEveryThread()
    {
        // The failure the limit exists for: 20 slow connections hold all 8 threads.
        uint16_t port = jiffy::test::freePort();
        auto p = start(port, "\"max_connections_per_client\": 0, \"request_head_timeout_ms\": 0");
        auto slow = slowClients(port, 20);
        auto r = jiffy::test::http("GET", "127.0.0.1", port, "/healthz", "", {}, 1500);
        CPPUNIT_ASSERT_MESSAGE("a normal request was served while every thread was held", r.status != 200);
    }

    void testPerClientLimitKeepsThreadsForOthers()
    {
        uint16_t port = jiffy::test::freePort();
        auto p = start(port, "\"max_connections_per_client\": 4");
        auto slow = slowClients(port, 20);
        // Normal clients are served while the slow ones hold their four threads.
        for (int i = 0; i < 20; ++i) {
            auto r = jiffy::test::http("GET", "127.0.0.1", port, "/healthz", "", {}, 5000);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(p->log(), 200, r.status);
            for (auto& s : slow) s->trickle();
        }
        // The slow clients beyond the fourth were answered 503 and closed.
        int refused = 0;
        for (auto& s : slow) {
            bool closed = false;
            std::string got = s->read(200, closed);
            if (contains(got, "503 Service Unavailable")) ++refused;
        }
        CPPUNIT_ASSERT_EQUAL(16, refused);
        auto m = jiffy::test::http("GET", "127.0.0.1", port, "/metrics");
        CPPUNIT_ASSERT_MESSAGE(m.body, contains(m.body, "jiffy_http_connections_refused_per_client_total 16"));
    }

    void testSlowHeadIsCut()
    {
        uint16_t port = jiffy::test::freePort();
        auto p = start(port, "\"request_head_timeout_ms\": 1000");
        SlowClient slow("127.0.0.2", port);
        CPPUNIT_ASSERT(slow.connected());
        // Trickle for up to 15 s (generous): the server must close the connection long before.
        bool closed = false;
        for (int i = 0; i < 150 && !closed; ++i) {
            slow.trickle();
            slow.read(100, closed);
        }
        CPPUNIT_ASSERT_MESSAGE("a request head trickling for 15 s was not cut", closed);
        auto m = jiffy::test::http("GET", "127.0.0.1", port, "/metrics");
        CPPUNIT_ASSERT_MESSAGE(m.body, contains(m.body, "jiffy_http_connections_head_timeout_total 1"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SlowClientTest);
