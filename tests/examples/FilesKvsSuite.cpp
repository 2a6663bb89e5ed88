// The KVS conformance suite against examples/custom-kvs (libjiffy-kvs-files.so),
// built out of tree by the fixture custom_kvs_example, plus what only a
// persistent store shared through a directory must show: data survives a
// new instance, instances and processes on one directory exclude each
// other, and files that are not entries are handled without harm.
#include "conformance/KvsConformanceTest.h"

#include "plugins/PluginErrors.h"
#include "support/ChildProcess.h"

#include <Poco/DigestEngine.h>
#include <Poco/File.h>
#include <Poco/SHA2Engine.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fcntl.h>
#include <set>
#include <sstream>
#include <sys/file.h>
#include <sys/stat.h>
#include <fstream>
#include <thread>
#include <unistd.h>
#include <utime.h>
#include <vector>

using jiffy::host::CasOutcome;
using jiffy::host::KvsInstance;
using jiffy::host::PluginCallError;
using jiffy::test::ChildProcess;
using jiffy::test::TempDir;

namespace {

const std::string kPlugin = JIFFY_EXAMPLE_KVS_PLUGIN;

void sleepMs(int ms)
{
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

bool exists(const std::string& path)
{
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
}

std::string sha256Hex(const std::string& s)
{
    Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
    sha.update(s);
    return Poco::DigestEngine::digestToHex(sha.digest());
}

/// Runs `call` and returns the status of the PluginCallError it throws (OK if none).
template <class F> int statusOf(F&& call)
{
    try {
        call();
        return JIFFY_OK;
    } catch (const PluginCallError& e) {
        return e.status();
    }
}

/// The message of the PluginCallError `call` throws ("" if none).
template <class F> std::string messageOf(F&& call)
{
    try {
        call();
        return "";
    } catch (const PluginCallError& e) {
        return e.message();
    }
}

} // namespace

class FilesKvsTest : public KvsConformanceTest {
    CPPUNIT_TEST_SUB_SUITE(FilesKvsTest, KvsConformanceTest);
    JIFFY_KVS_TTL_TESTS();
    CPPUNIT_TEST(testDataSurvivesANewInstance);
    CPPUNIT_TEST(testTtlHoldsAcrossInstances);
    CPPUNIT_TEST(testTwoInstancesRacingCasHaveOneWinner);
    CPPUNIT_TEST(testIncrAcrossTwoInstancesIsUnique);
    CPPUNIT_TEST(testProcessesShareOneCounter);
    CPPUNIT_TEST(testProcessesRacingCasHaveOneWinner);
    CPPUNIT_TEST(testProcessesRacingAddHaveOneHolder);
    CPPUNIT_TEST(testLockHeldByAnotherProcessTimesOut);
    CPPUNIT_TEST(testFileNamesAreReadableOrHashed);
    CPPUNIT_TEST(testLongKeysDifferingInOneByteAreDistinct);
    CPPUNIT_TEST(testCorruptEntryIsInternalAndSetRepairsIt);
    CPPUNIT_TEST(testForeignFilesAreLeftAloneAndNeverHang);
    CPPUNIT_TEST(testNonEmptyForeignDirectoryIsRefused);
    CPPUNIT_TEST(testUnknownFormatIsRefused);
    CPPUNIT_TEST(testMissingDirectoryIsCreated);
    CPPUNIT_TEST(testSweepRemovesExpiredEntriesAndStaleTemporaries);
    CPPUNIT_TEST(testValueOverMaxIsTooLarge);
    CPPUNIT_TEST(testHealthFailsWhenTheDirectoryIsGone);
    CPPUNIT_TEST_SUITE_END();

public:
    void testDataSurvivesANewInstance()
    {
        store_->set(key("a"), "alpha");
        store_->set(key("bin"), std::string("\0\xff\n", 3));
        CPPUNIT_ASSERT_EQUAL(int64_t(3), store_->incr(key("n"), 3));
        store_.reset();
        auto again = open();
        CPPUNIT_ASSERT_EQUAL(std::string("alpha"), again->get(key("a")).value_or("<none>"));
        CPPUNIT_ASSERT(again->get(key("bin")) == std::string("\0\xff\n", 3));
        CPPUNIT_ASSERT_EQUAL(int64_t(4), again->incr(key("n")));
        CPPUNIT_ASSERT(!again->add(key("a"), "other"));
    }

