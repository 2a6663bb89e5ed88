// Three jiffyd started at the same instant on one empty database (what a
// compose file does), ten rounds (five on MariaDB): every instance becomes ready, and the
// schema and the auth bootstrap happen once — one admin, one group Super,
// one auth row per route, one grant of each to Super. PostgreSQL, MariaDB
// and SQLite, each a real server or file.
#include "MariadbTestDatabase.h"
#include "OnTestDatabase.h"
#include "PgTestDatabase.h"
#include "support/JiffydRunner.h"
#include "support/TestSupport.h"

#include <cppunit/extensions/HelperMacros.h>

#include <condition_variable>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

using jiffy::test::contains;
using jiffy::test::JiffydRunner;
using jiffy::test::TempDir;

namespace {

constexpr int kInstances = 3;

/// Releases every waiting thread at once when the last one arrives.
class StartLine {
public:
    explicit StartLine(int n) : left_(n) {}
    void arriveAndWait()
    {
        std::unique_lock<std::mutex> lock(mu_);
        if (--left_ == 0) cv_.notify_all();
        cv_.wait(lock, [&] { return left_ == 0; });
    }

private:
    std::mutex mu_;
    std::condition_variable cv_;
    int left_;
};

/// The threads that own the instances; told to stop them and joined when it goes.
struct Instances {
    std::vector<std::thread> threads;
    std::mutex mu;
    std::condition_variable cv;
    bool finish = false;
    void waitForFinish()
    {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return finish; });
    }
    ~Instances()
    {
        {
            std::lock_guard<std::mutex> lock(mu);
            finish = true;
        }
        cv.notify_all();
        for (auto& t : threads) t.join();
    }
};

} // namespace

class ConcurrentStartTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ConcurrentStartTest);
    CPPUNIT_TEST(testInstancesStartedTogetherBootstrapOnce);
    CPPUNIT_TEST_SUITE_END_ABSTRACT();

public:
    void setUp() override
    {
        // The same signing keys for every instance (they share users and tokens).
        JiffydRunner keys(dir_);
        std::string log;
        CPPUNIT_ASSERT_EQUAL_MESSAGE(
            log, 0,
            keys.run(config("{\"db_dialect\": \"sqlite\", \"name\": \"" + dir_.file("keys.db") + "\"}"),
                     {"--generate-keys"}, log));
    }

    void testInstancesStartedTogetherBootstrapOnce()
    {
        std::string expectedAuths;
        for (int round = 1; round <= rounds(); ++round) {
            const std::string cfg = config(freshDatabase());
            std::vector<std::unique_ptr<TempDir>> dirs;
            std::vector<std::unique_ptr<JiffydRunner>> runners;
            for (int i = 0; i < kInstances; ++i) {
                dirs.push_back(std::make_unique<TempDir>());
                runners.push_back(std::make_unique<JiffydRunner>(*dirs.back()));
            }
            // Each instance is started and stopped by its own thread, which
            // stays until the checks are done (a child dies with the thread that
            // forked it: PR_SET_PDEATHSIG).
            StartLine line(kInstances), started(kInstances + 1);
            std::vector<std::string> failures(kInstances);
            Instances instances;
            for (int i = 0; i < kInstances; ++i)
                instances.threads.emplace_back([&, i] {
                    line.arriveAndWait();
                    // freePort() races with the ephemeral ports of the instances'
                    // own database connections: a port taken that way is not
                    // what this test is about, so that start is tried again.
                    for (int attempt = 0; attempt < 3; ++attempt) {
                        try {
                            runners[size_t(i)]->start(cfg);
                            failures[size_t(i)].clear();
                            break;
                        } catch (const std::exception& e) {
                            failures[size_t(i)] = e.what();
                            if (!(contains(failures[size_t(i)], "external_address") ||
                                  contains(failures[size_t(i)], "internal_address")) ||
                                !contains(failures[size_t(i)], "already in use"))
                                break;
                        }
                    }
                    started.arriveAndWait();
                    instances.waitForFinish();
                    runners[size_t(i)]->stop();
                });
            started.arriveAndWait();
            const std::string where = "round " + std::to_string(round) + ", instance ";
            for (int i = 0; i < kInstances; ++i) {
                CPPUNIT_ASSERT_MESSAGE(where + std::to_string(i) + " did not start: " + failures[size_t(i)],
                                       failures[size_t(i)].empty());
                CPPUNIT_ASSERT_EQUAL_MESSAGE(where + std::to_string(i) + " not ready:\n" + runners[size_t(i)]->log(),
                                             200, runners[size_t(i)]->get("/readyz").status);
                CPPUNIT_ASSERT_MESSAGE(where + std::to_string(i) + " logged a duplicate key:\n" +
                                           runners[size_t(i)]->log(),
                                       !contains(runners[size_t(i)]->log(), "duplicate"));
            }
            CPPUNIT_ASSERT_EQUAL_MESSAGE(where, std::string("1"),
                                         query("SELECT COUNT(*) FROM usr WHERE email = 'admin'"));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(where, std::string("1"),
                                         query("SELECT COUNT(*) FROM usrgroup WHERE group_name = 'Super'"));
            const std::string auths = query("SELECT COUNT(*) FROM auth");
            CPPUNIT_ASSERT_EQUAL_MESSAGE(where, auths, query("SELECT COUNT(DISTINCT auth_name) FROM auth"));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(where, auths, query("SELECT COUNT(*) FROM groupauth"));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(where, auths, query("SELECT COUNT(DISTINCT auth_id) FROM groupauth"));
            CPPUNIT_ASSERT_MESSAGE(where + "no auth rows", std::atoi(auths.c_str()) > 10);
            if (expectedAuths.empty()) expectedAuths = auths;
            CPPUNIT_ASSERT_EQUAL_MESSAGE(where + "another set of auths than round 1", expectedAuths, auths);
            // The model's table was made once too (its migration has its own lock).
            CPPUNIT_ASSERT_EQUAL_MESSAGE(where, std::string("0"), query("SELECT COUNT(*) FROM library"));
        }
    }

