// Config parsing and validation: jiffy's keys are accepted as they are, and
// every kind of bad file names the JSON path of the problem.
#include "config/ConfigLoader.h"
#include "plugins/PluginRegistry.h"
#include "support/TestSupport.h"

#include <cppunit/extensions/HelperMacros.h>

using jiffy::host::Config;
using jiffy::host::ConfigError;
using jiffy::host::ConfigLoader;

using jiffy::test::contains;

namespace {

/// A config as jiffy generates it (libraryapp's .dev.config.json, SQLite).
const char* kJiffyConfig = R"({
    "external_address": "127.0.0.1:8080",
    "internal_address": "127.0.0.1:4444",
    "env": "dev",
    "ping_cycle": 1,
    "failure_threshold": 5,
    "pepper": "secret-pepper-key",
    "hmac_Key": "secret-hmac-key",
    "database": {
        "db_dialect": "sqlite",
        "host": "localhost",
        "port": 5432,
        "usr": "godev",
        "password": "gogogo123",
        "name": "testdb.db",
        "ormLogActive": true,
        "ormDebugTraceActive": false
    },
    "group_leader_kvs": {
        "local_standalone": {"active": true, "internal_address": "127.0.0.1:4444"},
        "redis": {"active": false, "max_idle": 80, "max_active": 12000, "redis_protocol": "tcp", "redis_address": "127.0.0.1:6379"},
        "memcached": {"active": false, "memcached_addresses": ["127.0.0.1:11211"]},
        "sluggo": {"active": false, "sluggo_address": "127.0.0.1:7070"}
    },
    "logging": {"active": true, "callLocation": false, "colorMsgTypes": true, "infoMsgs": false,
                "warningMsgs": true, "errorMsgs": true, "debugMsgs": false, "traceMsgs": false},
    "cert_file": "",
    "key_file": "",
    "rsa256_priv_key_file": "",
    "ecdsa384_priv_key_file": "jwtkeys/ecdsa384/ec384.priv.pem",
    "ecdsa384_pub_key_file": "jwtkeys/ecdsa384/ec384.pub.pem",
    "jwt_sign_method": "ES384",
    "jwt_lifetime": 120,
    "service_activations": [
        {"service_name": "Library", "service_active": true},
        {"service_name": "Book", "service_active": false}
    ]
})";

std::string issuesOf(const std::string& text, jiffy::host::EnvLookup env = {})
{
    try {
        ConfigLoader loader(env ? env : [](const std::string&) { return std::optional<std::string>(); });
        loader.loadText(text, "test.json", "/tmp");
    } catch (const ConfigError& e) {
        return e.message();
    }
    return "";
}

} // namespace

class ConfigLoaderTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ConfigLoaderTest);
    CPPUNIT_TEST(testJiffyGeneratedConfigLoads);
    CPPUNIT_TEST(testSampleConfigsLoad);
    CPPUNIT_TEST(testEmptyObjectGivesEmbeddedDefaults);
    CPPUNIT_TEST(testWrongTypeNamesItsPath);
    CPPUNIT_TEST(testBadAddressNamesItsPath);
    CPPUNIT_TEST(testNestedWrongTypeNamesItsPath);
    CPPUNIT_TEST(testNoActiveKvsIsRefused);
    CPPUNIT_TEST(testTwoActiveKvsAreRefused);
    CPPUNIT_TEST(testUnknownKvsNeedsPlugin);
    CPPUNIT_TEST(testEtcdIsABuiltinKvs);
    CPPUNIT_TEST(testCustomKvsNamesItsPlugin);
    CPPUNIT_TEST(testUnknownDialectIsRefused);
    CPPUNIT_TEST(testJiffyOnlyDialectIsExplained);
    CPPUNIT_TEST(testMysqlAndMariadbPickTheMysqlPlugin);
    CPPUNIT_TEST(testMalformedJsonIsRefused);
    CPPUNIT_TEST(testTopLevelArrayIsRefused);
    CPPUNIT_TEST(testMissingFileIsRefused);
    CPPUNIT_TEST(testEveryProblemIsReported);
    CPPUNIT_TEST(testEnvironmentIsExpanded);
    CPPUNIT_TEST(testUnsetVariableNamesItsPath);
    CPPUNIT_TEST(testKeysMatchCaseInsensitivelyAsJiffy);
    CPPUNIT_TEST(testUnknownKeyOnlyWarns);
    CPPUNIT_TEST(testUnknownTopLevelKeyIsAnErrorInProd);
    CPPUNIT_TEST(testTwoSpellingsOfOneKeyAreRefused);
    CPPUNIT_TEST(testEnvIsDevOrProd);
    CPPUNIT_TEST(testRouteEntryNeedsPlugin);
    CPPUNIT_TEST(testSignMethodIsChecked);
    CPPUNIT_TEST(testProdNeedsCertificate);
    CPPUNIT_TEST(testRegistrationGroupsNeverHoldSuper);
    CPPUNIT_TEST(testPluginOptionTypeNamesItsPath);
    CPPUNIT_TEST(testMissingPluginNamesWhereItLooked);
    CPPUNIT_TEST_SUITE_END();