    void testTtlHoldsAcrossInstances()
    {
        store_->set(key("short"), "x", 1500);
        store_->set(key("long"), "y", 600000);
        store_.reset();
        auto again = open();
        CPPUNIT_ASSERT_EQUAL(std::string("x"), again->get(key("short")).value_or("<expired too early>"));
        sleepMs(1900);
        CPPUNIT_ASSERT(!again->get(key("short")));
        CPPUNIT_ASSERT_EQUAL(std::string("y"), again->get(key("long")).value_or("<none>"));
    }

    void testTwoInstancesRacingCasHaveOneWinner()
    {
        // Two instances on one directory stand for two processes: each has
        // its own mutexes and its own open lock files, so only flock() can
        // keep them apart.
        auto other = open();
        const std::string k = key("race");
        raceCas({store_.get(), other.get()}, k, 10);
        CPPUNIT_ASSERT(other->get(k) == store_->get(k));
    }

    void testIncrAcrossTwoInstancesIsUnique()
    {
        auto other = open();
        std::set<int64_t> seen = concurrentIncrs({store_.get(), other.get()}, key("shared-counter"), 6, 40);
        CPPUNIT_ASSERT_EQUAL(int64_t(240), *seen.rbegin());
    }

    void testProcessesShareOneCounter()
    {
        auto outputs = runWorkers("incr", key("proc-counter"), 4, 50);
        std::set<int64_t> seen;
        for (const auto& out : outputs) {
            std::istringstream in(out);
            for (std::string line; std::getline(in, line);) seen.insert(std::stoll(line));
        }
        CPPUNIT_ASSERT_EQUAL(size_t(200), seen.size());
        CPPUNIT_ASSERT_EQUAL(int64_t(1), *seen.begin());
        CPPUNIT_ASSERT_EQUAL(int64_t(200), *seen.rbegin());
        CPPUNIT_ASSERT_EQUAL(std::string("200"), store_->get(key("proc-counter")).value_or("<none>"));
    }

    void testProcessesRacingCasHaveOneWinner()
    {
        store_->set(key("proc-race"), "start");
        auto outputs = runWorkers("cas", key("proc-race"), 5, 1);
        int swapped = 0, conflict = 0;
        for (const auto& out : outputs) {
            if (out == "swapped\n") ++swapped;
            if (out == "conflict\n") ++conflict;
        }
        CPPUNIT_ASSERT_EQUAL(1, swapped);
        CPPUNIT_ASSERT_EQUAL(4, conflict);
        CPPUNIT_ASSERT(store_->get(key("proc-race")).value_or("").rfind("winner-", 0) == 0);
    }

    void testProcessesRacingAddHaveOneHolder()
    {
        auto outputs = runWorkers("add", key("proc-lease"), 5, 1);
        int added = 0;
        for (const auto& out : outputs) added += out == "added\n" ? 1 : 0;
        CPPUNIT_ASSERT_EQUAL(1, added);
        CPPUNIT_ASSERT(store_->get(key("proc-lease")).value_or("").rfind("holder-", 0) == 0);
    }

    void testLockHeldByAnotherProcessTimesOut()
    {
        auto quick = open(R"(, "lock_timeout_ms": 200)");
        quick->set(key("k"), "before");
        // Hold every stripe the way another process would: our own open files.
        std::vector<int> fds;
        for (int i = 0; i < 64; ++i) {
            char name[8];
            std::snprintf(name, sizeof name, "%02x", i);
            int fd = ::open((dir_.path() + "/locks/" + name).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
            CPPUNIT_ASSERT(fd >= 0);
            CPPUNIT_ASSERT_EQUAL(0, ::flock(fd, LOCK_EX | LOCK_NB));
            fds.push_back(fd);
        }
        auto started = std::chrono::steady_clock::now();
        int status = statusOf([&] { quick->set(key("k"), "during"); });
        auto waited = std::chrono::steady_clock::now() - started;
        for (int fd : fds) ::close(fd);
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_TIMEOUT}, status);
        CPPUNIT_ASSERT_MESSAGE("gave up before its timeout", waited >= std::chrono::milliseconds(200));
        // Reads take no lock; writes work again once the lock is released.
        CPPUNIT_ASSERT_EQUAL(std::string("before"), quick->get(key("k")).value_or("<none>"));
        quick->set(key("k"), "after");
        CPPUNIT_ASSERT_EQUAL(std::string("after"), quick->get(key("k")).value_or("<none>"));
    }

