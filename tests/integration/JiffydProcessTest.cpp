// The real jiffyd binary, started on a free loopback port with a temporary
// config: health, readiness, the hello route through the DB, clean SIGTERM,
// and the refusals a user meets (bad config, bad plugin, backend down).
#include "support/ChildProcess.h"
#include "support/JiffydRunner.h"
#include "support/TestSupport.h"

#include <cppunit/extensions/HelperMacros.h>

#include <jiffy/abi.h>

#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <thread>

using jiffy::test::contains;

using jiffy::test::ChildProcess;
using jiffy::test::TempDir;

/// The ABI version this host speaks, as messages print it ("1.1").
const std::string kAbi = std::to_string(JIFFY_ABI_MAJOR) + "." + std::to_string(JIFFY_ABI_MINOR);

namespace {

std::string configWith(uint16_t port, const std::string& dbFile, const std::string& extra)
{
    return "{\n  \"external_address\": \"127.0.0.1:" + std::to_string(port) +
           "\",\n  \"internal_address\": \"127.0.0.1:" + std::to_string(jiffy::test::freePort()) +
           "\",\n  \"database\": {\"db_dialect\": \"sqlite\", \"name\": \"" + dbFile +
           "\"},\n  \"logging\": {\"colorMsgTypes\": false},\n  \"auth\": {\"enabled\": false}" +
           (extra.empty() ? "" : ",\n  " + extra) + "\n}\n";
}

} // namespace

class JiffydProcessTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(JiffydProcessTest);
    CPPUNIT_TEST(testServesHealthReadyAndHelloThenStopsOnSigterm);
    CPPUNIT_TEST(testSecondInstanceOnTheSameAddressExits69);
    CPPUNIT_TEST(testUnknownServiceActivationIsRefused);
    CPPUNIT_TEST(testCountSurvivesRestart);
    CPPUNIT_TEST(testPlainCPluginServes);
    CPPUNIT_TEST(testOversizedBodyIs413);
    CPPUNIT_TEST(testOversizedUploadReadsThe413NotAReset);
    CPPUNIT_TEST(testMalformedPathIs400);
    CPPUNIT_TEST(testOneConnectionServesPipelinedRequestsAndAMalformedOneEndsIt);
    CPPUNIT_TEST(testWrongTypeInConfigExits78NamingThePath);
    CPPUNIT_TEST(testWrongAbiPluginIsRefusedWithAMessage);
    CPPUNIT_TEST(testFailingPluginExits69);
    CPPUNIT_TEST(testCheckConfigAcceptsTheSample);
    CPPUNIT_TEST(testListPluginsShowsAbiVersions);
    CPPUNIT_TEST(testDevAndProdTogetherIsAUsageError);
    CPPUNIT_TEST(testProdServesHttpsOnly);
    CPPUNIT_TEST(testRsWithoutKeysCreatesNoDatabase);
    CPPUNIT_TEST(testHelpAgreesWithTheReadme);
    CPPUNIT_TEST_SUITE_END();

    TempDir dir_;

    int runToEnd(const std::vector<std::string>& args, std::string& output)
    {
        return jiffy::test::runJiffydToEnd(args, dir_.file("once.log"), output);
    }

