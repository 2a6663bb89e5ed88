// The host's option tables: every key of logging, http, auth and the top
// level reads its type and range with the messages the loader always gave,
// and docs/config.md lists every key with the default and range the code has.
#include "config/ConfigLoader.h"
#include "support/TestSupport.h"

#include <cppunit/extensions/HelperMacros.h>

#include <fstream>
#include <algorithm>
#include <set>
#include <sstream>

using jiffy::host::Config;
using jiffy::host::ConfigError;
using jiffy::host::ConfigLoader;

namespace {

/// One wrong value for every typed key of every section, in the order the loader reads them.
const char* kEveryKeyWrong = R"({
    "external_address": 5, "internal_address": "nohost", "env": 3, "ping_cycle": -1,
    "failure_threshold": "x", "pepper": 1, "hmac_Key": true, "cert_file": 2, "key_file": [],
    "rsa256_priv_key_file": 1, "jwt_sign_method": "HS256", "jwt_lifetime": 4294967296, "plugins_dir": {},
    "logging": {"active": "yes", "callLocation": 1, "colorMsgTypes": null, "infoMsgs": 0, "warningMsgs": "true",
                "errorMsgs": [], "debugMsgs": {}, "traceMsgs": 1.5, "format": "xml", "output": "",
                "rotate_bytes": 100, "keep": 0, "requests": "no", "request_sample": 2,
                "repeat_burst": 0, "repeat_interval_s": 86401, "colour": true},
    "http": {"max_body_bytes": 0, "max_threads": 1025, "max_queued": "many", "keep_alive": 1,
             "keep_alive_timeout_s": 0, "drain_timeout_ms": -1, "max_connections_per_client": 100001,
             "request_head_timeout_ms": 3600001, "max_bodybytes": 1},
    "auth": {"enabled": "no", "open_registration": 1, "registration_groups": ["", "super", 3],
             "registration_active": "no", "admin_password": "short", "password_hash": "md5",
             "bcrypt_cost": 9, "argon2_time_cost": 101, "argon2_memory_kib": 8191, "argon2_parallelism": 65,
             "login_max_failures": 0, "login_max_failures_per_address": 100001, "login_window_s": 0,
             "login_lockout_s": 86401, "token_leeway_s": 601, "token_cache_size": -1,
             "cache_refresh_s": 86401, "bcryptcost": 12},
    "service_activations": [{"service_name": 1, "service_active": "yes"}],
    "routes": [{"plugin": 1}]
})";