    void testFileNamesAreReadableOrHashed()
    {
        store_->set("jiffy:leader", "node-1");
        CPPUNIT_ASSERT(exists(data("jiffy%3Aleader")));
        store_->set(std::string(".x/..\0y", 7), "odd");
        CPPUNIT_ASSERT(exists(data("%2Ex%2F..%00y")));
        std::string longKey(250, 'k');
        longKey[0] = 'L';
        store_->set(longKey, "long");
        CPPUNIT_ASSERT(exists(data("#" + sha256Hex(longKey))));
        std::string escapedLong(100, '/'); // 300 characters once escaped
        store_->set(escapedLong, "slashes");
        CPPUNIT_ASSERT(exists(data("#" + sha256Hex(escapedLong))));
        CPPUNIT_ASSERT_EQUAL(std::string("slashes"), store_->get(escapedLong).value_or("<none>"));
    }

    void testLongKeysDifferingInOneByteAreDistinct()
    {
        std::string a(250, '\x01'), b(250, '\x01');
        b[249] = '\x02';
        store_->set(a, "A");
        store_->set(b, "B");
        CPPUNIT_ASSERT_EQUAL(std::string("A"), store_->get(a).value_or("<none>"));
        CPPUNIT_ASSERT_EQUAL(std::string("B"), store_->get(b).value_or("<none>"));
        CPPUNIT_ASSERT(store_->remove(a));
        CPPUNIT_ASSERT_EQUAL(std::string("B"), store_->get(b).value_or("<none>"));
    }

