// plugins/common/StatementCache.h: the bounded LRU of prepared statements
// the PostgreSQL and MySQL connections keep (their suites check it on a server).
#include <StatementCache.h>

#include <cppunit/extensions/HelperMacros.h>

#include <memory>

using jiffy::support::StatementCache;

class StatementCacheTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(StatementCacheTest);
    CPPUNIT_TEST(testFindsWhatWasAdded);
    CPPUNIT_TEST(testLeastRecentlyUsedGoesFirst);
    CPPUNIT_TEST(testTakeHandsTheEntryBack);
    CPPUNIT_TEST(testEvictedEntriesAreReleased);
    CPPUNIT_TEST_SUITE_END();

public:
    void testFindsWhatWasAdded()
    {
        StatementCache<std::string> c(4);
        CPPUNIT_ASSERT(c.find("SELECT 1") == nullptr);
        c.add("SELECT 1", "s1");
        CPPUNIT_ASSERT_EQUAL(std::string("s1"), *c.find("SELECT 1"));
        c.add("SELECT 1", "s2"); // replaced, not doubled
        CPPUNIT_ASSERT_EQUAL(size_t(1), c.size());
        CPPUNIT_ASSERT_EQUAL(std::string("s2"), *c.find("SELECT 1"));
    }

    void testLeastRecentlyUsedGoesFirst()
    {
        StatementCache<int> c(3);
        CPPUNIT_ASSERT(!c.makeRoom());
        c.add("a", 1);
        c.add("b", 2);
        c.add("c", 3);
        CPPUNIT_ASSERT(c.find("a")); // a is now the most recently used
        std::optional<int> out = c.makeRoom();
        CPPUNIT_ASSERT(out && *out == 2);
        CPPUNIT_ASSERT_EQUAL(size_t(2), c.size());
        CPPUNIT_ASSERT(!c.makeRoom()); // room again
        c.add("d", 4);
        out = c.makeRoom();
        CPPUNIT_ASSERT(out && *out == 3);
        CPPUNIT_ASSERT(c.find("a") && c.find("d") && !c.find("b") && !c.find("c"));
        StatementCache<int> zero(0); // a capacity of 0 still holds one
        zero.add("x", 1);
        CPPUNIT_ASSERT(zero.find("x"));
        CPPUNIT_ASSERT(zero.makeRoom() == 1);
    }

    void testTakeHandsTheEntryBack()
    {
        StatementCache<std::string> c(2);
        c.add("q", "name");
        CPPUNIT_ASSERT(!c.take("other"));
        CPPUNIT_ASSERT(c.take("q") == std::string("name"));
        CPPUNIT_ASSERT(!c.find("q"));
        CPPUNIT_ASSERT_EQUAL(size_t(0), c.size());
        c.add("r", "n2");
        c.clear();
        CPPUNIT_ASSERT(!c.find("r"));
    }

    void testEvictedEntriesAreReleased()
    {
        auto counter = std::make_shared<int>(0);
        StatementCache<std::shared_ptr<int>> c(1);
        c.add("a", counter);
        CPPUNIT_ASSERT_EQUAL(2L, counter.use_count());
        c.makeRoom(); // the evicted entry is released once the caller drops it
        CPPUNIT_ASSERT_EQUAL(1L, counter.use_count());
        StatementCache<std::unique_ptr<int>> u(2);
        u.add("p", std::make_unique<int>(7));
        std::unique_ptr<int>* p = u.find("p");
        CPPUNIT_ASSERT(p && *p);
        CPPUNIT_ASSERT_EQUAL(7, **p);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(StatementCacheTest);
