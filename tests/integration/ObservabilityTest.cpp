// Logging and /metrics of a real jiffyd: a bounded flood of 401s leaves a
// bounded log (every rejected request accounted for as a line or in a
// "suppressed" count), JSON request lines honour infoMsgs=false and carry
// no query string, an unopenable log file stops the start with exit 78,
// and /metrics counts requests per route and status class with consistent
// histograms, login failures and throttles, build info and backend health.
#include "app/Version.h"
#include "support/JiffydRunner.h"
#include "support/TestSupport.h"

#include <jiffy/abi.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/NullStream.h>
#include <Poco/StreamCopier.h>

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <chrono>
#include <map>
#include <regex>
#include <sstream>
#include <thread>
#include <vector>

using jiffy::test::contains;
using jiffy::test::HttpResult;
using jiffy::test::JiffydRunner;
using jiffy::test::TempDir;

namespace {

/// "name{labels}" -> value of every sample of a /metrics body, in order.
std::vector<std::pair<std::string, double>> samples(const std::string& text)
{
    std::vector<std::pair<std::string, double>> out;
    for (const auto& line : jiffy::test::nonEmptyLines(text)) {
        if (line[0] == '#') continue;
        size_t sp = line.rfind(' ');
        out.emplace_back(line.substr(0, sp), std::stod(line.substr(sp + 1)));
    }
    return out;
}

double sampleOf(const std::vector<std::pair<std::string, double>>& all, const std::string& key)
{
    for (const auto& [k, v] : all)
        if (k == key) return v;
    CPPUNIT_FAIL("no sample " + key);
    return 0;
}

} // namespace

class ObservabilityTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ObservabilityTest);
    CPPUNIT_TEST(testFloodOf401sKeepsTheLogBounded);
    CPPUNIT_TEST(testJsonRequestLinesHonourInfoMsgsAndDropTheQuery);
    CPPUNIT_TEST(testUnopenableLogFileExits78);
    CPPUNIT_TEST(testMetricsCountRoutesClassesLoginsAndHealth);
    CPPUNIT_TEST_SUITE_END();

    TempDir dir_;
    JiffydRunner jiffyd_{dir_};

    std::string config(const std::string& logging, const std::string& authExtra = "") const
    {
        return "{\n \"database\": {\"db_dialect\": \"sqlite\", \"name\": \"" + dir_.file("o.db") +
               "\", \"synchronous\": \"NORMAL\"},\n \"logging\": " + logging + ",\n \"ecdsa384_priv_key_file\": \"" +
               dir_.file("ec384.priv.pem") + "\",\n \"ecdsa384_pub_key_file\": \"" + dir_.file("ec384.pub.pem") +
               "\",\n \"jwt_sign_method\": \"ES384\",\n \"auth\": {\"bcrypt_cost\": 10" +
               (authExtra.empty() ? "" : ", " + authExtra) + "},\n \"routes\": [{\"plugin\": \"hello\"}]\n}\n";
    }

    void start(const std::string& logging, const std::string& authExtra = "")
    {
        std::string log;
        int code = jiffyd_.run(config(logging, authExtra), {"--generate-keys"}, log);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(log, 0, code);
        jiffyd_.start(config(logging, authExtra));
    }