public:
    void testJiffyGeneratedConfigLoads()
    {
        Config c = ConfigLoader().loadText(kJiffyConfig, "jiffy.json", "/srv/app");
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1"), c.externalAddress.host);
        CPPUNIT_ASSERT_EQUAL(uint16_t(8080), c.externalAddress.port);
        CPPUNIT_ASSERT_EQUAL(uint16_t(4444), c.internalAddress.port);
        CPPUNIT_ASSERT_EQUAL(std::string("sqlite"), c.database.dialect);
        CPPUNIT_ASSERT_EQUAL(std::string("sqlite"), c.database.plugin);
        CPPUNIT_ASSERT_EQUAL(std::string("local_standalone"), c.kvs.entry);
        CPPUNIT_ASSERT_EQUAL(std::string("standalone"), c.kvs.plugin);
        CPPUNIT_ASSERT_EQUAL(uint32_t(120), c.jwtLifetimeMinutes);
        CPPUNIT_ASSERT_EQUAL(std::string("ES384"), c.jwtSignMethod);
        CPPUNIT_ASSERT_EQUAL(std::string("jwtkeys/ecdsa384/ec384.priv.pem"), c.jwtKeyFiles["ecdsa384_priv_key_file"]);
        CPPUNIT_ASSERT(!c.logging.infoMsgs);
        CPPUNIT_ASSERT(c.serviceActive("Library"));
        CPPUNIT_ASSERT(!c.serviceActive("Book"));
        CPPUNIT_ASSERT(!c.serviceActive("Unknown"));
        CPPUNIT_ASSERT_EQUAL(std::string("/srv/app/testdb.db"), c.resolvePath("testdb.db"));
        CPPUNIT_ASSERT(c.warnings.empty());
    }

    void testSampleConfigsLoad()
    {
        Config c = ConfigLoader().loadFile(jiffy::test::sourceDir() + "/config/all-in-one.config.json");
        CPPUNIT_ASSERT_EQUAL(uint16_t(8080), c.externalAddress.port);
        CPPUNIT_ASSERT_EQUAL(std::string("standalone"), c.kvs.plugin);
        Config pg = ConfigLoader().loadFile(jiffy::test::sourceDir() + "/config/postgres.config.json");
        CPPUNIT_ASSERT_EQUAL(std::string("postgres"), pg.database.plugin);
        CPPUNIT_ASSERT(pg.warnings.empty());
        Config my = ConfigLoader().loadFile(jiffy::test::sourceDir() + "/config/mysql.config.json");
        CPPUNIT_ASSERT_EQUAL(std::string("mysql"), my.database.plugin);
        CPPUNIT_ASSERT(my.warnings.empty());
        auto env = [](const std::string& n) -> std::optional<std::string> {
            if (n == "JIFFY_PEPPER") return std::string("a long random pepper");
            if (n == "JIFFY_HMAC_KEY") return std::string("a long random hmac key");
            return std::nullopt;
        };
        Config prod = ConfigLoader(env).loadFile(jiffy::test::sourceDir() + "/config/production.config.json");
        CPPUNIT_ASSERT(!prod.auth.openRegistration);
        CPPUNIT_ASSERT_EQUAL(std::string("prod"), prod.env);
        CPPUNIT_ASSERT(prod.warnings.empty());
        // without a pepper the production sample refuses to load
        CPPUNIT_ASSERT_THROW(ConfigLoader([](const std::string&) {
                                 return std::optional<std::string>();
                             }).loadFile(jiffy::test::sourceDir() + "/config/production.config.json"),
                             ConfigError);
    }

    void testEmptyObjectGivesEmbeddedDefaults()
    {
        Config c = ConfigLoader().loadText("{}", "t", "/tmp");
        CPPUNIT_ASSERT_EQUAL(std::string("sqlite"), c.database.plugin);
        CPPUNIT_ASSERT_EQUAL(std::string("standalone"), c.kvs.plugin);
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1:8080"), c.externalAddress.text());
    }

    void testWrongTypeNamesItsPath()
    {
        std::string m = issuesOf(R"({"ping_cycle": "fast"})");
        CPPUNIT_ASSERT_EQUAL(std::string("test.json: ping_cycle: expected an integer, got string \"fast\""), m);
    }

    void testBadAddressNamesItsPath()
    {
        std::string m = issuesOf(R"({"external_address": "8080"})");
        CPPUNIT_ASSERT_EQUAL(std::string("test.json: external_address: expected \"host:port\", got \"8080\""), m);
        m = issuesOf(R"({"internal_address": "127.0.0.1:99999"})");
        CPPUNIT_ASSERT(m.find("internal_address: port must be 1-65535") != std::string::npos);
    }

    void testNestedWrongTypeNamesItsPath()
    {
        std::string m = issuesOf(R"({"group_leader_kvs": {"redis": {"active": "yes"}}})");
        CPPUNIT_ASSERT(m.find("group_leader_kvs.redis.active: expected true or false, got string \"yes\"") !=
                       std::string::npos);
        m = issuesOf(R"({"logging": {"debugMsgs": 1}})");
        CPPUNIT_ASSERT(m.find("logging.debugMsgs: expected true or false, got number 1") != std::string::npos);
    }

    void testNoActiveKvsIsRefused()
    {
        std::string m = issuesOf(R"({"group_leader_kvs": {"redis": {"active": false}}})");
        CPPUNIT_ASSERT(m.find("group_leader_kvs: no entry has \"active\": true") != std::string::npos);
    }

    void testTwoActiveKvsAreRefused()
    {
        std::string m = issuesOf(R"({"group_leader_kvs": {"redis": {"active": true}, "sluggo": {"active": true}}})");
        CPPUNIT_ASSERT(m.find("only one group_leader_kvs subsystem may be set as active; found 2") !=
                       std::string::npos);
    }

    void testUnknownKvsNeedsPlugin()
    {
        std::string m = issuesOf(R"({"group_leader_kvs": {"zookeeper": {"active": true}}})");
        CPPUNIT_ASSERT(m.find("group_leader_kvs.zookeeper: unknown KVS \"zookeeper\"") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(m, m.find("memcached and etcd") != std::string::npos);
    }

    void testEtcdIsABuiltinKvs()
    {
        Config c = ConfigLoader().loadText(R"({"group_leader_kvs": {"etcd": {"active": true}}})", "t", "/tmp");
        CPPUNIT_ASSERT_EQUAL(std::string("etcd"), c.kvs.entry);
        CPPUNIT_ASSERT_EQUAL(std::string("etcd"), c.kvs.plugin);
    }

    void testCustomKvsNamesItsPlugin()
    {
        Config c = ConfigLoader().loadText(
            R"({"group_leader_kvs": {"files": {"active": true, "plugin": "/opt/kvs/libmykvs.so", "dir": "/x"}}})", "t",
            "/tmp");
        CPPUNIT_ASSERT_EQUAL(std::string("files"), c.kvs.entry);
        CPPUNIT_ASSERT_EQUAL(std::string("/opt/kvs/libmykvs.so"), c.kvs.plugin);
    }

    void testUnknownDialectIsRefused()
    {
        std::string m = issuesOf(R"({"database": {"db_dialect": "oracle"}})");
        CPPUNIT_ASSERT(m.find("database.db_dialect: unknown dialect \"oracle\"") != std::string::npos);
    }

    void testJiffyOnlyDialectIsExplained()
    {
        std::string m = issuesOf(R"({"database": {"db_dialect": "mssql"}})");
        CPPUNIT_ASSERT(m.find("database.db_dialect: \"mssql\" is a jiffy dialect that Jiffy C++ does not support") !=
                       std::string::npos);
    }

    void testMysqlAndMariadbPickTheMysqlPlugin()
    {
        for (const char* d : {"mysql", "mariadb"}) {
            Config c = ConfigLoader().loadText(
                std::string(R"({"database": {"db_dialect": ")") + d + R"(", "usr": "u", "name": "n"}})", "t", "/tmp");
            CPPUNIT_ASSERT_EQUAL(std::string("mysql"), c.database.plugin);
            CPPUNIT_ASSERT_EQUAL(std::string("mysql"), c.database.dialect);
        }
    }

    void testMalformedJsonIsRefused()
    {
        std::string m = issuesOf("{\"external_address\": \"127.0.0.1:8080\",,}");
        CPPUNIT_ASSERT_MESSAGE(m, m.find("test.json:1:39: not valid JSON: expected a quoted key") != std::string::npos);
        m = issuesOf("{\n  \"env\": \"dev\",\n  \"ping_cycle\": 1\n  \"pepper\": \"x\"\n}\n");
        CPPUNIT_ASSERT_MESSAGE(m, m.find("test.json:4:3: not valid JSON: expected ',' or '}'") != std::string::npos);
        m = issuesOf("{\"a\": [1, 2,]}");
        CPPUNIT_ASSERT_MESSAGE(m, m.find("test.json:1:13: not valid JSON: expected a value") != std::string::npos);
        m = issuesOf("{\"a\": \"unterminated}");
        CPPUNIT_ASSERT_MESSAGE(m, m.find("test.json:1:21: not valid JSON: unterminated string") != std::string::npos);
    }

    void testTopLevelArrayIsRefused()
    {
        std::string m = issuesOf("[1, 2]");
        CPPUNIT_ASSERT(m.find("expected a JSON object at the top level, got an array") != std::string::npos);
    }

    void testMissingFileIsRefused()
    {
        try {
            ConfigLoader().loadFile("/nonexistent/x.config.json");
            CPPUNIT_FAIL("loaded a missing file");
        } catch (const ConfigError& e) {
            CPPUNIT_ASSERT_EQUAL(std::string("/nonexistent/x.config.json: file does not exist"), e.message());
        }
    }

    void testEveryProblemIsReported()
    {
        try {
            ConfigLoader().loadText(R"({"ping_cycle": -1, "env": 3, "jwt_lifetime": "x"})", "t", "/tmp");
            CPPUNIT_FAIL("accepted a bad file");
        } catch (const ConfigError& e) {
            CPPUNIT_ASSERT_EQUAL(size_t(3), e.issues().size());
        }
    }

    void testEnvironmentIsExpanded()
    {
        auto env = [](const std::string& n) -> std::optional<std::string> {
            if (n == "HOST") return std::string("127.0.0.5");
            return std::nullopt;
        };
        Config c = ConfigLoader(env).loadText(R"({"external_address": "${HOST}:${PORT:-9090}"})", "t", "/tmp");
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.5:9090"), c.externalAddress.text());
    }

    void testUnsetVariableNamesItsPath()
    {
        std::string m = issuesOf(R"({"database": {"db_dialect": "postgres", "host": "${DB_HOST}"}})");
        CPPUNIT_ASSERT(m.find("database.host: environment variable DB_HOST is not set") != std::string::npos);
    }

    void testKeysMatchCaseInsensitivelyAsJiffy()
    {
        Config c = ConfigLoader().loadText(R"({"External_Address": "127.0.0.1:1234", "JWT_LIFETIME": 5})", "t", "/tmp");
        CPPUNIT_ASSERT_EQUAL(uint16_t(1234), c.externalAddress.port);
        CPPUNIT_ASSERT_EQUAL(uint32_t(5), c.jwtLifetimeMinutes);
    }

    void testUnknownKeyOnlyWarns()
    {
        Config c = ConfigLoader().loadText(
            R"({"external_adress": "127.0.0.1:1234", "database": {"db_dialect": "sqlite"}})", "t", "/tmp");
        CPPUNIT_ASSERT_EQUAL(size_t(1), c.warnings.size());
        CPPUNIT_ASSERT_EQUAL(std::string("external_adress: unknown key, did you mean \"external_address\"? (ignored)"),
                             c.warnings[0]);
        CPPUNIT_ASSERT_EQUAL(uint16_t(8080), c.externalAddress.port);
    }

    void testUnknownTopLevelKeyIsAnErrorInProd()
    {
        std::string m = issuesOf(R"({"env": "prod", "cert_file": "c", "key_file": "k", "pepper": "p", "hmac_Key": "h",
                                     "databse": {"db_dialect": "postgres"}, "zzzzzzzz": 1})");
        CPPUNIT_ASSERT_MESSAGE(m, contains(m, "test.json: databse: unknown key, did you mean \"database\"? (env "
                                              "\"prod\" refuses unknown keys)"));
        CPPUNIT_ASSERT_MESSAGE(m, contains(m, "test.json: zzzzzzzz: unknown key (env \"prod\" refuses unknown keys)"));
    }

    void testTwoSpellingsOfOneKeyAreRefused()
    {
        std::string m = issuesOf(R"({"JWT_Sign_Method": "ES384", "jwt_sign_method": "RS256"})");
        CPPUNIT_ASSERT_MESSAGE(m,
                               contains(m, "\"JWT_Sign_Method\" and \"jwt_sign_method\" are two spellings of one key"));
        m = issuesOf(R"({"database": {"db_dialect": "sqlite", "Name": "a.db", "name": "b.db"}})");
        CPPUNIT_ASSERT_MESSAGE(m, contains(m, "test.json: database: \"Name\" and \"name\" are two spellings"));
    }

    void testEnvIsDevOrProd()
    {
        std::string m = issuesOf(R"({"env": "production"})");
        CPPUNIT_ASSERT_MESSAGE(m, contains(m, "env: expected \"dev\" or \"prod\" (jiffy's values; \"def\", jiffy's "
                                              "default, is taken as \"dev\"), got \"production\""));
        CPPUNIT_ASSERT(issuesOf(R"({"env": "dev"})").empty());
        // jiffy's own default, written out by a jiffy config: plain HTTP as with "dev".
        CPPUNIT_ASSERT(issuesOf(R"({"env": "def"})").empty());
    }

    void testRouteEntryNeedsPlugin()
    {
        std::string m = issuesOf(R"({"routes": [{"plugin": "hello"}, {"greeting": "x"}, 5]})");
        CPPUNIT_ASSERT(m.find("routes[1].plugin: required") != std::string::npos);
        CPPUNIT_ASSERT(m.find("routes[2]: expected an object") != std::string::npos);
    }

    void testSignMethodIsChecked()
    {
        std::string m = issuesOf(R"({"jwt_sign_method": "HS256"})");
        CPPUNIT_ASSERT(m.find("jwt_sign_method: expected one of ES256, ES384, ES512, RS256, RS384, RS512") !=
                       std::string::npos);
        Config c = ConfigLoader().loadText(R"({"jwt_sign_method": "ES521"})", "t", "/tmp");
        CPPUNIT_ASSERT_EQUAL(std::string("ES512"), c.jwtSignMethod);
    }

    void testRegistrationGroupsNeverHoldSuper()
    {
        Config ok =
            ConfigLoader().loadText(R"({"auth": {"registration_groups": ["Readers", " Writers "]}})", "t.json", "/tmp");
        CPPUNIT_ASSERT_EQUAL(size_t(2), ok.auth.registrationGroups.size());
        CPPUNIT_ASSERT_EQUAL(std::string("Writers"), ok.auth.registrationGroups[1]);
        std::string m = issuesOf(R"({"auth": {"registration_groups": ["Readers", "super"]}})");
        CPPUNIT_ASSERT_MESSAGE(m,
                               jiffy::test::contains(m, "auth.registration_groups[1]: \"Super\" can never be given"));
        m = issuesOf(R"({"auth": {"registration_groups": [3]}})");
        CPPUNIT_ASSERT_MESSAGE(
            m, jiffy::test::contains(m, "auth.registration_groups[0]: expected a group name, got number 3"));
    }

    void testProdNeedsCertificate()
    {
        std::string m = issuesOf(R"({"env": "prod"})");
        CPPUNIT_ASSERT(m.find("env: \"prod\" serves HTTPS and needs cert_file and key_file") != std::string::npos);
    }

    void testPluginOptionTypeNamesItsPath()
    {
        Config c = ConfigLoader().loadText(
            R"({"group_leader_kvs": {"local_standalone": {"active": true, "internal_address": "4444", "max_keys": "x"}}})",
            "t.json", "/tmp");
        jiffy::host::PluginLoader loader({JIFFY_TEST_PLUGIN_DIR});
        jiffy::host::HostServices services;
        jiffy::host::PluginRegistry registry(c, loader, services);
        std::vector<std::string> warnings;
        try {
            registry.check(warnings);
            CPPUNIT_FAIL("accepted bad plugin options");
        } catch (const ConfigError& e) {
            CPPUNIT_ASSERT(
                e.message().find("group_leader_kvs.local_standalone.internal_address: expected \"host:port\", "
                                 "got \"4444\"") != std::string::npos);
            CPPUNIT_ASSERT(e.message().find("group_leader_kvs.local_standalone.max_keys: expected an integer") !=
                           std::string::npos);
        }
    }

    void testMissingPluginNamesWhereItLooked()
    {
        Config c = ConfigLoader().loadText(R"({"routes": [{"plugin": "nosuch"}]})", "t.json", "/tmp");
        jiffy::host::PluginLoader loader({"/nonexistent-a", "/nonexistent-b"});
        jiffy::host::HostServices services;
        jiffy::host::PluginRegistry registry(c, loader, services);
        std::vector<std::string> warnings;
        try {
            registry.check(warnings);
            CPPUNIT_FAIL("accepted a missing plugin");
        } catch (const ConfigError& e) {
            CPPUNIT_ASSERT(e.message().find("routes[0]: no routes plugin \"nosuch\": looked for "
                                            "libjiffy-routes-nosuch.so in /nonexistent-a, /nonexistent-b") !=
                           std::string::npos);
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ConfigLoaderTest);
