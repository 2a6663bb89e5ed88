#include "conformance/KvsConformanceTest.h"

#include "plugins/PluginErrors.h"

#include <jiffy/plugin.hpp>

#include <atomic>
#include <mutex>
#include <chrono>
#include <random>
#include <set>
#include <thread>
#include <vector>

using jiffy::host::CasOutcome;
using jiffy::host::PluginCallError;

namespace {

void sleepMs(int ms)
{
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

} // namespace

void KvsConformanceTest::setUp()
{
    std::random_device rd;
    prefix_ = "t" + std::to_string(rd()) + ":";
    store_ = makeStore();
}

void KvsConformanceTest::tearDown()
{
    store_.reset();
}

std::string KvsConformanceTest::key(const std::string& suffix) const
{
    return prefix_ + suffix;
}

std::string KvsConformanceTest::refusalOf(const std::string& plugin, const std::string& configJson)
{
    return jiffy::test::refusalOf([&] { harness_.kvs(jiffy::test::pluginFile("kvs", plugin), configJson); },
                                  "kvs " + plugin + " started with " + configJson);
}

jiffy_status KvsConformanceTest::statusOfGet(const std::string& k)
{
    std::string out;
    jiffy_sink sink = jiffy::stringSink(out);
    jiffy::host::CallError err;
    return store_->get(k, &sink, err.get());
}

void KvsConformanceTest::testGetOfMissingKeyIsNotFound()
{
    CPPUNIT_ASSERT(!store_->get(key("missing")));
    CPPUNIT_ASSERT_EQUAL(int{JIFFY_NOT_FOUND}, static_cast<int>(statusOfGet(key("missing"))));
}

void KvsConformanceTest::testSetThenGet()
{
    store_->set(key("a"), "alpha");
    CPPUNIT_ASSERT_EQUAL(std::string("alpha"), store_->get(key("a")).value_or("<none>"));
}

void KvsConformanceTest::testSetReplaces()
{
    store_->set(key("a"), "one");
    store_->set(key("a"), "two");
    CPPUNIT_ASSERT_EQUAL(std::string("two"), store_->get(key("a")).value_or("<none>"));
}

void KvsConformanceTest::testRemove()
{
    store_->set(key("r"), "x");
    CPPUNIT_ASSERT(store_->remove(key("r")));
    CPPUNIT_ASSERT(!store_->get(key("r")));
}

void KvsConformanceTest::testRemoveOfMissingKeyIsNotFound()
{
    CPPUNIT_ASSERT(!store_->remove(key("never")));
}

void KvsConformanceTest::testTtlExpires()
{
    if (!supportsTtl()) {
        jiffy::host::CallError err;
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_UNSUPPORTED}, static_cast<int>(store_->set(key("ttl"), "v", 1000, err.get())));
        return;
    }
    store_->set(key("ttl"), "soon gone", 1000);
    CPPUNIT_ASSERT_EQUAL(std::string("soon gone"), store_->get(key("ttl")).value_or("<none>"));
    sleepMs(expiryWaitMs(1000));
    CPPUNIT_ASSERT(!store_->get(key("ttl")));
}

void KvsConformanceTest::testSetWithoutTtlClearsOldTtl()
{
    CPPUNIT_ASSERT_MESSAGE("the fixture lists the TTL tests for a store without TTL", supportsTtl());
    store_->set(key("p"), "v1", 1000);
    store_->set(key("p"), "v2");
    sleepMs(expiryWaitMs(1000));
    CPPUNIT_ASSERT_EQUAL(std::string("v2"), store_->get(key("p")).value_or("<expired>"));
}

void KvsConformanceTest::testAddCreatesOnlyIfAbsent()
{
    CPPUNIT_ASSERT(store_->add(key("add"), "first"));
    CPPUNIT_ASSERT(!store_->add(key("add"), "second"));
    CPPUNIT_ASSERT_EQUAL(std::string("first"), store_->get(key("add")).value_or("<none>"));
}

void KvsConformanceTest::testAddSucceedsAfterExpiry()
{
    CPPUNIT_ASSERT_MESSAGE("the fixture lists the TTL tests for a store without TTL", supportsTtl());
    CPPUNIT_ASSERT(store_->add(key("lease"), "holder-1", 1000));
    CPPUNIT_ASSERT(!store_->add(key("lease"), "holder-2", 1000));
    sleepMs(expiryWaitMs(1000));
    CPPUNIT_ASSERT(store_->add(key("lease"), "holder-2", 1000));
    CPPUNIT_ASSERT_EQUAL(std::string("holder-2"), store_->get(key("lease")).value_or("<none>"));
}

