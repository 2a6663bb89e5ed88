// Secure defaults of a real jiffyd in env "prod": secrets (sample values
// refused, files, permissions), the default admin password, HTTPS with a
// test CA, old TLS versions refused, bad key/certificate pairs refused with
// the file named, and SIGHUP replacing the certificate while serving.
#include "support/ChildProcess.h"
#include "support/JiffydRunner.h"
#include "support/TestSupport.h"
#include "support/TestTls.h"

#include <cppunit/extensions/HelperMacros.h>

#include <openssl/ssl.h>

#include <chrono>
#include <csignal>
#include <sys/stat.h>
#include <thread>

using jiffy::test::ChildProcess;
using jiffy::test::contains;
using jiffy::test::TempDir;
using jiffy::test::TestCa;
using jiffy::test::TlsClient;

class SecurityTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SecurityTest);
    CPPUNIT_TEST(testProdRefusesSampleAndEmptySecrets);
    CPPUNIT_TEST(testPepperComesFromItsFile);
    CPPUNIT_TEST(testReadableSecretFileIsWarnedAbout);
    CPPUNIT_TEST(testProdRefusesTheDefaultAdminPasswordUntilItIsSet);
    CPPUNIT_TEST(testHttpsRoundTripWithATestCa);
    CPPUNIT_TEST(testTls10And11AreRefused);
    CPPUNIT_TEST(testMismatchedKeyAndCertificateAreRefusedNamingTheFile);
    CPPUNIT_TEST(testCheckConfigOpensKeyAndCertificateFiles);
    CPPUNIT_TEST(testSighupServesANewCertificateToNewConnections);
    CPPUNIT_TEST(testSighupWithABrokenFileChangesNothing);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override
    {
        ca_ = std::make_unique<TestCa>(dir_.path());
        ca_->issue(cert(), key(), "127.0.0.1", -60, 86400, 10);
        secret("pepper", "a pepper only this test knows");
        secret("hmac", "an hmac key only this test knows");
        secret("admin", "admin-password-1");
        std::string log;
        CPPUNIT_ASSERT_EQUAL_MESSAGE(log, 0, run(config(secrets()), {"--generate-keys"}, log));
    }
    void tearDown() override { stop(); }

    void testProdRefusesSampleAndEmptySecrets()
    {
        std::string log;
        CPPUNIT_ASSERT_EQUAL(
            78, run(config("\"pepper\": \"secret-pepper-key\", \"hmac_Key_file\": \"" + dir_.file("hmac") + "\""), {},
                    log));
        CPPUNIT_ASSERT_MESSAGE(log, contains(log, "pepper: is jiffy's sample value \"secret-pepper-key\""));
        CPPUNIT_ASSERT_MESSAGE(log, contains(log, "${JIFFY_PEPPER}") && contains(log, "pepper_file"));
        CPPUNIT_ASSERT_EQUAL(
            78, run(config("\"pepper_file\": \"" + dir_.file("pepper") + "\", \"hmac_Key\": \"\""), {}, log));
        CPPUNIT_ASSERT_MESSAGE(log, contains(log, "hmac_Key: is empty"));
        CPPUNIT_ASSERT_EQUAL(
            78, run(config("\"pepper_file\": \"" + dir_.file("pepper") + "\", \"hmac_Key\": \"secret-hmac-key\""), {},
                    log));
        CPPUNIT_ASSERT_MESSAGE(log, contains(log, "hmac_Key: is jiffy's sample value"));
        CPPUNIT_ASSERT_EQUAL(78, run(config(secrets() + ", \"pepper\": \"x\""), {}, log));
        CPPUNIT_ASSERT_MESSAGE(log, contains(log, "give either pepper or pepper_file, not both"));
        CPPUNIT_ASSERT_EQUAL(78, run(config("\"pepper_file\": \"" + dir_.file("nope") + "\", \"hmac_Key_file\": \"" +
                                            dir_.file("hmac") + "\""),
                                     {}, log));
        CPPUNIT_ASSERT_MESSAGE(log, contains(log, "pepper_file: cannot read \"" + dir_.file("nope") + "\""));
        // A path to an endless or huge file fails at once, naming it.
        for (const std::string& big : {std::string("/dev/zero"), dir_.file("big")}) {
            if (big != "/dev/zero") jiffy::test::writeFile(big, std::string(70000, 'x'));
            CPPUNIT_ASSERT_EQUAL(
                78, run(config("\"pepper_file\": \"" + big + "\", \"hmac_Key_file\": \"" + dir_.file("hmac") + "\""),
                        {}, log));
            CPPUNIT_ASSERT_MESSAGE(log, contains(log, "pepper_file: \"" + big + "\" is larger than 64 KiB"));
        }
    }

    void testPepperComesFromItsFile()
    {
        start(config(secrets(), adminPasswordFile()));
        CPPUNIT_ASSERT_EQUAL(200, login("admin-password-1"));
        stop();
        // Another pepper: the same password no longer verifies.
        secret("pepper", "a different pepper");
        start(config(secrets(), adminPasswordFile()));
        CPPUNIT_ASSERT_EQUAL(400, login("admin-password-1"));
    }

    void testReadableSecretFileIsWarnedAbout()
    {
        ::chmod(dir_.file("pepper").c_str(), 0644);
        start(config(secrets(), adminPasswordFile()));
        CPPUNIT_ASSERT_MESSAGE(log(), contains(log(), "pepper_file: \"" + dir_.file("pepper") +
                                                          "\" is readable by other users (mode 0644); chmod 600 it"));
        CPPUNIT_ASSERT_MESSAGE(log(), !contains(log(), "hmac_Key_file: \""));
    }

    void testProdRefusesTheDefaultAdminPasswordUntilItIsSet()
    {
        std::string log;
        std::string cfg = config(secrets());
        CPPUNIT_ASSERT_EQUAL(78, run(cfg, {}, log));
        CPPUNIT_ASSERT_MESSAGE(log, contains(log, "user admin still has the default password"));
        CPPUNIT_ASSERT_MESSAGE(log, contains(log, "--set-password admin"));
        CPPUNIT_ASSERT_MESSAGE(log, !contains(log, "listening on"));
        // The operator sets it (stdin, as a script would), then it starts.
        ChildProcess set("/bin/sh",
                         {"-c", "printf 'a-new-admin-password\\n' | " + jiffy::test::jiffydBinary() + " --config " +
                                    configFile_ + " --set-password admin"},
                         dir_.file("set.log"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(set.log(), 0, set.wait(30000));
        start(cfg);
        CPPUNIT_ASSERT_EQUAL(200, login("a-new-admin-password"));
        CPPUNIT_ASSERT_EQUAL(400, login("initpass"));
    }

    void testHttpsRoundTripWithATestCa()
    {
        start(config(secrets(), adminPasswordFile()));
        TlsClient c(port_, ca_->certFile());
        CPPUNIT_ASSERT_MESSAGE(c.error(), c.connected());
        std::string r = c.get("/healthz");
        CPPUNIT_ASSERT_MESSAGE(r, contains(r, "HTTP/1.1 200") && contains(r, "{\"status\":\"ok\"}"));
        CPPUNIT_ASSERT_EQUAL(0, jiffy::test::http("GET", "127.0.0.1", port_, "/healthz", "", {}, 2000).status);
    }

    void testTls10And11AreRefused()
    {
        start(config(secrets(), adminPasswordFile()));
        for (int v : {TLS1_VERSION, TLS1_1_VERSION}) {
            TlsClient old(port_, ca_->certFile(), v, v);
            CPPUNIT_ASSERT_MESSAGE("TLS version " + std::to_string(v) + " was accepted", !old.connected());
        }
        // The same lowered client settings succeed with TLS 1.2: the refusal above is the server's.
        TlsClient ok(port_, ca_->certFile(), TLS1_2_VERSION, TLS1_2_VERSION);
        CPPUNIT_ASSERT_MESSAGE(ok.error(), ok.connected());
    }

    void testMismatchedKeyAndCertificateAreRefusedNamingTheFile()
    {
        ca_->issue(dir_.file("other.crt"), dir_.file("other.key"), "127.0.0.1", -60, 86400, 20);
        std::string log;
        CPPUNIT_ASSERT_EQUAL(78, run(config(secrets(), adminPasswordFile(), cert(), dir_.file("other.key")), {}, log));
        CPPUNIT_ASSERT_MESSAGE(log, contains(log, "key_file: \"" + dir_.file("other.key") +
                                                      "\" does not match the certificate in cert_file \"" + cert()));
    }

    void testCheckConfigOpensKeyAndCertificateFiles()
    {
        std::string log;
        CPPUNIT_ASSERT_EQUAL(0, run(config(secrets(), adminPasswordFile()), {"--check-config"}, log));
        ca_->issue(dir_.file("old.crt"), dir_.file("old.key"), "127.0.0.1", -7200, -3600, 30);
        CPPUNIT_ASSERT_EQUAL(78, run(config(secrets(), adminPasswordFile(), dir_.file("old.crt"), dir_.file("old.key")),
                                     {"--check-config"}, log));
        CPPUNIT_ASSERT_MESSAGE(log, contains(log, "cert_file: \"" + dir_.file("old.crt") + "\" expired on"));
        ca_->issue(dir_.file("weak.crt"), dir_.file("weak.key"), "127.0.0.1", -60, 3600, 31, 1024);
        CPPUNIT_ASSERT_EQUAL(78,
                             run(config(secrets(), adminPasswordFile(), dir_.file("weak.crt"), dir_.file("weak.key")),
                                 {"--check-config"}, log));
        CPPUNIT_ASSERT_MESSAGE(log, contains(log, "is an RSA key of 1024 bits"));
        CPPUNIT_ASSERT_EQUAL(
            78, run(config(secrets(), adminPasswordFile(), cert(), dir_.file("missing.key")), {"--check-config"}, log));
        CPPUNIT_ASSERT_MESSAGE(log, contains(log, "key_file: cannot read \"" + dir_.file("missing.key") + "\""));
        std::remove(dir_.file("ec384.pub.pem").c_str());
        CPPUNIT_ASSERT_EQUAL(78, run(config(secrets(), adminPasswordFile()), {"--check-config"}, log));
        CPPUNIT_ASSERT_MESSAGE(log, contains(log, "ecdsa384_pub_key_file"));
    }

    void testSighupServesANewCertificateToNewConnections()
    {
        start(config(secrets(), adminPasswordFile()));
        TlsClient before(port_, ca_->certFile());
        CPPUNIT_ASSERT_MESSAGE(before.error(), before.connected());
        CPPUNIT_ASSERT_EQUAL(std::string("10"), before.peerSerial());
        CPPUNIT_ASSERT(contains(before.get("/healthz"), "HTTP/1.1 200"));
        ca_->issue(cert(), key(), "127.0.0.1", -60, 86400, 11);
        proc_->signal(SIGHUP);
        std::string serial;
        for (int i = 0; i < 100 && serial != "11"; ++i) {
            TlsClient after(port_, ca_->certFile());
            serial = after.peerSerial();
            if (serial != "11") std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        CPPUNIT_ASSERT_EQUAL_MESSAGE(log(), std::string("11"), serial);
        // The connection opened before the reload is not dropped.
        CPPUNIT_ASSERT_MESSAGE(log(), contains(before.get("/healthz"), "HTTP/1.1 200"));
        CPPUNIT_ASSERT(contains(log(), "TLS certificate and key (for new connections)"));
    }

    void testSighupWithABrokenFileChangesNothing()
    {
        start(config(secrets(), adminPasswordFile()));
        std::string good = jiffy::test::readFile(configFile_);
        jiffy::test::writeFile(configFile_, "{ \"env\": \"prod\", oops }");
        proc_->signal(SIGHUP);
        waitForLog("is not valid, nothing changed");
        CPPUNIT_ASSERT(TlsClient(port_, ca_->certFile()).connected());
        // A change that needs a restart is named, the rest applied.
        jiffy::test::writeFile(configFile_, good.substr(0, good.rfind('}')) + ", \"http\": {\"max_threads\": 8}}");
        proc_->signal(SIGHUP);
        waitForLog("changes to http take effect only after a restart");
        CPPUNIT_ASSERT(proc_->running());
    }

private:
    std::string cert() const { return dir_.file("server.crt"); }
    std::string key() const { return dir_.file("server.key"); }
    void secret(const std::string& name, const std::string& value)
    {
        jiffy::test::writeFile(dir_.file(name), value + "\n");
        ::chmod(dir_.file(name).c_str(), 0600);
    }
    std::string secrets() const
    {
        return "\"pepper_file\": \"" + dir_.file("pepper") + "\", \"hmac_Key_file\": \"" + dir_.file("hmac") + "\"";
    }
    std::string adminPasswordFile() const { return "\"admin_password_file\": \"" + dir_.file("admin") + "\""; }

    /// A prod config on a fresh port; `root` goes at the top level, `auth` into "auth".
    std::string config(const std::string& root = "", const std::string& auth = "", std::string certFile = "",
                       std::string keyFile = "")
    {
        if (certFile.empty()) certFile = cert();
        if (keyFile.empty()) keyFile = key();
        port_ = jiffy::test::freePort();
        return "{\"internal_address\": \"127.0.0.1:" + std::to_string(jiffy::test::freePort()) +
               "\", \"external_address\": \"127.0.0.1:" + std::to_string(port_) +
               "\", \"env\": \"prod\", \"cert_file\": \"" + certFile + "\", \"key_file\": \"" + keyFile +
               "\", \"database\": {\"db_dialect\": \"sqlite\", \"name\": \"" + dir_.file("prod.db") +
               "\"}, \"logging\": {\"colorMsgTypes\": false}, \"ecdsa384_priv_key_file\": \"" +
               dir_.file("ec384.priv.pem") + "\", \"ecdsa384_pub_key_file\": \"" + dir_.file("ec384.pub.pem") +
               "\", \"auth\": {\"bcrypt_cost\": 10" + (auth.empty() ? "" : ", " + auth) + "}" +
               (root.empty() ? "" : ", " + root) + "}";
    }
    int run(const std::string& cfg, const std::vector<std::string>& args, std::string& log)
    {
        configFile_ = dir_.file("jiffyd.config.json");
        jiffy::test::writeFile(configFile_, cfg);
        std::vector<std::string> all{"--config", configFile_};
        all.insert(all.end(), args.begin(), args.end());
        return jiffy::test::runJiffydToEnd(all, dir_.file("run.log"), log);
    }
    void start(const std::string& cfg)
    {
        stop();
        configFile_ = dir_.file("jiffyd.config.json");
        jiffy::test::writeFile(configFile_, cfg);
        proc_ = std::make_unique<ChildProcess>(jiffy::test::jiffydBinary(),
                                               std::vector<std::string>{"--config", configFile_},
                                               dir_.file("serve" + std::to_string(++starts_) + ".log"));
        for (int i = 0; i < 200; ++i) {
            if (TlsClient(port_, ca_->certFile()).connected()) return;
            if (!proc_->running()) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        CPPUNIT_FAIL("jiffyd did not serve HTTPS:\n" + proc_->log());
    }
    void stop()
    {
        if (!proc_) return;
        proc_->signal(SIGTERM);
        proc_->wait(15000);
        proc_.reset();
    }
    std::string log() const { return proc_ ? proc_->log() : std::string(); }
    void waitForLog(const std::string& text)
    {
        for (int i = 0; i < 200 && !contains(log(), text); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        CPPUNIT_ASSERT_MESSAGE(log(), contains(log(), text));
    }
    /// POST /usr/login as admin over HTTPS; the status.
    int login(const std::string& password)
    {
        TlsClient c(port_, ca_->certFile());
        std::string body = "{\"email\":\"admin\",\"password\":\"" + password + "\"}";
        std::string r = c.post("/usr/login", body);
        return r.size() > 12 ? std::stoi(r.substr(9, 3)) : 0;
    }

    TempDir dir_;
    std::unique_ptr<TestCa> ca_;
    std::unique_ptr<ChildProcess> proc_;
    std::string configFile_;
    uint16_t port_ = 0;
    int starts_ = 0;
};

CPPUNIT_TEST_SUITE_REGISTRATION(SecurityTest);
