// common/FilterSyntax.h: the static-filter tokenizer and the LIKE "contains"
// pattern, and the auth routes' typing rules on top of them (the models
// plugin's are in ModelQueryTest).
#include "auth/AuthHttp.h"

#include <FilterSyntax.h>

#include <cppunit/extensions/HelperMacros.h>

#include "support/TestSupport.h"

using namespace jiffy::common;

namespace {

std::string authError(const std::string& column, const std::string& expr, bool integer)
{
    const std::vector<FilterOp> ops = {FilterOp::Eq, FilterOp::Lt, FilterOp::Gt, FilterOp::Like};
    return jiffy::test::messageOf<jiffy::BadRequest>(
        [&] { jiffy::host::auth::parseFilter(column, expr, ops, integer); });
}

} // namespace

class FilterSyntaxTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(FilterSyntaxTest);
    CPPUNIT_TEST(testOperatorWords);
    CPPUNIT_TEST(testTokens);
    CPPUNIT_TEST(testContainsPattern);
    CPPUNIT_TEST(testAuthFilters);
    CPPUNIT_TEST(testAuthRefusals);
    CPPUNIT_TEST_SUITE_END();

public:
    void testOperatorWords()
    {
        const FilterOp all[] = {FilterOp::Eq, FilterOp::Ne, FilterOp::Lt,  FilterOp::Le,
                                FilterOp::Gt, FilterOp::Ge, FilterOp::Like};
        for (FilterOp op : all) CPPUNIT_ASSERT(filterOpFromWord(filterOpName(op)) == op);
        CPPUNIT_ASSERT(filterOpFromWord("like") == FilterOp::Like);
        CPPUNIT_ASSERT(filterOpFromWord("Ge") == FilterOp::Ge);
        for (const char* bad : {"", "E", "EQQ", "LIK", "LIKES", "eq ", "=="})
            CPPUNIT_ASSERT_MESSAGE(bad, !filterOpFromWord(bad));
    }

    void testTokens()
    {
        auto t = tokenizeFilter("  EQ 'Central'  ");
        CPPUNIT_ASSERT(t.op == FilterOp::Eq);
        CPPUNIT_ASSERT_EQUAL(std::string("EQ"), std::string(t.word));
        CPPUNIT_ASSERT(t.wordStandsAlone);
        CPPUNIT_ASSERT(t.quoted);
        CPPUNIT_ASSERT_EQUAL(std::string("Central"), std::string(t.value));

        t = tokenizeFilter("gt   3");
        CPPUNIT_ASSERT(t.op == FilterOp::Gt);
        CPPUNIT_ASSERT(!t.quoted);
        CPPUNIT_ASSERT_EQUAL(std::string("3"), std::string(t.value));

        t = tokenizeFilter("LIKE'a b'"); // a quote ends the word too
        CPPUNIT_ASSERT(t.op == FilterOp::Like);
        CPPUNIT_ASSERT(t.wordStandsAlone);
        CPPUNIT_ASSERT_EQUAL(std::string("a b"), std::string(t.value));

        t = tokenizeFilter("EQ ''");
        CPPUNIT_ASSERT(t.quoted);
        CPPUNIT_ASSERT(t.value.empty());

        t = tokenizeFilter("EQ 'it's'"); // only the outer quotes are the value's
        CPPUNIT_ASSERT_EQUAL(std::string("it's"), std::string(t.value));

        t = tokenizeFilter("EQ 'open");
        CPPUNIT_ASSERT(!t.quoted);
        CPPUNIT_ASSERT_EQUAL(std::string("'open"), std::string(t.value));

        t = tokenizeFilter("EQ3");
        CPPUNIT_ASSERT(t.op == FilterOp::Eq);
        CPPUNIT_ASSERT(!t.wordStandsAlone);
        CPPUNIT_ASSERT_EQUAL(std::string("3"), std::string(t.value));

        t = tokenizeFilter("EQ");
        CPPUNIT_ASSERT(t.wordStandsAlone);
        CPPUNIT_ASSERT(t.value.empty());
        CPPUNIT_ASSERT(!t.quoted);

        t = tokenizeFilter("'x'");
        CPPUNIT_ASSERT(t.word.empty());
        CPPUNIT_ASSERT(!t.op);
        CPPUNIT_ASSERT(t.quoted);

        t = tokenizeFilter("");
        CPPUNIT_ASSERT(!t.op);
        CPPUNIT_ASSERT(t.value.empty());
    }

    void testContainsPattern()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("%cen%"), containsPattern("cen"));
        CPPUNIT_ASSERT_EQUAL(std::string("%%"), containsPattern(""));
        CPPUNIT_ASSERT_EQUAL(std::string("%100\\%\\_\\\\%"), containsPattern("100%_\\"));
        CPPUNIT_ASSERT_EQUAL(std::string("%Zürich's%"), containsPattern("Zürich's"));
    }

    void testAuthFilters()
    {
        using jiffy::host::auth::parseFilter;
        auto f = parseFilter("group_name", " like 'ad_m' ", {FilterOp::Eq, FilterOp::Like}, false);
        CPPUNIT_ASSERT_EQUAL(std::string("group_name"), f.column);
        CPPUNIT_ASSERT_EQUAL(std::string("LIKE"), f.op);
        CPPUNIT_ASSERT(!f.integer);
        CPPUNIT_ASSERT_EQUAL(std::string("%ad\\_m%"), f.text);

        f = parseFilter("group_name", "EQ 'a%'", {FilterOp::Eq, FilterOp::Like}, false);
        CPPUNIT_ASSERT_EQUAL(std::string("="), f.op);
        CPPUNIT_ASSERT_EQUAL(std::string("a%"), f.text);

        f = parseFilter("group_id", "GT 3", {FilterOp::Eq, FilterOp::Lt, FilterOp::Gt}, true);
        CPPUNIT_ASSERT_EQUAL(std::string(">"), f.op);
        CPPUNIT_ASSERT(f.integer);
        CPPUNIT_ASSERT_EQUAL(int64_t(3), f.number);
        CPPUNIT_ASSERT_EQUAL(std::string("<"), parseFilter("group_id", "lt '-2'", {FilterOp::Lt}, true).op);
        CPPUNIT_ASSERT_EQUAL(int64_t(-2), parseFilter("group_id", "lt '-2'", {FilterOp::Lt}, true).number);
    }

    void testAuthRefusals()
    {
        const std::string unknown = " is an unknown selection operand for c";
        CPPUNIT_ASSERT_EQUAL("error: LE" + unknown, authError("c", "le 'x'", false));
        CPPUNIT_ASSERT_EQUAL("error: EQ3" + unknown, authError("c", "EQ3", true));
        CPPUNIT_ASSERT_EQUAL("error: GT\t" + unknown, authError("c", "gt\t'3'", true));
        CPPUNIT_ASSERT_EQUAL("error: " + unknown, authError("c", "'x'", false));
        CPPUNIT_ASSERT_EQUAL("error: " + unknown, authError("c", "", false));
        CPPUNIT_ASSERT_EQUAL("error: NOPE" + unknown, authError("c", "nope 'x'", false));
        CPPUNIT_ASSERT_EQUAL(std::string("filter c: the value must be in single quotes"),
                             authError("c", "EQ x", false));
        CPPUNIT_ASSERT_EQUAL(std::string("filter c: expected an integer, got \"x\""), authError("c", "EQ x", true));
        CPPUNIT_ASSERT_EQUAL(std::string("filter c: expected an integer, got \"\""), authError("c", "EQ", true));
        CPPUNIT_ASSERT_EQUAL(std::string("filter c: expected an integer, got \"3 OR 1=1\""),
                             authError("c", "EQ 3 OR 1=1", true));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(FilterSyntaxTest);
