// One conformance suite for every KVS plugin. A derived fixture says how to
// make the store (plugin file + config, servers started by the fixture) and
// may add backend-specific tests. Tests that only some stores can run are
// listed by the fixtures that can (JIFFY_KVS_TTL_TESTS, JIFFY_KVS_SERVER_TESTS),
// so no test ever passes without checking its claim.
#pragma once

#include "plugins/KvsInstance.h"
#include "support/TestServers.h"
#include "support/TestSupport.h"

#include <cppunit/extensions/HelperMacros.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

/// Tests that need a store with expiry; fixtures of such stores list them
/// after CPPUNIT_TEST_SUB_SUITE.
#define JIFFY_KVS_TTL_TESTS()                                                                                          \
    CPPUNIT_TEST(testSetWithoutTtlClearsOldTtl);                                                                       \
    CPPUNIT_TEST(testAddSucceedsAfterExpiry)

/// Tests that stop and restart the backend server; fixtures with a server
/// (server() not null) list them.
#define JIFFY_KVS_SERVER_TESTS()                                                                                       \
    CPPUNIT_TEST(testServerDownIsUnavailableWithoutHanging);                                                           \
    CPPUNIT_TEST(testRecoversAfterServerRestart)

class KvsConformanceTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(KvsConformanceTest);
    CPPUNIT_TEST(testGetOfMissingKeyIsNotFound);
    CPPUNIT_TEST(testSetThenGet);
    CPPUNIT_TEST(testSetReplaces);
    CPPUNIT_TEST(testRemove);
    CPPUNIT_TEST(testRemoveOfMissingKeyIsNotFound);
    CPPUNIT_TEST(testTtlExpires);
    CPPUNIT_TEST(testAddCreatesOnlyIfAbsent);
    CPPUNIT_TEST(testCompareAndSetSwaps);
    CPPUNIT_TEST(testCompareAndSetConflictLeavesValue);
    CPPUNIT_TEST(testCompareAndSetOfMissingKeyIsNotFound);
    CPPUNIT_TEST(testEightThreadsRacingOneCasHaveOneWinner);
    CPPUNIT_TEST(testIncrStartsAtZero);
    CPPUNIT_TEST(testIncrIsUniqueUnderConcurrency);
    CPPUNIT_TEST(testIncrOfNonIntegerIsInvalid);
    CPPUNIT_TEST(testBinaryValueRoundTrips);
    CPPUNIT_TEST(testLargeValueRoundTrips);
    CPPUNIT_TEST(testEmptyValueRoundTrips);
    CPPUNIT_TEST(testEmptyKeyIsInvalid);
    CPPUNIT_TEST(test250ByteKeyWorksAnd251IsInvalid);
    CPPUNIT_TEST(testBinaryKeyWorks);
    CPPUNIT_TEST(testHealthIsOk);
    CPPUNIT_TEST_SUITE_END_ABSTRACT();

public:
    void setUp() override;
    void tearDown() override;

    void testGetOfMissingKeyIsNotFound();
    void testSetThenGet();
    void testSetReplaces();
    void testRemove();
    void testRemoveOfMissingKeyIsNotFound();
    void testTtlExpires();
    void testSetWithoutTtlClearsOldTtl();
    void testAddCreatesOnlyIfAbsent();
    void testAddSucceedsAfterExpiry();
    void testCompareAndSetSwaps();
    void testCompareAndSetConflictLeavesValue();
    void testCompareAndSetOfMissingKeyIsNotFound();
    void testEightThreadsRacingOneCasHaveOneWinner();
    void testIncrStartsAtZero();
    void testIncrIsUniqueUnderConcurrency();
    void testIncrOfNonIntegerIsInvalid();
    void testBinaryValueRoundTrips();
    void testLargeValueRoundTrips();
    void testEmptyValueRoundTrips();
    void testEmptyKeyIsInvalid();
    void test250ByteKeyWorksAnd251IsInvalid();
    void testBinaryKeyWorks();
    void testHealthIsOk();
    void testServerDownIsUnavailableWithoutHanging();
    void testRecoversAfterServerRestart();

protected:
    /// Makes a fresh instance of the store under test.
    virtual std::unique_ptr<jiffy::host::KvsInstance> makeStore() = 0;
    /// A key unique to this test run, so shared servers need no flushing.
    std::string key(const std::string& suffix) const;
    /// How long to wait for an expiry of `ttlMs` to be visible (stores with
    /// second granularity round up).
    virtual int expiryWaitMs(int ttlMs) const { return ttlMs + 300; }
    /// The backend server, for JIFFY_KVS_SERVER_TESTS; nullptr for an
    /// in-process store (whose fixture does not list those tests).
    virtual jiffy::test::TcpServer* server() { return nullptr; }
    /// False for a store that cannot expire keys (e.g. sluggo without our
    /// extensions): testTtlExpires then checks that a TTL is refused, and the
    /// fixture does not list JIFFY_KVS_TTL_TESTS.
    virtual bool supportsTtl() const { return true; }
    /// `rounds` times: 8 threads (spread over `stores`) race one compare-and-set
    /// of `k` from "start"; asserts exactly one winner and seven conflicts.
    static void raceCas(const std::vector<jiffy::host::KvsInstance*>& stores, const std::string& k, int rounds);
    /// `threads` threads (spread over `stores`) each add `delta` to `k` `each`
    /// times; asserts no call failed and no result came twice; returns the results.
    static std::set<int64_t> concurrentIncrs(const std::vector<jiffy::host::KvsInstance*>& stores, const std::string& k,
                                             int threads, int each, int64_t delta = 1);
    /// The refusal message of starting KVS plugin `plugin` with `configJson`;
    /// fails the test when it starts.
    std::string refusalOf(const std::string& plugin, const std::string& configJson);
    /// Status of a raw call, for tests that check exact codes.
    jiffy_status statusOfGet(const std::string& k);

    jiffy::test::PluginHarness harness_;
    std::unique_ptr<jiffy::host::KvsInstance> store_;
    std::string prefix_;
};