public:
    void testSecondInstanceOnTheSameAddressExits69()
    {
        // One address, one process: the kernel must not split clients between two.
        uint16_t port = jiffy::test::freePort();
        std::string cfg = dir_.file("one.config.json");
        jiffy::test::writeFile(cfg, configWith(port, dir_.file("one.db"), ""));
        ChildProcess first(jiffy::test::jiffydBinary(), {"--config", cfg}, dir_.file("first.log"));
        CPPUNIT_ASSERT_MESSAGE(first.log(), jiffy::test::waitForHttp("127.0.0.1", port, "/healthz", 200, 20000));
        std::string out;
        CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 69, runToEnd({"--config", cfg}, out));
        CPPUNIT_ASSERT_MESSAGE(
            out, contains(out, "external_address 127.0.0.1:" + std::to_string(port) + ": already in use"));
        CPPUNIT_ASSERT_MESSAGE(out, !contains(out, "starting db/")); // refused before touching the database
        CPPUNIT_ASSERT(first.running());
        CPPUNIT_ASSERT_EQUAL(200, jiffy::test::http("GET", "127.0.0.1", port, "/healthz").status);
    }

    void testUnknownServiceActivationIsRefused()
    {
        std::string cfg = dir_.file("sa.config.json");
        jiffy::test::writeFile(
            cfg, configWith(jiffy::test::freePort(), dir_.file("sa.db"),
                            "\"routes\": [{\"plugin\": \"models\", \"model_files\": [\"" + jiffy::test::sourceDir() +
                                "/tests/data/models/library_v1.json\"]}],\n  \"service_activations\": "
                                "[{\"service_name\": \"Libary\", \"service_active\": true}]"));
        std::string out;
        CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 78, runToEnd({"--config", cfg}, out));
        CPPUNIT_ASSERT_MESSAGE(out, contains(out, "service_activations[0].service_name: no entity \"Libary\" in the "
                                                  "model files, which define Library"));
    }

    void testServesHealthReadyAndHelloThenStopsOnSigterm()
    {
        uint16_t port = jiffy::test::freePort();
        std::string cfg = dir_.file("a.config.json");
        jiffy::test::writeFile(cfg, configWith(port, dir_.file("a.db"), R"("routes": [{"plugin": "hello"}])"));
        ChildProcess p(jiffy::test::jiffydBinary(), {"--config", cfg}, dir_.file("a.log"));
        CPPUNIT_ASSERT_MESSAGE(p.log(), jiffy::test::waitForHttp("127.0.0.1", port, "/healthz", 200, 15000));

        auto ready = jiffy::test::http("GET", "127.0.0.1", port, "/readyz");
        CPPUNIT_ASSERT_EQUAL(200, ready.status);
        CPPUNIT_ASSERT_MESSAGE(ready.body, contains(ready.body, "\"db/sqlite\":\"ok\""));
        CPPUNIT_ASSERT_MESSAGE(ready.body, contains(ready.body, "\"kvs/standalone\":\"ok\""));

        auto one = jiffy::test::http("GET", "127.0.0.1", port, "/hello");
        auto two = jiffy::test::http("GET", "127.0.0.1", port, "/hello");
        CPPUNIT_ASSERT_EQUAL(200, one.status);
        CPPUNIT_ASSERT_EQUAL(std::string("application/json"), one.header("content-type"));
        CPPUNIT_ASSERT_EQUAL(std::string("{\"message\":\"hello, world\",\"count\":1}"), one.body);
        CPPUNIT_ASSERT_EQUAL(std::string("{\"message\":\"hello, world\",\"count\":2}"), two.body);

        auto missing = jiffy::test::http("GET", "127.0.0.1", port, "/nope");
        CPPUNIT_ASSERT_EQUAL(404, missing.status);
        CPPUNIT_ASSERT(contains(missing.body, "\"error\""));
        auto wrongMethod = jiffy::test::http("DELETE", "127.0.0.1", port, "/hello");
        CPPUNIT_ASSERT_EQUAL(405, wrongMethod.status);
        CPPUNIT_ASSERT_EQUAL(std::string("GET"), wrongMethod.header("allow"));

        p.signal(SIGTERM);
        int code = p.wait(15000);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(p.log(), 0, code);
        CPPUNIT_ASSERT_MESSAGE(p.log(), contains(p.log(), "shutdown complete"));
    }

    void testCountSurvivesRestart()
    {
        uint16_t port = jiffy::test::freePort();
        std::string cfg = dir_.file("r.config.json");
        jiffy::test::writeFile(cfg, configWith(port, dir_.file("r.db"), R"("routes": [{"plugin": "hello"}])"));
        for (int round = 1; round <= 2; ++round) {
            ChildProcess p(jiffy::test::jiffydBinary(), {"--config", cfg}, dir_.file("r.log"));
            CPPUNIT_ASSERT(jiffy::test::waitForHttp("127.0.0.1", port, "/healthz", 200, 15000));
            auto r = jiffy::test::http("GET", "127.0.0.1", port, "/hello");
            CPPUNIT_ASSERT_EQUAL("{\"message\":\"hello, world\",\"count\":" + std::to_string(round) + "}", r.body);
            p.signal(SIGINT);
            CPPUNIT_ASSERT_EQUAL(0, p.wait(15000));
        }
    }

    void testPlainCPluginServes()
    {
        uint16_t port = jiffy::test::freePort();
        std::string cfg = dir_.file("c.config.json");
        jiffy::test::writeFile(
            cfg, configWith(port, dir_.file("c.db"),
                            "\"routes\": [{\"plugin\": \"" + jiffy::test::testPluginFile("routes", "chello") + "\"}]"));
        // Built against ABI 1.0: its descriptor has no check(), so only its options are checked.
        std::string out;
        CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 0, runToEnd({"--check-config", "--config", cfg}, out));
        ChildProcess p(jiffy::test::jiffydBinary(), {"--config", cfg}, dir_.file("c.log"));
        CPPUNIT_ASSERT_MESSAGE(p.log(), jiffy::test::waitForHttp("127.0.0.1", port, "/healthz", 200, 15000));
        auto r = jiffy::test::http("GET", "127.0.0.1", port, "/chello");
        CPPUNIT_ASSERT_EQUAL(200, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("{\"message\":\"hello from C\",\"calls\":1}"), r.body);
        // An internal failure: the client gets the request id, the log the
        // detail; the status, header and body the plugin wrote before failing are discarded.
        auto boom = jiffy::test::http("GET", "127.0.0.1", port, "/chello/boom");
        CPPUNIT_ASSERT_EQUAL(500, boom.status);
        CPPUNIT_ASSERT_EQUAL(std::string(), boom.header("x-partial"));
        const std::string id = boom.header("x-request-id");
        CPPUNIT_ASSERT_EQUAL("{\"error\":\"internal error (request " + id + ")\"}", boom.body);
        for (int i = 0; i < 100 && !contains(p.log(), "kaboom at /var/lib/secret.db"); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        CPPUNIT_ASSERT_MESSAGE(p.log(), contains(p.log(), id) && contains(p.log(), "kaboom at /var/lib/secret.db"));
        // HTTP/1.0 without a Host header (a load balancer's health check) is served.
        {
            Poco::Net::StreamSocket raw(Poco::Net::SocketAddress("127.0.0.1", port));
            const std::string q = "GET /chello HTTP/1.0\r\n\r\n";
            raw.sendBytes(q.data(), static_cast<int>(q.size()));
            std::string got;
            char buf[1024];
            for (int n; (n = raw.receiveBytes(buf, sizeof buf)) > 0;) got.append(buf, static_cast<size_t>(n));
            CPPUNIT_ASSERT_MESSAGE(got, got.rfind("HTTP/1.0 200", 0) == 0 && contains(got, "hello from C"));
        }
        // HEAD answers every GET route with its headers and no body.
        auto head = jiffy::test::http("HEAD", "127.0.0.1", port, "/healthz");
        CPPUNIT_ASSERT_EQUAL(200, head.status);
        CPPUNIT_ASSERT_EQUAL(std::string(""), head.body);
        CPPUNIT_ASSERT_EQUAL(std::string("15"), head.header("content-length"));
        // X-Request-Id: a sane incoming id is kept, anything else replaced by a fresh one.
        auto kept = jiffy::test::http("GET", "127.0.0.1", port, "/healthz", "", {{"X-Request-Id", "trace-42.a_b"}});
        CPPUNIT_ASSERT_EQUAL(std::string("trace-42.a_b"), kept.header("x-request-id"));
        auto bad =
            jiffy::test::http("GET", "127.0.0.1", port, "/healthz", "", {{"X-Request-Id", std::string(200, 'x')}});
        CPPUNIT_ASSERT(!bad.header("x-request-id").empty() && bad.header("x-request-id").size() < 64);
        CPPUNIT_ASSERT(bad.header("x-request-id") != id);
    }

    void testOversizedBodyIs413()
    {
        uint16_t port = jiffy::test::freePort();
        std::string cfg = dir_.file("b.config.json");
        jiffy::test::writeFile(cfg, configWith(port, dir_.file("b.db"),
                                               R"("http": {"max_body_bytes": 64}, "routes": [{"plugin": "hello"}])"));
        ChildProcess p(jiffy::test::jiffydBinary(), {"--config", cfg}, dir_.file("b.log"));
        CPPUNIT_ASSERT(jiffy::test::waitForHttp("127.0.0.1", port, "/healthz", 200, 15000));
        auto r = jiffy::test::http("POST", "127.0.0.1", port, "/hello", std::string(1000, 'x'));
        CPPUNIT_ASSERT_EQUAL(413, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.body, contains(r.body, "exceeds the limit of 64 bytes"));
        CPPUNIT_ASSERT_EQUAL(200, jiffy::test::http("GET", "127.0.0.1", port, "/healthz").status);
    }

    void testOversizedUploadReadsThe413NotAReset()
    {
        // A client uploading 32 MiB without Expect: 100-continue, reading
        // while it sends (as curl does): it must read the 413, not a reset.
        uint16_t port = jiffy::test::freePort();
        std::string cfg = dir_.file("u.config.json");
        jiffy::test::writeFile(cfg, configWith(port, dir_.file("u.db"),
                                               R"("http": {"max_body_bytes": 64}, "routes": [{"plugin": "hello"}])"));
        ChildProcess p(jiffy::test::jiffydBinary(), {"--config", cfg}, dir_.file("u.log"));
        CPPUNIT_ASSERT(jiffy::test::waitForHttp("127.0.0.1", port, "/healthz", 200, 15000));
        Poco::Net::StreamSocket s(Poco::Net::SocketAddress("127.0.0.1", port));
        const int64_t size = int64_t(32) << 20;
        std::string head = "POST /hello HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(size) + "\r\n\r\n";
        s.sendBytes(head.data(), static_cast<int>(head.size()));
        std::atomic<bool> stop{false};
        std::thread uploader([&] {
            std::string chunk(65536, 'x');
            s.setSendTimeout(Poco::Timespan(0, 200000));
            for (int64_t sent = 0; sent < size && !stop;) {
                try {
                    sent += s.sendBytes(chunk.data(), static_cast<int>(chunk.size()));
                } catch (const Poco::TimeoutException&) {
                    // the server is not reading: keep trying until told to stop
                } catch (const Poco::Exception&) {
                    return; // reset or closed: the reader below tells whether the answer arrived first
                }
            }
        });
        std::string answer;
        std::string error;
        try {
            s.setReceiveTimeout(Poco::Timespan(10, 0));
            char buf[4096];
            while (answer.find("bytes\"}") == std::string::npos) {
                int n = s.receiveBytes(buf, sizeof buf);
                if (n <= 0) break;
                answer.append(buf, static_cast<size_t>(n));
            }
        } catch (const Poco::Exception& e) {
            error = e.displayText();
        }
        stop = true;
        uploader.join();
        CPPUNIT_ASSERT_MESSAGE(error + " / " + answer, answer.rfind("HTTP/1.1 413", 0) == 0);
        CPPUNIT_ASSERT_MESSAGE(answer, contains(answer, "exceeds the limit of 64 bytes"));
        CPPUNIT_ASSERT_EQUAL(200, jiffy::test::http("GET", "127.0.0.1", port, "/healthz").status);
    }

    void testMalformedPathIs400()
    {
        uint16_t port = jiffy::test::freePort();
        std::string cfg = dir_.file("p.config.json");
        jiffy::test::writeFile(cfg, configWith(port, dir_.file("p.db"), ""));
        ChildProcess p(jiffy::test::jiffydBinary(), {"--config", cfg}, dir_.file("p.log"));
        CPPUNIT_ASSERT(jiffy::test::waitForHttp("127.0.0.1", port, "/healthz", 200, 15000));
        auto r = jiffy::test::http("GET", "127.0.0.1", port, "/x/%zz");
        CPPUNIT_ASSERT_EQUAL(400, r.status);
    }

    void testOneConnectionServesPipelinedRequestsAndAMalformedOneEndsIt()
    {
        // jiffyd's own request loop (HttpConnection): kept-alive requests, two
        // sent at once (the second is already buffered when the first is
        // answered), the Date header, then a request Poco cannot parse: 400
        // and the connection is closed.
        uint16_t port = jiffy::test::freePort();
        std::string cfg = dir_.file("k.config.json");
        jiffy::test::writeFile(cfg, configWith(port, dir_.file("k.db"), ""));
        ChildProcess p(jiffy::test::jiffydBinary(), {"--config", cfg}, dir_.file("k.log"));
        CPPUNIT_ASSERT(jiffy::test::waitForHttp("127.0.0.1", port, "/healthz", 200, 15000));
        Poco::Net::StreamSocket s(Poco::Net::SocketAddress("127.0.0.1", port));
        s.setReceiveTimeout(Poco::Timespan(10, 0));
        auto readUntil = [&s](const std::string& what, int times) {
            std::string got;
            char buf[4096];
            size_t count = 0;
            for (size_t at = 0; count < static_cast<size_t>(times);) {
                size_t f = got.find(what, at);
                if (f != std::string::npos) {
                    ++count;
                    at = f + what.size();
                    continue;
                }
                int n = s.receiveBytes(buf, sizeof buf);
                if (n <= 0) break;
                got.append(buf, static_cast<size_t>(n));
            }
            return got;
        };
        const std::string one = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
        s.sendBytes(one.data(), static_cast<int>(one.size()));
        std::string first = readUntil("\"ok\"", 1);
        CPPUNIT_ASSERT_MESSAGE(first, first.rfind("HTTP/1.1 200", 0) == 0);
        CPPUNIT_ASSERT_MESSAGE(first, contains(first, "Date: ") && contains(first, " GMT\r\n"));
        const std::string two = one + one;
        s.sendBytes(two.data(), static_cast<int>(two.size()));
        std::string both = readUntil("HTTP/1.1 200", 2);
        CPPUNIT_ASSERT_MESSAGE(both, both.find("HTTP/1.1 200", both.find("HTTP/1.1 200") + 1) != std::string::npos);
        // A method longer than Poco reads (32 characters): a MessageException.
        const std::string bad = std::string(64, 'G') + " /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
        s.sendBytes(bad.data(), static_cast<int>(bad.size()));
        std::string answer = readUntil("this text never comes", 1); // until the server closes
        CPPUNIT_ASSERT_MESSAGE(answer, answer.rfind("HTTP/1.1 400", 0) == 0);
        CPPUNIT_ASSERT_MESSAGE(answer, contains(answer, "malformed HTTP request"));
        // Three words that are no HTTP version: 400 too, not an answer in "REQUEST".
        Poco::Net::StreamSocket t(Poco::Net::SocketAddress("127.0.0.1", port));
        t.setReceiveTimeout(Poco::Timespan(10, 0));
        const std::string words = "NOT A REQUEST\r\n\r\n";
        t.sendBytes(words.data(), static_cast<int>(words.size()));
        char buf[512];
        int n = t.receiveBytes(buf, sizeof buf);
        std::string got(buf, static_cast<size_t>(n > 0 ? n : 0));
        CPPUNIT_ASSERT_MESSAGE(got, got.rfind("HTTP/1.1 400", 0) == 0);
        CPPUNIT_ASSERT_EQUAL(200, jiffy::test::http("GET", "127.0.0.1", port, "/healthz").status);
    }

    void testWrongTypeInConfigExits78NamingThePath()
    {
        std::string cfg = dir_.file("bad.config.json");
        jiffy::test::writeFile(cfg, R"({"ping_cycle": "fast", "group_leader_kvs": {"redis": {"active": "yes"}}})");
        std::string out;
        CPPUNIT_ASSERT_EQUAL(78, runToEnd({"--config", cfg}, out));
        CPPUNIT_ASSERT_MESSAGE(out, contains(out, "ping_cycle: expected an integer, got string \"fast\""));
        CPPUNIT_ASSERT_MESSAGE(out, contains(out, "group_leader_kvs.redis.active: expected true or false"));
        CPPUNIT_ASSERT_EQUAL(78, runToEnd({"--check-config", "--config", cfg}, out));
    }

    void testWrongAbiPluginIsRefusedWithAMessage()
    {
        uint16_t port = jiffy::test::freePort();
        std::string cfg = dir_.file("abi.config.json");
        jiffy::test::writeFile(cfg, configWith(port, dir_.file("abi.db"),
                                               "\"group_leader_kvs\": {\"future\": {\"active\": true, \"plugin\": \"" +
                                                   jiffy::test::testPluginFile("kvs", "wrongabi") + "\"}}"));
        std::string out;
        CPPUNIT_ASSERT_EQUAL(78, runToEnd({"--config", cfg}, out));
        CPPUNIT_ASSERT_MESSAGE(out, contains(out, "group_leader_kvs.future:"));
        CPPUNIT_ASSERT_MESSAGE(out, contains(out, "built for plugin ABI 2.3, but this jiffyd speaks ABI " + kAbi));
    }

    void testFailingPluginExits69()
    {
        uint16_t port = jiffy::test::freePort();
        std::string cfg = dir_.file("fail.config.json");
        jiffy::test::writeFile(cfg, configWith(port, dir_.file("fail.db"),
                                               "\"group_leader_kvs\": {\"down\": {\"active\": true, \"plugin\": \"" +
                                                   jiffy::test::testPluginFile("kvs", "createfails") + "\"}}"));
        std::string out;
        CPPUNIT_ASSERT_EQUAL(69, runToEnd({"--config", cfg}, out));
        CPPUNIT_ASSERT_MESSAGE(out, contains(out, "failed to start: cannot reach the backend at 127.0.0.1:1"));
    }

    void testCheckConfigAcceptsTheSample()
    {
        // The sample names its keys under $JIFFY_DATA_DIR; --check-config
        // opens them, so it fails until they exist.
        const std::string sample = jiffy::test::sourceDir() + "/config/all-in-one.config.json";
        const std::map<std::string, std::string> env{{"JIFFY_DATA_DIR", dir_.path()}};
        ChildProcess before(jiffy::test::jiffydBinary(), {"--check-config", "--config", sample},
                            dir_.file("check1.log"), env);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(before.log(), 78, before.wait(30000));
        CPPUNIT_ASSERT_MESSAGE(before.log(), contains(before.log(), "ecdsa384_priv_key_file"));
        ChildProcess keys(jiffy::test::jiffydBinary(), {"--generate-keys", "--config", sample}, dir_.file("keys.log"),
                          env);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(keys.log(), 0, keys.wait(30000));
        ChildProcess after(jiffy::test::jiffydBinary(), {"--check-config", "--config", sample}, dir_.file("check2.log"),
                           env);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(after.log(), 0, after.wait(30000));
        CPPUNIT_ASSERT_MESSAGE(after.log(), contains(after.log(), "configuration OK"));
    }

    void testListPluginsShowsAbiVersions()
    {
        std::string out;
        CPPUNIT_ASSERT_EQUAL(
            0,
            runToEnd({"--list-plugins", "--config", jiffy::test::sourceDir() + "/config/all-in-one.config.json"}, out));
        CPPUNIT_ASSERT_MESSAGE(out, contains(out, "standalone     kvs     1.0.0     " + kAbi));
        CPPUNIT_ASSERT_MESSAGE(out, contains(out, "sqlite         db      1.0.0     " + kAbi));
        CPPUNIT_ASSERT_MESSAGE(out, contains(out, "hello          routes  1.0.0     " + kAbi));
    }

    void testProdServesHttpsOnly()
    {
        std::string key = dir_.file("tls.key"), cert = dir_.file("tls.crt");
        std::string gen = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout " + key +
                          " -out " + cert + " -days 2 -subj /CN=127.0.0.1 >/dev/null 2>&1";
        CPPUNIT_ASSERT_EQUAL(0, std::system(gen.c_str()));
        uint16_t port = jiffy::test::freePort();
        std::string cfg = dir_.file("tls.config.json");
        jiffy::test::writeFile(cfg, configWith(port, dir_.file("tls.db"),
                                               "\"env\": \"prod\", \"cert_file\": \"" + cert + "\", \"key_file\": \"" +
                                                   key + "\", \"pepper\": \"p-" + std::to_string(port) +
                                                   "\", \"hmac_Key\": \"h-" + std::to_string(port) + "\""));
        ChildProcess p(jiffy::test::jiffydBinary(), {"--config", cfg}, dir_.file("tls.log"));
        std::string url = "https://127.0.0.1:" + std::to_string(port) + "/healthz";
        std::string curl = "curl -sk --max-time 5 -o " + dir_.file("tls.out") + " " + url;
        bool up = false;
        for (int i = 0; i < 100 && !up; ++i) {
            up = std::system(curl.c_str()) == 0;
            if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        CPPUNIT_ASSERT_MESSAGE(p.log(), up);
        CPPUNIT_ASSERT_EQUAL(std::string("{\"status\":\"ok\"}"), jiffy::test::readFile(dir_.file("tls.out")));
        CPPUNIT_ASSERT_EQUAL(
            0, jiffy::test::http("GET", "127.0.0.1", port, "/healthz", "", {}, 2000).status); // no plain HTTP
        CPPUNIT_ASSERT_MESSAGE(p.log(), contains(p.log(), "listening on https://"));
    }

    void testRsWithoutKeysCreatesNoDatabase()
    {
        // No config: the built-in defaults, whose key files do not exist yet.
        const std::string data = dir_.file("rsdata");
        ChildProcess p(jiffy::test::jiffydBinary(), {"-rs"}, dir_.file("rs.log"), {{"JIFFY_DATA_DIR", data}},
                       dir_.path());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(p.log(), 78, p.wait(30000));
        CPPUNIT_ASSERT_MESSAGE(p.log(), contains(p.log(), "--generate-keys"));
        CPPUNIT_ASSERT(!std::filesystem::exists(data + "/jiffy.db"));
        CPPUNIT_ASSERT(!std::filesystem::exists(dir_.file("jiffy.db")));
    }

    void testHelpAgreesWithTheReadme()
    {
        std::string raw;
        CPPUNIT_ASSERT_EQUAL(0, runToEnd({"--help"}, raw));
        // Both wrap their lines: compare with every run of white space as one blank.
        auto oneLine = [](const std::string& text) {
            std::string flat;
            for (char c : text)
                if (!std::isspace(static_cast<unsigned char>(c)))
                    flat += c;
                else if (!flat.empty() && flat.back() != ' ')
                    flat += ' ';
            return flat;
        };
        const std::string out = oneLine(raw);
        const std::string readme = oneLine(jiffy::test::readFile(jiffy::test::sourceDir() + "/README.md"));
        // Every exit code and the -rs behaviour, in both.
        for (const char* code :
             {"64 usage", "65 bad input", "66 no input", "67 unknown", "69 ", "70 internal", "78 bad configuration"}) {
            CPPUNIT_ASSERT_MESSAGE(out + "\nmissing: " + code, contains(out, code));
            CPPUNIT_ASSERT_MESSAGE(std::string("README misses: ") + code, contains(readme, code));
        }
        CPPUNIT_ASSERT_MESSAGE(out, contains(out, "then go on serving"));
        CPPUNIT_ASSERT(contains(readme, "then go on serving"));
        CPPUNIT_ASSERT_MESSAGE(out, contains(out, "--daemon, --umask and --pidfile"));
        CPPUNIT_ASSERT(contains(readme, "`--daemon`, `--pidfile` and `--umask`"));
    }

    void testDevAndProdTogetherIsAUsageError()
    {
        std::string out;
        CPPUNIT_ASSERT_EQUAL(64, runToEnd({"-dev", "-prod"}, out));
        CPPUNIT_ASSERT_MESSAGE(out, contains(out, "please specify only -dev or -prod, but not both."));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(JiffydProcessTest);
