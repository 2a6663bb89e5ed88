// The console route plugin over HTTP, on a real jiffyd: every file with its
// content type, the security headers on every answer (200, 304, 404), no
// way out of the file set (`..`, `%2e%2e`, encoded slashes, dot files),
// revalidation by ETag, the page's config, the OpenAPI description, and a
// static_dir that does not hold the console stopping the start with a
// message naming it, and the ping cycle GET /cluster gives the cluster panel
// to refresh by. The page itself is tested in a browser
// (tests/browser/console_browser.py).
#include "support/JiffydRunner.h"
#include "support/TestSupport.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <filesystem>
#include <thread>
#include <string>
#include <vector>

using jiffy::test::contains;
using jiffy::test::HttpResult;
using jiffy::test::JiffydRunner;
using jiffy::test::TempDir;

class ConsoleHttpTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ConsoleHttpTest);
    CPPUNIT_TEST(testEveryFileHasItsTypeAndTheSecurityHeaders);
    CPPUNIT_TEST(testNoPathLeavesTheFileSet);
    CPPUNIT_TEST(testEtagRevalidatesWith304);
    CPPUNIT_TEST(testPageConfigNamesTheAdmittedGroups);
    CPPUNIT_TEST(testOpenApiDescribesTheRoutes);
    CPPUNIT_TEST(testStaticDirWithoutTheConsoleStopsTheStart);
    CPPUNIT_TEST(testStaticDirServesOnlyPlainNames);
    CPPUNIT_TEST(testClusterViewGivesThePanelItsPingCycle);
    CPPUNIT_TEST_SUITE_END();

    TempDir dir_;
    JiffydRunner jiffyd_{dir_};

    std::string config(const std::string& consoleEntry, const std::string& extra = "") const
    {
        return "{\n" + extra + " \"database\": {\"db_dialect\": \"sqlite\", \"name\": \"" + dir_.file("c.db") +
               "\"},\n \"ecdsa384_priv_key_file\": \"" + dir_.file("ec384.priv.pem") +
               "\",\n \"ecdsa384_pub_key_file\": \"" + dir_.file("ec384.pub.pem") +
               "\",\n \"jwt_sign_method\": \"ES384\",\n \"auth\": {\"bcrypt_cost\": 10},\n \"routes\": [" +
               consoleEntry + "]\n}\n";
    }

    void start(const std::string& consoleEntry = "{\"plugin\": \"console\"}", const std::string& extra = "")
    {
        std::string log;
        int code = jiffyd_.run(config(consoleEntry, extra), {"--generate-keys"}, log);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(log, 0, code);
        jiffyd_.start(config(consoleEntry, extra));
    }

    /// A request whose path goes to the server exactly as written.
    HttpResult raw(const std::string& path, const std::map<std::string, std::string>& headers = {})
    {
        return jiffy::test::http("GET", "127.0.0.1", jiffyd_.port(), path, "", headers);
    }

    static void assertSecurityHeaders(const HttpResult& r, const std::string& what)
    {
        std::string csp = r.header("content-security-policy");
        CPPUNIT_ASSERT_MESSAGE(what + ": CSP " + csp, contains(csp, "default-src 'self'"));
        CPPUNIT_ASSERT_MESSAGE(what + ": CSP " + csp, contains(csp, "script-src 'self';"));
        CPPUNIT_ASSERT_MESSAGE(what + ": CSP " + csp, contains(csp, "style-src 'self';"));
        CPPUNIT_ASSERT_MESSAGE(what + ": CSP " + csp, contains(csp, "frame-ancestors 'none'"));
        CPPUNIT_ASSERT_MESSAGE(what + ": no unsafe-inline in " + csp, !contains(csp, "unsafe"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(what, std::string("nosniff"), r.header("x-content-type-options"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(what, std::string("DENY"), r.header("x-frame-options"));
    }

public:
    void tearDown() override { jiffyd_.stop(); }

    void testEveryFileHasItsTypeAndTheSecurityHeaders()
    {
        start();
        const std::string src = std::string(JIFFY_TEST_SOURCE_DIR) + "/plugins/routes/console/static";
        int seen = 0;
        for (const auto& e : std::filesystem::directory_iterator(src)) {
            const std::string name = e.path().filename().string(), ext = e.path().extension().string();
            HttpResult r = jiffyd_.get("/_/" + name);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(name, 200, r.status);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(name + " is served as it is in the source tree",
                                         jiffy::test::readFile(e.path().string()), r.body);
            std::string type = r.header("content-type");
            std::string want = ext == ".js"     ? "text/javascript; charset=utf-8"
                               : ext == ".css"  ? "text/css; charset=utf-8"
                               : ext == ".html" ? "text/html; charset=utf-8"
                               : ext == ".svg"  ? "image/svg+xml"
                               : ext == ".png"  ? "image/png"
                                                : "(a file type the console does not serve)";
            CPPUNIT_ASSERT_EQUAL_MESSAGE(name, want, type);
            assertSecurityHeaders(r, name);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(name, std::string("no-cache"), r.header("cache-control"));
            ++seen;
        }
        CPPUNIT_ASSERT_MESSAGE("the console has its files", seen >= 10);
        // /_/ and /_ are the page; no inline script or style in it (the CSP would block them)
        for (const std::string path : {"/_/", "/_"}) {
            HttpResult r = jiffyd_.get(path);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(path, 200, r.status);
            CPPUNIT_ASSERT_EQUAL(std::string("text/html; charset=utf-8"), r.header("content-type"));
            CPPUNIT_ASSERT(contains(r.body, "<script type=\"module\" src=\"/_/app.js\"></script>"));
            CPPUNIT_ASSERT_MESSAGE("no inline style", !contains(r.body, "style=") && !contains(r.body, "<style"));
            assertSecurityHeaders(r, path);
        }
        // served without a token, and HEAD works as on every GET route
        CPPUNIT_ASSERT_EQUAL(200, jiffy::test::http("HEAD", "127.0.0.1", jiffyd_.port(), "/_/app.js").status);
    }

    void testNoPathLeavesTheFileSet()
    {
        start();
        const std::vector<std::string> paths = {"/_/../../etc/passwd",
                                                "/_/..",
                                                "/_/%2e%2e",
                                                "/_/%2E%2E/%2E%2E/etc/passwd",
                                                "/_/..%2f..%2fetc%2fpasswd",
                                                "/_/%2fetc%2fpasswd",
                                                "/_/.hidden.js",
                                                "/_/index.html%00.js",
                                                "/_/console-config.json/..",
                                                "/_/CMakeLists.txt",
                                                "/_/nothing.js",
                                                "/_/index.HTML",
                                                "/_/..%5c..%5cetc%5cpasswd",
                                                "/_/%252e%252e%252fetc%252fpasswd"};
        for (const std::string& p : paths) {
            HttpResult r = raw(p);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(p, 404, r.status);
            CPPUNIT_ASSERT_MESSAGE(p + ": " + r.body, !contains(r.body, "root:"));
        }
        // a 404 of the plugin itself still carries the headers and names the file
        HttpResult r = raw("/_/%2e%2e");
        assertSecurityHeaders(r, "404");
        CPPUNIT_ASSERT_EQUAL(std::string("{\"error\":\"console: no file ..\"}"), r.body);
    }

    void testEtagRevalidatesWith304()
    {
        start();
        HttpResult first = jiffyd_.get("/_/app.js");
        std::string etag = first.header("etag");
        CPPUNIT_ASSERT_MESSAGE("ETag " + etag, etag.size() == 18 && etag.front() == '"' && etag.back() == '"');
        HttpResult again = jiffyd_.get("/_/app.js", {{"If-None-Match", etag}});
        CPPUNIT_ASSERT_EQUAL(304, again.status);
        CPPUNIT_ASSERT_EQUAL(std::string(), again.body);
        CPPUNIT_ASSERT_EQUAL(etag, again.header("etag"));
        assertSecurityHeaders(again, "304");
        CPPUNIT_ASSERT_EQUAL(200, jiffyd_.get("/_/app.js", {{"If-None-Match", "\"0000000000000000\""}}).status);
        CPPUNIT_ASSERT_MESSAGE("each file has its own tag", jiffyd_.get("/_/api.js").header("etag") != etag);
        // the same bytes give the same tag after a restart: caches stay valid
        jiffyd_.stop();
        start();
        CPPUNIT_ASSERT_EQUAL(etag, jiffyd_.get("/_/app.js").header("etag"));
    }

    void testPageConfigNamesTheAdmittedGroups()
    {
        start();
        HttpResult r = jiffyd_.get("/_/console-config.json");
        CPPUNIT_ASSERT_EQUAL(200, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("application/json"), r.header("content-type"));
        CPPUNIT_ASSERT_EQUAL(std::string("{\"groups\":[\"Super\"]}"), r.body);
        jiffyd_.stop();
        start(R"({"plugin": "console", "groups": ["Super", "operators"]})");
        CPPUNIT_ASSERT_EQUAL(std::string("{\"groups\":[\"Super\",\"operators\"]}"),
                             jiffyd_.get("/_/console-config.json").body);
    }

    void testOpenApiDescribesTheRoutes()
    {
        start();
        HttpResult r = jiffyd_.get("/openapi.json");
        CPPUNIT_ASSERT_EQUAL(200, r.status);
        Poco::JSON::Object::Ptr paths =
            Poco::JSON::Parser().parse(r.body).extract<Poco::JSON::Object::Ptr>()->getObject("paths");
        for (const auto& [path, id] : {std::pair{"/_", "consoleIndex"}, std::pair{"/_/{file}", "consoleFile"}}) {
            CPPUNIT_ASSERT_MESSAGE(path, paths->has(path));
            Poco::JSON::Object::Ptr get = paths->getObject(path)->getObject("get");
            CPPUNIT_ASSERT_MESSAGE(path, get);
            CPPUNIT_ASSERT_EQUAL(std::string(id), get->getValue<std::string>("operationId"));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(path + std::string(": open"), size_t(0), get->getArray("security")->size());
            for (const char* code : {"200", "304", "404"})
                CPPUNIT_ASSERT_MESSAGE(path + std::string(" ") + code, get->getObject("responses")->has(code));
        }
    }

    void testStaticDirWithoutTheConsoleStopsTheStart()
    {
        std::filesystem::create_directories(dir_.file("empty"));
        std::string log;
        jiffyd_.run(config("{\"plugin\": \"console\"}"), {"--generate-keys"}, log);
        int code =
            jiffyd_.run(config(R"({"plugin": "console", "static_dir": ")" + dir_.file("empty") + "\"}"), {}, log);
        CPPUNIT_ASSERT_MESSAGE(log, code != 0);
        CPPUNIT_ASSERT_MESSAGE(log, contains(log, "static_dir: " + dir_.file("empty") + " has no index.html"));
        code = jiffyd_.run(config(R"({"plugin": "console", "static_dir": ")" + dir_.file("missing") + "\"}"), {}, log);
        CPPUNIT_ASSERT_MESSAGE(log, code != 0);
        CPPUNIT_ASSERT_MESSAGE(log, contains(log, "static_dir: " + dir_.file("missing") + " is not a directory"));
    }

    void testStaticDirServesOnlyPlainNames()
    {
        const std::string d = dir_.file("site");
        std::filesystem::create_directories(d + "/sub");
        jiffy::test::writeFile(d + "/index.html", "<!doctype html><title>mine</title>");
        jiffy::test::writeFile(d + "/.secret.js", "secret");
        jiffy::test::writeFile(d + "/notes.txt", "not a console file type");
        jiffy::test::writeFile(d + "/sub/inner.js", "inner");
        std::filesystem::create_symlink("/etc/passwd", d + "/passwd.js");
        start(R"({"plugin": "console", "static_dir": ")" + d + "\"}");
        CPPUNIT_ASSERT_EQUAL(std::string("<!doctype html><title>mine</title>"), jiffyd_.get("/_/").body);
        for (const std::string p : {"/_/.secret.js", "/_/notes.txt", "/_/sub/inner.js", "/_/sub", "/_/passwd.js"})
            CPPUNIT_ASSERT_EQUAL_MESSAGE(p, 404, raw(p).status);
    }

    /// The cluster panel refreshes once per protocol period: GET /cluster
    /// says how long that is (ping_cycle in ms), and /openapi.json says so too.
    /// A lone jiffyd is a group of one (its own leader).
    void testClusterViewGivesThePanelItsPingCycle()
    {
        for (const auto& [pingCycle, ms] : {std::pair{"", 1000}, std::pair{" \"ping_cycle\": 3,\n", 3000}}) {
            start("{\"plugin\": \"console\"}", pingCycle);
            HttpResult login = jiffyd_.post("/usr/login", R"({"email":"admin","password":"initpass"})");
            CPPUNIT_ASSERT_EQUAL_MESSAGE(login.body, 200, login.status);
            const std::string token = Poco::JSON::Parser()
                                          .parse(login.body)
                                          .extract<Poco::JSON::Object::Ptr>()
                                          ->getValue<std::string>("token");
            // The node joins its group of one just after the start: wait for it (generous bound).
            HttpResult r;
            Poco::JSON::Object::Ptr view;
            for (int i = 0; i < 400; ++i) {
                r = jiffyd_.get("/cluster", {{"Authorization", "Bearer " + token}});
                CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
                view = Poco::JSON::Parser().parse(r.body).extract<Poco::JSON::Object::Ptr>();
                if (view->getValue<uint64_t>("self") != 0) break;
                std::this_thread::sleep_for(std::chrono::milliseconds(25));
            }
            CPPUNIT_ASSERT_MESSAGE(r.body, view->has("ping_cycle_ms"));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, ms, view->getValue<int>("ping_cycle_ms"));
            CPPUNIT_ASSERT_MESSAGE(r.body, view->getValue<uint64_t>("self") != 0);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, view->getValue<uint64_t>("self"), view->getValue<uint64_t>("leader"));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, size_t(1), view->getArray("members")->size());
            auto schema = jiffy::test::openApiResponseSchema(jiffyd_.get("/openapi.json").body, "/cluster");
            CPPUNIT_ASSERT(schema->getObject("properties")->has("ping_cycle_ms"));
            jiffyd_.stop();
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ConsoleHttpTest);