void KvsConformanceTest::testCompareAndSetSwaps()
{
    store_->set(key("c"), "old");
    CPPUNIT_ASSERT(store_->compareAndSet(key("c"), "old", "new") == CasOutcome::Swapped);
    CPPUNIT_ASSERT_EQUAL(std::string("new"), store_->get(key("c")).value_or("<none>"));
}

void KvsConformanceTest::testCompareAndSetConflictLeavesValue()
{
    store_->set(key("c"), "actual");
    CPPUNIT_ASSERT(store_->compareAndSet(key("c"), "stale", "new") == CasOutcome::Conflict);
    CPPUNIT_ASSERT_EQUAL(std::string("actual"), store_->get(key("c")).value_or("<none>"));
}

void KvsConformanceTest::testCompareAndSetOfMissingKeyIsNotFound()
{
    CPPUNIT_ASSERT(store_->compareAndSet(key("nokey"), "x", "y") == CasOutcome::NotFound);
    CPPUNIT_ASSERT(!store_->get(key("nokey")));
}

void KvsConformanceTest::raceCas(const std::vector<jiffy::host::KvsInstance*>& stores, const std::string& k, int rounds)
{
    for (int round = 0; round < rounds; ++round) {
        stores.front()->set(k, "start");
        std::atomic<int> winners{0}, conflicts{0}, errors{0};
        std::atomic<bool> go{false};
        std::vector<std::thread> threads;
        for (int t = 0; t < 8; ++t) {
            jiffy::host::KvsInstance* s = stores[static_cast<size_t>(t) % stores.size()];
            threads.emplace_back([&, s, t] {
                while (!go.load()) std::this_thread::yield();
                try {
                    CasOutcome r = s->compareAndSet(k, "start", "winner-" + std::to_string(t));
                    (r == CasOutcome::Swapped ? winners : conflicts)++;
                } catch (const std::exception&) {
                    errors++;
                }
            });
        }
        go = true;
        for (auto& th : threads) th.join();
        CPPUNIT_ASSERT_EQUAL(0, errors.load());
        CPPUNIT_ASSERT_EQUAL(1, winners.load());
        CPPUNIT_ASSERT_EQUAL(7, conflicts.load());
        for (auto* s : stores) CPPUNIT_ASSERT(s->get(k).value_or("").rfind("winner-", 0) == 0);
    }
}

void KvsConformanceTest::testEightThreadsRacingOneCasHaveOneWinner()
{
    raceCas({store_.get()}, key("race"), 5);
}

void KvsConformanceTest::testIncrStartsAtZero()
{
    CPPUNIT_ASSERT_EQUAL(int64_t(1), store_->incr(key("n")));
    CPPUNIT_ASSERT_EQUAL(int64_t(6), store_->incr(key("n"), 5));
    CPPUNIT_ASSERT_EQUAL(std::string("6"), store_->get(key("n")).value_or("<none>"));
}

std::set<int64_t> KvsConformanceTest::concurrentIncrs(const std::vector<jiffy::host::KvsInstance*>& stores,
                                                      const std::string& k, int threads, int each, int64_t delta)
{
    std::mutex m;
    std::set<int64_t> seen;
    std::atomic<int> errors{0}, duplicates{0};
    std::string firstError;
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        jiffy::host::KvsInstance* s = stores[static_cast<size_t>(t) % stores.size()];
        workers.emplace_back([&, s] {
            for (int i = 0; i < each; ++i) {
                try {
                    int64_t v = s->incr(k, delta);
                    std::lock_guard<std::mutex> lock(m);
                    if (!seen.insert(v).second) duplicates++;
                } catch (const PluginCallError& e) {
                    std::lock_guard<std::mutex> lock(m);
                    if (errors++ == 0) firstError = e.message();
                } catch (const std::exception& e) {
                    std::lock_guard<std::mutex> lock(m);
                    if (errors++ == 0) firstError = e.what();
                }
            }
        });
    }
    for (auto& th : workers) th.join();
    CPPUNIT_ASSERT_EQUAL_MESSAGE(firstError, 0, errors.load());
    CPPUNIT_ASSERT_EQUAL(0, duplicates.load());
    CPPUNIT_ASSERT_EQUAL(static_cast<size_t>(threads * each), seen.size());
    return seen;
}

void KvsConformanceTest::testIncrIsUniqueUnderConcurrency()
{
    std::set<int64_t> seen = concurrentIncrs({store_.get()}, key("counter"), 8, 50);
    CPPUNIT_ASSERT_EQUAL(int64_t(1), *seen.begin());
    CPPUNIT_ASSERT_EQUAL(int64_t(400), *seen.rbegin());
}