public:
    void tearDown() override { jiffyd_.stop(); }

    void testFloodOf401sKeepsTheLogBounded()
    {
        const std::string logFile = dir_.file("flood.log");
        start("{\"colorMsgTypes\": false, \"requests\": true, \"output\": \"" + logFile + "\"}");
        // A long bad token, as clients with expired tokens send: jiffy wrote a huge line for each.
        const std::string badToken = "eyJhbGciOiJFUzM4NCJ9." + std::string(400, 'Q') + ".bad";
        constexpr int kThreads = 4, kPerThread = 5000; // 20,000 requests in all
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(240);
        std::atomic<int> rejected{0}, other{0};
        std::atomic<bool> late{false};
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t)
            threads.emplace_back([&] {
                Poco::Net::HTTPClientSession s("127.0.0.1", jiffyd_.port());
                s.setKeepAlive(true);
                s.setTimeout(Poco::Timespan(10, 0));
                for (int i = 0; i < kPerThread; ++i) {
                    if (std::chrono::steady_clock::now() > deadline) {
                        late = true;
                        return;
                    }
                    try {
                        Poco::Net::HTTPRequest req("GET", "/usrs", Poco::Net::HTTPMessage::HTTP_1_1);
                        req.set("Authorization", "Bearer " + badToken);
                        s.sendRequest(req);
                        Poco::Net::HTTPResponse resp;
                        std::istream& body = s.receiveResponse(resp);
                        Poco::NullOutputStream sink;
                        Poco::StreamCopier::copyStream(body, sink);
                        (resp.getStatus() == 401 ? rejected : other)++;
                    } catch (const Poco::Exception&) {
                        other++;
                        s.reset();
                    }
                }
            });
        for (auto& t : threads) t.join();
        CPPUNIT_ASSERT_MESSAGE("the flood did not finish within 240 s", !late);
        CPPUNIT_ASSERT_EQUAL(0, other.load());
        CPPUNIT_ASSERT_EQUAL(kThreads * kPerThread, rejected.load());
        jiffyd_.stop(); // SIGTERM: pending "suppressed" counts are written

        const std::string log = jiffy::test::readFile(logFile);
        // The bound: 256 KiB for 20,000 rejected requests (jiffy: about 7.5 MB at 370 bytes each).
        CPPUNIT_ASSERT_MESSAGE("log grew to " + std::to_string(log.size()) + " bytes", log.size() < 256 * 1024);
        CPPUNIT_ASSERT(!contains(log, std::string(400, 'Q')));
        // Every rejected request is there: as its own line, or counted in a "suppressed" line.
        long written = 0, suppressed = 0;
        const std::regex summary(R"(suppressed (\d+) similar messages in \d+ s, like: GET /usrs 401 )");
        for (const auto& l : jiffy::test::nonEmptyLines(log)) {
            std::smatch m;
            if (std::regex_search(l, m, summary))
                suppressed += std::stol(m[1]);
            else if (contains(l, "jiffyd.request: GET /usrs 401 "))
                ++written;
        }
        CPPUNIT_ASSERT_MESSAGE(log, written >= 1 && written <= 200);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(log, long(kThreads * kPerThread), written + suppressed);
    }

    void testJsonRequestLinesHonourInfoMsgsAndDropTheQuery()
    {
        const std::string logFile = dir_.file("json.log");
        start("{\"format\": \"json\", \"infoMsgs\": false, \"requests\": true, \"output\": \"" + logFile + "\"}");
        HttpResult r = jiffyd_.get("/healthz?token=sekrit-in-query");
        CPPUNIT_ASSERT_EQUAL(200, r.status);
        const std::string id = r.header("x-request-id");
        CPPUNIT_ASSERT(!id.empty());
        jiffyd_.stop();

        const std::string log = jiffy::test::readFile(logFile);
        CPPUNIT_ASSERT_MESSAGE(log, !contains(log, "sekrit-in-query"));
        bool sawRequest = false, sawWarning = false;
        for (const auto& l : jiffy::test::nonEmptyLines(log)) {
            Poco::JSON::Object::Ptr o;
            try {
                o = Poco::JSON::Parser().parse(l).extract<Poco::JSON::Object::Ptr>();
            } catch (const Poco::Exception& e) {
                CPPUNIT_FAIL("not a JSON line: " + l + " (" + e.displayText() + ")");
            }
            const std::string level = o->getValue<std::string>("level");
            const std::string logger = o->getValue<std::string>("logger");
            CPPUNIT_ASSERT(o->has("time") && o->has("message"));
            // infoMsgs=false: no info message but the request log (its own switch).
            CPPUNIT_ASSERT_MESSAGE(l, level != "info" || logger == "jiffyd.request");
            sawWarning = sawWarning || level == "warning";
            // The runner's own /healthz probes come first; ours is the one with our request id.
            if (logger == "jiffyd.request" && o->getValue<std::string>("request_id") == id) {
                sawRequest = true;
                CPPUNIT_ASSERT_EQUAL(std::string("/healthz"), o->getValue<std::string>("path"));
                CPPUNIT_ASSERT_EQUAL(std::string("GET"), o->getValue<std::string>("method"));
                CPPUNIT_ASSERT_EQUAL(200, o->getValue<int>("status"));
                CPPUNIT_ASSERT_EQUAL(static_cast<int>(r.body.size()), o->getValue<int>("bytes"));
                CPPUNIT_ASSERT(o->getValue<double>("duration_ms") >= 0);
                CPPUNIT_ASSERT(o->getValue<std::string>("client").rfind("127.0.0.1:", 0) == 0);
            }
        }
        CPPUNIT_ASSERT_MESSAGE(log, sawRequest);
        CPPUNIT_ASSERT_MESSAGE(log, sawWarning); // the default-password warning: warnings are on
    }

    void testUnopenableLogFileExits78()
    {
        std::string log;
        const std::string bad = dir_.file("missing-dir/jiffyd.log");
        int code = jiffyd_.run(config("{\"output\": \"" + bad + "\"}"), {}, log);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(log, 78, code);
        CPPUNIT_ASSERT_MESSAGE(log, contains(log, "logging.output: cannot open \"" + bad + "\""));
    }

    void testMetricsCountRoutesClassesLoginsAndHealth()
    {
        start("{\"colorMsgTypes\": false}", "\"login_max_failures\": 2");
        HttpResult login = jiffyd_.post("/usr/login", R"({"email":"admin","password":"initpass"})");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(login.body, 200, login.status);
        std::string token =
            Poco::JSON::Parser().parse(login.body).extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("token");
        const std::map<std::string, std::string> bearer{{"Authorization", "Bearer " + token}};
        for (int i = 0; i < 5; ++i) CPPUNIT_ASSERT_EQUAL(200, jiffyd_.get("/hello", bearer).status);
        for (int i = 0; i < 3; ++i) CPPUNIT_ASSERT_EQUAL(404, jiffyd_.get("/no/such/route").status);
        for (int i = 0; i < 2; ++i) CPPUNIT_ASSERT_EQUAL(401, jiffyd_.get("/usrs").status);
        for (int i = 0; i < 2; ++i)
            CPPUNIT_ASSERT_EQUAL(
                400, jiffyd_.post("/usr/login", R"({"email":"ghost@example.com","password":"nope!!"})").status);
        CPPUNIT_ASSERT_EQUAL(429,
                             jiffyd_.post("/usr/login", R"({"email":"ghost@example.com","password":"nope!!"})").status);

        HttpResult m = jiffyd_.get("/metrics");
        CPPUNIT_ASSERT_EQUAL(200, m.status);
        CPPUNIT_ASSERT(contains(m.header("content-type"), "text/plain"));
        auto all = samples(m.body);
        auto total = [&](const std::string& route, const std::string& method, const std::string& cls) {
            return sampleOf(all, "jiffy_http_requests_total{route=\"" + route + "\",method=\"" + method + "\",code=\"" +
                                     cls + "\"}");
        };
        CPPUNIT_ASSERT_EQUAL(5.0, total("hello.GET", "GET", "2xx"));
        CPPUNIT_ASSERT_EQUAL(3.0, total("(unmatched)", "", "4xx"));
        CPPUNIT_ASSERT_EQUAL(2.0, total("usr.GET_SET", "GET", "4xx"));
        CPPUNIT_ASSERT_EQUAL(1.0, total("usr.LOGIN", "POST", "2xx"));
        CPPUNIT_ASSERT_EQUAL(3.0, total("usr.LOGIN", "POST", "4xx")); // two 400s and a 429
        CPPUNIT_ASSERT_EQUAL(2.0, sampleOf(all, "jiffy_login_failures_total"));
        CPPUNIT_ASSERT_EQUAL(1.0, sampleOf(all, "jiffy_login_throttled_total"));

        // Every histogram: buckets never decrease, +Inf equals _count equals the request count.
        const std::string h = "jiffy_http_request_duration_seconds";
        std::map<std::string, std::vector<double>> buckets;
        for (const auto& [k, v] : all)
            if (k.rfind(h + "_bucket{", 0) == 0) buckets[k.substr(0, k.find(",le="))].push_back(v);
        CPPUNIT_ASSERT(buckets.size() >= 5);
        for (const auto& [series, values] : buckets) {
            for (size_t i = 1; i < values.size(); ++i) CPPUNIT_ASSERT_MESSAGE(series, values[i] >= values[i - 1]);
            const std::string labels = series.substr(series.find('{'));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(series, values.back(), sampleOf(all, h + "_count" + labels + "}"));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(series, values.back(),
                                         sampleOf(all, "jiffy_http_requests_total" + labels + "}"));
            CPPUNIT_ASSERT_MESSAGE(series, sampleOf(all, h + "_sum" + labels + "}") >= 0);
        }
        // bcrypt makes a login take milliseconds: its latency is on record.
        CPPUNIT_ASSERT(sampleOf(all, h + "_sum{route=\"usr.LOGIN\",method=\"POST\",code=\"2xx\"}") > 0.001);

        CPPUNIT_ASSERT_EQUAL(1.0, sampleOf(all, "jiffy_build_info{version=\"" + std::string(JIFFY_VERSION) +
                                                    "\",abi=\"" + std::to_string(JIFFY_ABI_MAJOR) + "." +
                                                    std::to_string(JIFFY_ABI_MINOR) + "\"}"));
        CPPUNIT_ASSERT(contains(m.body, "abi=\"" + std::to_string(JIFFY_ABI_MAJOR) + "." +
                                            std::to_string(JIFFY_ABI_MINOR) + "\"} 1\n"));
        CPPUNIT_ASSERT_EQUAL(1.0, sampleOf(all, "jiffy_kvs_up{plugin=\"kvs/standalone\"}"));
        CPPUNIT_ASSERT_EQUAL(1.0, sampleOf(all, "jiffy_db_up{plugin=\"db/sqlite\"}"));
        const double poolSize = sampleOf(all, "jiffy_db_pool_size");
        CPPUNIT_ASSERT_EQUAL(16.0, poolSize);
        CPPUNIT_ASSERT(sampleOf(all, "jiffy_db_pool_in_use") <= poolSize);
        CPPUNIT_ASSERT(sampleOf(all, "jiffy_db_pool_waiting") >= 0);

        // The scrape itself is counted by the next one.
        auto again = samples(jiffyd_.get("/metrics").body);
        CPPUNIT_ASSERT_EQUAL(
            1.0, sampleOf(again, "jiffy_http_requests_total{route=\"/metrics\",method=\"GET\",code=\"2xx\"}"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ObservabilityTest);