const char* kEveryKeyWrongIssues =
    "t.json: external_address: expected \"host:port\", got number 5\n"
    "t.json: internal_address: expected \"host:port\", got \"nohost\"\n"
    "t.json: env: expected a string, got number 3\n"
    "t.json: ping_cycle: expected an integer from 0 to 4294967295, got -1\n"
    "t.json: failure_threshold: expected an integer, got string \"x\"\n"
    "t.json: pepper: expected a string, got number 1\n"
    "t.json: hmac_Key: expected a string, got true\n"
    "t.json: cert_file: expected a string, got number 2\n"
    "t.json: key_file: expected a string, got an array\n"
    "t.json: rsa256_priv_key_file: expected a string, got number 1\n"
    "t.json: jwt_sign_method: expected one of ES256, ES384, ES512, RS256, RS384, RS512, got \"HS256\"\n"
    "t.json: jwt_lifetime: expected an integer from 0 to 4294967295, got 4294967296\n"
    "t.json: plugins_dir: expected a string, got an object\n"
    "t.json: logging.active: expected true or false, got string \"yes\"\n"
    "t.json: logging.callLocation: expected true or false, got number 1\n"
    "t.json: logging.infoMsgs: expected true or false, got number 0\n"
    "t.json: logging.warningMsgs: expected true or false, got string \"true\"\n"
    "t.json: logging.errorMsgs: expected true or false, got an array\n"
    "t.json: logging.debugMsgs: expected true or false, got an object\n"
    "t.json: logging.traceMsgs: expected true or false, got number 1.5\n"
    "t.json: logging.format: expected \"text\" or \"json\", got \"xml\"\n"
    "t.json: logging.output: expected \"stderr\" or a file path, got \"\"\n"
    "t.json: logging.rotate_bytes: expected an integer from 4096 to 1099511627776, got 100\n"
    "t.json: logging.keep: expected an integer from 1 to 1000, got 0\n"
    "t.json: logging.requests: expected true or false, got string \"no\"\n"
    "t.json: logging.request_sample: expected a number from 0 to 1, got number 2\n"
    "t.json: logging.repeat_burst: expected an integer from 1 to 1000000, got 0\n"
    "t.json: logging.repeat_interval_s: expected an integer from 1 to 86400, got 86401\n"
    "t.json: http.max_body_bytes: expected an integer from 1 to 4294967296, got 0\n"
    "t.json: http.max_threads: expected an integer from 1 to 1024, got 1025\n"
    "t.json: http.max_queued: expected an integer, got string \"many\"\n"
    "t.json: http.keep_alive: expected true or false, got number 1\n"
    "t.json: http.keep_alive_timeout_s: expected an integer from 1 to 3600, got 0\n"
    "t.json: http.drain_timeout_ms: expected an integer from 0 to 600000, got -1\n"
    "t.json: http.max_connections_per_client: expected an integer from 0 to 100000, got 100001\n"
    "t.json: http.request_head_timeout_ms: expected an integer from 0 to 3600000, got 3600001\n"
    "t.json: auth.enabled: expected true or false, got string \"no\"\n"
    "t.json: auth.open_registration: expected true or false, got number 1\n"
    "t.json: auth.registration_groups[0]: expected a group name, got string \"\"\n"
    "t.json: auth.registration_groups[1]: \"Super\" can never be given to self-registered users: it holds every "
    "authorization\n"
    "t.json: auth.registration_groups[2]: expected a group name, got number 3\n"
    "t.json: auth.registration_active: expected true or false, got string \"no\"\n"
    "t.json: auth.admin_password: the admin password must be at least 6 characters\n"
    "t.json: auth.password_hash: expected \"bcrypt\" or \"argon2id\", got \"md5\"\n"
    "t.json: auth.bcrypt_cost: expected an integer from 10 to 16, got 9\n"
    "t.json: auth.argon2_time_cost: expected an integer from 1 to 100, got 101\n"
    "t.json: auth.argon2_memory_kib: expected an integer from 8192 to 4194304, got 8191\n"
    "t.json: auth.argon2_parallelism: expected an integer from 1 to 64, got 65\n"
    "t.json: auth.login_max_failures: expected an integer from 1 to 1000, got 0\n"
    "t.json: auth.login_max_failures_per_address: expected an integer from 1 to 100000, got 100001\n"
    "t.json: auth.login_window_s: expected an integer from 1 to 86400, got 0\n"
    "t.json: auth.login_lockout_s: expected an integer from 1 to 86400, got 86401\n"
    "t.json: auth.token_leeway_s: expected an integer from 0 to 600, got 601\n"
    "t.json: auth.token_cache_size: expected an integer from 0 to 10000000, got -1\n"
    "t.json: auth.cache_refresh_s: expected an integer from 0 to 86400, got 86401\n"
    "t.json: routes[0].plugin: expected a string, got number 1\n"
    "t.json: service_activations[0].service_name: expected a string, got number 1\n"
    "t.json: service_activations[0].service_active: expected true or false, got string \"yes\"\n"
    "t.json: service_activations[0].service_name: required: the entity name, e.g. \"Library\"";

/// A valid non-default value for every typed key, spelt in other cases.
const char* kEveryKeySet = R"({
    "External_Address": "127.0.0.2:81", "INTERNAL_ADDRESS": "[::1]:82", "Env": "dev", "Ping_Cycle": 3,
    "Failure_Threshold": 7, "Pepper": "pep", "HMAC_KEY": "hm", "Cert_File": "c.pem", "Key_File": "k.pem",
    "Rsa256_Priv_Key_File": "r.pem", "JWT_Sign_Method": "ES521", "Jwt_Lifetime": 9, "Plugins_Dir": "plug",
    "Logging": {"Active": false, "CALLLOCATION": true, "colormsgtypes": false, "InfoMsgs": false,
                "WarningMsgs": false, "ErrorMsgs": false, "DebugMsgs": true, "TraceMsgs": true,
                "Format": "json", "Output": "log/j.log", "Rotate_Bytes": 4096, "Keep": 2, "Requests": false,
                "Request_Sample": 0.25, "Repeat_Burst": 3, "Repeat_Interval_S": 7},
    "Http": {"Max_Body_Bytes": "99", "Max_Threads": 2, "Max_Queued": 3, "Keep_Alive": false,
             "Keep_Alive_Timeout_S": 4, "Drain_Timeout_Ms": 5, "Max_Connections_Per_Client": 6,
             "Request_Head_Timeout_Ms": 0},
    "Auth": {"Enabled": false, "Open_Registration": false, "Registration_Groups": [" Readers "],
             "Registration_Active": true, "Admin_Password": "long-enough", "Password_Hash": "argon2id",
             "Bcrypt_Cost": 16, "Argon2_Time_Cost": 3, "Argon2_Memory_KiB": 8192, "Argon2_Parallelism": 2,
             "Login_Max_Failures": 6, "Login_Max_Failures_Per_Address": 7, "Login_Window_S": 8,
             "Login_Lockout_S": 9, "Token_Leeway_S": 0, "Token_Cache_Size": 0, "Cache_Refresh_S": 0},
    "Service_Activations": [{"Service_Name": "Library", "Service_Active": true}],
    "Routes": [{"Plugin": "hello"}], "Database": {"db_dialect": "sqlite"}
})";