    void testCorruptEntryIsInternalAndSetRepairsIt()
    {
        const std::string k = "victim";
        store_->set(k, "good");
        for (const std::string& junk : {std::string("garbage"), std::string("jkv1 0 6 4 0000000000000000\nvictimgood"),
                                        std::string("jkv1 0 6 9 ") + std::string(16, '0') + "\nvictimgo"}) {
            jiffy::test::writeFile(data("victim"), junk);
            int st = statusOf([&] { store_->get(k); });
            CPPUNIT_ASSERT_EQUAL_MESSAGE(junk, int{JIFFY_INTERNAL}, st);
            CPPUNIT_ASSERT(messageOf([&] { store_->get(k); }).find(data("victim")) != std::string::npos);
            CPPUNIT_ASSERT_EQUAL(int{JIFFY_INTERNAL}, statusOf([&] { store_->compareAndSet(k, "good", "x"); }));
            CPPUNIT_ASSERT_EQUAL(int{JIFFY_INTERNAL}, statusOf([&] { store_->add(k, "x"); }));
            CPPUNIT_ASSERT_EQUAL(int{JIFFY_INTERNAL}, statusOf([&] { store_->incr(k); }));
        }
        // An entry of another key copied under this name is not taken for ours.
        store_->set("donor", "theirs");
        jiffy::test::writeFile(data("victim"), jiffy::test::readFile(data("donor")));
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_INTERNAL}, statusOf([&] { store_->get(k); }));
        store_->set(k, "repaired");
        CPPUNIT_ASSERT_EQUAL(std::string("repaired"), store_->get(k).value_or("<none>"));
        jiffy::test::writeFile(data("victim"), "garbage again");
        CPPUNIT_ASSERT(store_->remove(k));
        CPPUNIT_ASSERT(!store_->get(k));
        CPPUNIT_ASSERT(store_->add(k, "fresh"));
    }

    void testForeignFilesAreLeftAloneAndNeverHang()
    {
        jiffy::test::writeFile(dir_.file("NOTES.txt"), "someone's notes\n");
        jiffy::test::writeFile(data("README"), "not an entry\n");
        jiffy::test::writeFile(data(".hidden"), "x");
        jiffy::test::writeFile(data("%ZZ"), "x");
        jiffy::test::writeFile(data("#cafe"), "x");
        CPPUNIT_ASSERT_EQUAL(0, ::mkfifo(data("pipe").c_str(), 0600));
        CPPUNIT_ASSERT_EQUAL(0, ::symlink("/etc/hostname", data("link").c_str()));
        Poco::File(data("sub")).createDirectories();

        // Keys whose file name is taken by something else answer an error, never hang or follow links.
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_INTERNAL}, statusOf([&] { store_->get("pipe"); }));
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_INTERNAL}, statusOf([&] { store_->get("link"); }));
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_INTERNAL}, statusOf([&] { store_->get("sub"); }));
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_INTERNAL}, statusOf([&] { store_->get("README"); }));
        CPPUNIT_ASSERT(statusOf([&] { store_->set("sub", "v"); }) != JIFFY_OK);
        store_->set("link", "replaces the link, not its target");
        CPPUNIT_ASSERT_EQUAL(std::string("replaces the link, not its target"), store_->get("link").value_or(""));

        // Other keys work, and a new instance (which sweeps) leaves the foreign files alone.
        store_->set(key("ok"), "fine", 100);
        sleepMs(250);
        auto again = open();
        CPPUNIT_ASSERT(!again->get(key("ok")));
        again->set(key("ok"), "still fine");
        CPPUNIT_ASSERT_EQUAL(std::string("still fine"), again->get(key("ok")).value_or("<none>"));
        for (const char* n : {"README", ".hidden", "%ZZ", "#cafe", "pipe", "sub"})
            CPPUNIT_ASSERT_MESSAGE(n, exists(data(n)));
        CPPUNIT_ASSERT(exists(dir_.file("NOTES.txt")));
        again->health();
    }

    void testNonEmptyForeignDirectoryIsRefused()
    {
        TempDir other;
        jiffy::test::writeFile(other.file("important.db"), "someone else's data");
        std::string msg = jiffy::test::refusalOf([&] { harness_.kvs(kPlugin, config(other.path())); },
                                                 "a store was opened in a directory full of foreign files");
        CPPUNIT_ASSERT_MESSAGE(msg, msg.find("is not empty and holds no store") != std::string::npos);
        CPPUNIT_ASSERT(!exists(other.file("data")));
        CPPUNIT_ASSERT(!exists(other.file("FORMAT")));
    }

    void testUnknownFormatIsRefused()
    {
        TempDir other;
        jiffy::test::writeFile(other.file("FORMAT"), "jiffy-kvs-files 2\n");
        std::string msg = jiffy::test::refusalOf([&] { harness_.kvs(kPlugin, config(other.path())); },
                                                 "a store of an unknown format was opened");
        CPPUNIT_ASSERT_MESSAGE(msg, msg.find("expected \"jiffy-kvs-files 1\"") != std::string::npos);
    }

    void testMissingDirectoryIsCreated()
    {
        std::string nested = dir_.file("a/b/c");
        auto s = harness_.kvs(kPlugin, config(nested));
        s->set("k", "v");
        CPPUNIT_ASSERT(exists(nested + "/FORMAT"));
        CPPUNIT_ASSERT(exists(nested + "/data/k"));
    }

    void testSweepRemovesExpiredEntriesAndStaleTemporaries()
    {
        auto sweeping = open(R"(, "sweep_interval_s": 1)");
        sweeping->set("expiring", "x", 100);
        sweeping->set("kept", "y");
        jiffy::test::writeFile(data(".tmp-crashed-writer"), "half an entry");
        struct utimbuf old {};
        old.actime = old.modtime = ::time(nullptr) - 3600;
        CPPUNIT_ASSERT_EQUAL(0, ::utime(data(".tmp-crashed-writer").c_str(), &old));
        jiffy::test::writeFile(data(".tmp-in-flight"), "a write in progress elsewhere");
        CPPUNIT_ASSERT(exists(data("expiring")));
        sleepMs(1200);
        sweeping->set("trigger", "a write after sweep_interval_s sweeps");
        CPPUNIT_ASSERT(!exists(data("expiring")));
        CPPUNIT_ASSERT(exists(data("kept")));
        CPPUNIT_ASSERT(!exists(data(".tmp-crashed-writer")));
        CPPUNIT_ASSERT(exists(data(".tmp-in-flight")));
    }

    void testValueOverMaxIsTooLarge()
    {
        auto small = open(R"(, "max_value_bytes": 10)");
        small->set(key("fits"), std::string(10, 'x'));
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_TOO_LARGE}, statusOf([&] { small->set(key("big"), std::string(11, 'x')); }));
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_TOO_LARGE}, statusOf([&] { small->add(key("big"), std::string(11, 'x')); }));
        CPPUNIT_ASSERT(!small->get(key("big")));
    }

    void testHealthFailsWhenTheDirectoryIsGone()
    {
        store_->health();
        std::string moved = dir_.path() + ".moved";
        CPPUNIT_ASSERT_EQUAL(0, ::rename(dir_.path().c_str(), moved.c_str()));
        jiffy::host::CallError err;
        jiffy_status st = store_->health(err.get());
        CPPUNIT_ASSERT_EQUAL(0, ::rename(moved.c_str(), dir_.path().c_str()));
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_UNAVAILABLE}, static_cast<int>(st));
        CPPUNIT_ASSERT_MESSAGE(err.e.message, std::string(err.e.message).find(dir_.path()) != std::string::npos);
        store_->health();
    }