void KvsConformanceTest::testIncrOfNonIntegerIsInvalid()
{
    store_->set(key("word"), "seven");
    try {
        store_->incr(key("word"));
        CPPUNIT_FAIL("incr of a non-integer succeeded");
    } catch (const PluginCallError& e) {
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_INVALID}, static_cast<int>(e.status()));
    }
}

void KvsConformanceTest::testBinaryValueRoundTrips()
{
    std::string v;
    for (int i = 0; i < 256; ++i) v += static_cast<char>(i);
    v += std::string("\0\0\r\n", 4);
    store_->set(key("bin"), v);
    CPPUNIT_ASSERT(store_->get(key("bin")) == v);
}

void KvsConformanceTest::testLargeValueRoundTrips()
{
    std::string v(64 * 1024, 'x');
    for (size_t i = 0; i < v.size(); i += 7) v[i] = static_cast<char>('a' + i % 26);
    store_->set(key("big"), v);
    CPPUNIT_ASSERT(store_->get(key("big")) == v);
}

void KvsConformanceTest::testEmptyValueRoundTrips()
{
    store_->set(key("empty"), "");
    auto v = store_->get(key("empty"));
    CPPUNIT_ASSERT(v.has_value());
    CPPUNIT_ASSERT(v->empty());
}

void KvsConformanceTest::testEmptyKeyIsInvalid()
{
    jiffy::host::CallError err;
    CPPUNIT_ASSERT_EQUAL(int{JIFFY_INVALID}, static_cast<int>(store_->set("", "v", 0, err.get())));
}

void KvsConformanceTest::test250ByteKeyWorksAnd251IsInvalid()
{
    std::string k250 = key("");
    k250 += std::string(250 - k250.size(), 'k');
    store_->set(k250, "long");
    CPPUNIT_ASSERT_EQUAL(std::string("long"), store_->get(k250).value_or("<none>"));
    jiffy::host::CallError err;
    CPPUNIT_ASSERT_EQUAL(int{JIFFY_INVALID}, static_cast<int>(store_->set(k250 + "k", "v", 0, err.get())));
}

void KvsConformanceTest::testBinaryKeyWorks()
{
    std::string k = key(std::string("sp ace\n\x01\xff", 9));
    store_->set(k, "odd key");
    CPPUNIT_ASSERT_EQUAL(std::string("odd key"), store_->get(k).value_or("<none>"));
    CPPUNIT_ASSERT(!store_->get(key(std::string("sp_ace\n\x01\xff", 9))));
}

void KvsConformanceTest::testHealthIsOk()
{
    store_->health();
}

void KvsConformanceTest::testServerDownIsUnavailableWithoutHanging()
{
    jiffy::test::TcpServer* srv = server();
    CPPUNIT_ASSERT_MESSAGE("the fixture lists the server tests but has no server", srv);
    store_->set(key("before"), "x");
    srv->stop();
    auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < 3; ++i) {
        jiffy::host::CallError err;
        std::string out;
        jiffy_sink sink = jiffy::stringSink(out);
        jiffy_status st = store_->get(key("before"), &sink, err.get());
        CPPUNIT_ASSERT_MESSAGE(std::string("status ") + jiffy_status_name(st) + ": " + err.e.message,
                               st == JIFFY_UNAVAILABLE || st == JIFFY_TIMEOUT);
        CPPUNIT_ASSERT(err.e.message[0] != '\0');
        st = store_->health(err.get());
        CPPUNIT_ASSERT(st == JIFFY_UNAVAILABLE || st == JIFFY_TIMEOUT);
    }
    // A liveness bound, not a performance one: each call must give up on its
    // own within the plugin's timeout (configured at a few seconds at most).
    auto elapsed = std::chrono::steady_clock::now() - started;
    CPPUNIT_ASSERT_MESSAGE("calls against a dead server hung", elapsed < std::chrono::seconds(30));
    srv->start();
}

void KvsConformanceTest::testRecoversAfterServerRestart()
{
    jiffy::test::TcpServer* srv = server();
    CPPUNIT_ASSERT_MESSAGE("the fixture lists the server tests but has no server", srv);
    store_->set(key("a"), "1");
    srv->stop();
    jiffy::host::CallError err;
    CPPUNIT_ASSERT(store_->set(key("a"), "2", 0, err.get()) != JIFFY_OK);
    srv->start();
    // The plugin reconnects by itself: no new instance, no manual reset.
    bool recovered = false;
    for (int i = 0; i < 100 && !recovered; ++i) {
        recovered = store_->set(key("b"), "after restart", 0, err.get()) == JIFFY_OK;
        if (!recovered) sleepMs(100);
    }
    CPPUNIT_ASSERT_MESSAGE(err.e.message, recovered);
    CPPUNIT_ASSERT_EQUAL(std::string("after restart"), store_->get(key("b")).value_or("<none>"));
}