std::string readFile(const std::string& path)
{
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

/// A reference row as docs/config.md writes it ("—" for no default or any value).
std::string markdownRow(const jiffy::host::OptionReferenceRow& r)
{
    auto cell = [](const std::string& v) { return v.empty() ? std::string("—") : v; };
    return "| `" + r.key + "` | " + r.type + " | " + cell(r.defaultValue) + " | " + cell(r.range) + " | " + r.help +
           " |";
}

} // namespace

class ConfigTableTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ConfigTableTest);
    CPPUNIT_TEST(testEveryKeyNamesItsTypeOrRange);
    CPPUNIT_TEST(testEveryKeyReachesItsMember);
    CPPUNIT_TEST(testUnknownSectionKeysWarn);
    CPPUNIT_TEST(testDocsListEveryHostKey);
    CPPUNIT_TEST_SUITE_END();

    /// No environment: ${VAR} has no value unless the config gives a default.
    ConfigLoader loader_{[](const std::string&) { return std::optional<std::string>(); }};

public:
    void testEveryKeyNamesItsTypeOrRange()
    {
        try {
            loader_.loadText(kEveryKeyWrong, "t.json", "/srv/app");
            CPPUNIT_FAIL("a config with a wrong value in every key was accepted");
        } catch (const ConfigError& e) {
            CPPUNIT_ASSERT_EQUAL(std::string(kEveryKeyWrongIssues), std::string(e.message()));
        }
    }

    void testEveryKeyReachesItsMember()
    {
        Config c = loader_.loadText(kEveryKeySet, "t.json", "/srv/app");
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.2:81"), c.externalAddress.text());
        CPPUNIT_ASSERT_EQUAL(std::string("[::1]:82"), c.internalAddress.text());
        CPPUNIT_ASSERT_EQUAL(std::string("dev"), c.env);
        CPPUNIT_ASSERT_EQUAL(uint32_t(3), c.pingCycle);
        CPPUNIT_ASSERT_EQUAL(uint64_t(7), c.failureThreshold);
        CPPUNIT_ASSERT_EQUAL(std::string("pep"), c.pepper);
        CPPUNIT_ASSERT_EQUAL(std::string("hm"), c.hmacKey);
        CPPUNIT_ASSERT_EQUAL(std::string("c.pem"), c.certFile);
        CPPUNIT_ASSERT_EQUAL(std::string("k.pem"), c.keyFile);
        CPPUNIT_ASSERT_EQUAL(std::string("r.pem"), c.jwtKeyFiles["rsa256_priv_key_file"]);
        CPPUNIT_ASSERT_EQUAL(std::string("ES512"), c.jwtSignMethod);
        CPPUNIT_ASSERT_EQUAL(uint32_t(9), c.jwtLifetimeMinutes);
        CPPUNIT_ASSERT_EQUAL(std::string("/srv/app/plug"), c.pluginsDir);

        const auto& l = c.logging;
        CPPUNIT_ASSERT(!l.active && l.callLocation && !l.colorMsgTypes && !l.infoMsgs && !l.warningMsgs &&
                       !l.errorMsgs && l.debugMsgs && l.traceMsgs && !l.requests);
        CPPUNIT_ASSERT_EQUAL(std::string("json"), l.format);
        CPPUNIT_ASSERT_EQUAL(std::string("/srv/app/log/j.log"), l.output);
        CPPUNIT_ASSERT_EQUAL(int64_t(4096), l.rotateBytes);
        CPPUNIT_ASSERT_EQUAL(2, l.keep);
        CPPUNIT_ASSERT_EQUAL(0.25, l.requestSample);
        CPPUNIT_ASSERT_EQUAL(3, l.repeatBurst);
        CPPUNIT_ASSERT_EQUAL(7, l.repeatIntervalS);

        const auto& h = c.http;
        CPPUNIT_ASSERT_EQUAL(int64_t(99), h.maxBodyBytes);
        CPPUNIT_ASSERT_EQUAL(2, h.maxThreads);
        CPPUNIT_ASSERT_EQUAL(3, h.maxQueued);
        CPPUNIT_ASSERT(!h.keepAlive);
        CPPUNIT_ASSERT_EQUAL(4, h.keepAliveTimeoutS);
        CPPUNIT_ASSERT_EQUAL(5, h.drainTimeoutMs);
        CPPUNIT_ASSERT_EQUAL(6, h.maxConnectionsPerClient);
        CPPUNIT_ASSERT_EQUAL(0, h.requestHeadTimeoutMs);

        const auto& a = c.auth;
        CPPUNIT_ASSERT(!a.enabled && !a.openRegistration && a.registrationActive);
        CPPUNIT_ASSERT_EQUAL(size_t(1), a.registrationGroups.size());
        CPPUNIT_ASSERT_EQUAL(std::string("Readers"), a.registrationGroups[0]);
        CPPUNIT_ASSERT_EQUAL(std::string("long-enough"), a.adminPassword);
        CPPUNIT_ASSERT_EQUAL(std::string("argon2id"), a.passwordHash);
        CPPUNIT_ASSERT_EQUAL(16, a.bcryptCost);
        CPPUNIT_ASSERT_EQUAL(3, a.argon2TimeCost);
        CPPUNIT_ASSERT_EQUAL(8192, a.argon2MemoryKiB);
        CPPUNIT_ASSERT_EQUAL(2, a.argon2Parallelism);
        CPPUNIT_ASSERT_EQUAL(6, a.loginMaxFailures);
        CPPUNIT_ASSERT_EQUAL(7, a.loginMaxFailuresPerAddress);
        CPPUNIT_ASSERT_EQUAL(8, a.loginWindowS);
        CPPUNIT_ASSERT_EQUAL(9, a.loginLockoutS);
        CPPUNIT_ASSERT_EQUAL(0, a.tokenLeewayS);
        CPPUNIT_ASSERT_EQUAL(0, a.tokenCacheSize);
        CPPUNIT_ASSERT_EQUAL(0, a.cacheRefreshS);

        CPPUNIT_ASSERT_EQUAL(size_t(1), c.serviceActivations.size());
        CPPUNIT_ASSERT(c.serviceActive("Library"));
        CPPUNIT_ASSERT_EQUAL(size_t(1), c.routes.size());
        CPPUNIT_ASSERT_EQUAL(std::string("hello"), c.routes[0].plugin);
        std::string w;
        for (const auto& x : c.warnings) w += x + "\n";
        CPPUNIT_ASSERT_EQUAL(std::string(), w);
    }

    void testUnknownSectionKeysWarn()
    {
        Config c = loader_.loadText(
            R"({"logging": {"colour": true}, "http": {"max_bodybytes": 1}, "auth": {"bcryptcost": 12},
                "Pepers": "x", "database": {"db_dialect": "sqlite"}})",
            "t.json", "/srv/app");
        std::string w;
        for (const auto& x : c.warnings) w += x + "\n";
        CPPUNIT_ASSERT_EQUAL(std::string("logging.colour: unknown key, ignored\n"
                                         "http.max_bodybytes: unknown key, ignored\n"
                                         "auth.bcryptcost: unknown key, ignored\n"
                                         "Pepers: unknown key, did you mean \"pepper\"? (ignored)\n"),
                             w);
    }

    /// docs/config.md's key table is the loader's tables, row for row: a key
    /// added, a default or range changed in Config.h or ConfigLoader.cpp fails here.
    void testDocsListEveryHostKey()
    {
        const std::string docsPath = std::string(JIFFY_TEST_SOURCE_DIR) + "/docs/config.md";
        std::istringstream docs(readFile(docsPath));
        std::vector<std::string> documented;
        for (std::string line; std::getline(docs, line);)
            if (line.rfind("| `", 0) == 0) documented.push_back(line);
        std::string expected, missing;
        std::set<std::string> rows;
        for (const auto& r : jiffy::host::hostOptionReference()) {
            expected += markdownRow(r) + "\n";
            rows.insert(markdownRow(r));
            if (std::find(documented.begin(), documented.end(), markdownRow(r)) == documented.end())
                missing += markdownRow(r) + "\n";
        }
        CPPUNIT_ASSERT_MESSAGE("the loader reads no keys?", rows.size() > 60);
        std::string stale;
        for (const auto& line : documented)
            if (!rows.count(line)) stale += line + "\n";
        CPPUNIT_ASSERT_MESSAGE(docsPath + " disagrees with the option tables.\nMissing or different:\n" + missing +
                                   "Not in the tables:\n" + stale + "The table as the code has it:\n" + expected,
                               missing.empty() && stale.empty());
        std::string inOrder;
        for (const auto& line : documented) inOrder += line + "\n";
        CPPUNIT_ASSERT_EQUAL_MESSAGE("rows out of the loader's order", expected, inOrder);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ConfigTableTest);