protected:
    std::unique_ptr<KvsInstance> makeStore() override { return open(); }

private:
    std::string config(const std::string& dir, const std::string& extra = "") const
    {
        return "{\"directory\": \"" + dir + "\"" + extra + "}";
    }
    /// A new instance on this test's directory; `extra` adds options (", \"key\": value").
    std::unique_ptr<KvsInstance> open(const std::string& extra = "")
    {
        return harness_.kvs(kPlugin, config(dir_.path(), extra));
    }
    std::string data(const std::string& name) const { return dir_.path() + "/data/" + name; }

    /// Starts `n` worker processes on this directory at once; returns what each wrote.
    std::vector<std::string> runWorkers(const std::string& mode, const std::string& k, int n, int count)
    {
        std::string go = work_.file("go");
        std::remove(go.c_str());
        std::vector<std::unique_ptr<ChildProcess>> workers;
        for (int i = 0; i < n; ++i)
            workers.push_back(std::make_unique<ChildProcess>(
                JIFFY_FILES_KVS_WORKER,
                std::vector<std::string>{kPlugin, dir_.path(), mode, k, std::to_string(count), out(i), go}, log(i)));
        // Barrier: every worker has opened the store before any may start.
        for (int i = 0; i < n; ++i) {
            bool ready = false;
            for (int t = 0; t < 3000 && !ready; ++t) {
                ready = std::ifstream(out(i) + ".ready").good();
                if (!ready) sleepMs(10);
            }
            CPPUNIT_ASSERT_MESSAGE("worker " + std::to_string(i) +
                                       " did not open the store within 30 s: " + workers[static_cast<size_t>(i)]->log(),
                                   ready);
        }
        jiffy::test::writeFile(go, "go");
        std::vector<std::string> outputs;
        outputs.reserve(static_cast<size_t>(n));
        for (int i = 0; i < n; ++i) {
            int code = workers[static_cast<size_t>(i)]->wait(60000);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(workers[static_cast<size_t>(i)]->log(), 0, code);
            outputs.push_back(jiffy::test::readFile(out(i)));
        }
        std::remove(go.c_str());
        return outputs;
    }
    std::string out(int i) const { return work_.file("out" + std::to_string(i)); }
    std::string log(int i) const { return work_.file("log" + std::to_string(i)); }

    TempDir dir_;  ///< the store
    TempDir work_; ///< the workers' start signal, outputs and logs
};

CPPUNIT_TEST_SUITE_REGISTRATION(FilesKvsTest);