protected:
    /// Rounds of three starts (each round a new database).
    virtual int rounds() const { return 10; }
    /// A new empty database; jiffy's `database` object for it.
    virtual std::string freshDatabase() = 0;
    /// The single value `sql` returns in that database.
    virtual std::string query(const std::string& sql) = 0;

    std::string config(const std::string& database) const
    {
        return "{\n \"database\": " + database +
               ",\n \"logging\": {\"colorMsgTypes\": false, \"infoMsgs\": true},\n"
               " \"ecdsa384_priv_key_file\": \"" +
               dir_.file("ec384.priv.pem") + "\",\n \"ecdsa384_pub_key_file\": \"" + dir_.file("ec384.pub.pem") +
               "\",\n \"jwt_sign_method\": \"ES384\",\n \"auth\": {\"bcrypt_cost\": 10},\n"
               " \"routes\": [{\"plugin\": \"models\", \"model_files\": [\"" +
               jiffy::test::sourceDir() + "/tests/data/models/library_v1.json\"]}]\n}\n";
    }

    TempDir dir_;
};

class PostgresConcurrentStartTest : public OnTestDatabase<ConcurrentStartTest, PgTestDatabase> {
    CPPUNIT_TEST_SUB_SUITE(PostgresConcurrentStartTest, ConcurrentStartTest);
    CPPUNIT_TEST_SUITE_END();
};

class MariadbConcurrentStartTest : public OnTestDatabase<ConcurrentStartTest, MariadbTestDatabase> {
    CPPUNIT_TEST_SUB_SUITE(MariadbConcurrentStartTest, ConcurrentStartTest);
    CPPUNIT_TEST_SUITE_END();

protected:
    int rounds() const override { return 5; } // MariaDB's DDL is slow: fewer rounds keep the suite short
};

class SqliteConcurrentStartTest : public ConcurrentStartTest {
    CPPUNIT_TEST_SUB_SUITE(SqliteConcurrentStartTest, ConcurrentStartTest);
    CPPUNIT_TEST_SUITE_END();

protected:
    std::string freshDatabase() override
    {
        static int n = 0;
        file_ = dir_.file("start" + std::to_string(++n) + ".db");
        return "{\"db_dialect\": \"sqlite\", \"name\": \"" + file_ + "\"}";
    }
    std::string query(const std::string& sql) override
    {
        jiffy::test::writeFile(dir_.file("q.sql"), ".output " + dir_.file("q.out") + "\n" + sql + ";\n");
        const std::string cmd = "sqlite3 " + file_ + " < " + dir_.file("q.sql");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(cmd, 0, std::system(cmd.c_str()));
        std::string out = jiffy::test::readFile(dir_.file("q.out"));
        while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
        return out;
    }

private:
    std::string file_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(PostgresConcurrentStartTest);
CPPUNIT_TEST_SUITE_REGISTRATION(MariadbConcurrentStartTest);
CPPUNIT_TEST_SUITE_REGISTRATION(SqliteConcurrentStartTest);
