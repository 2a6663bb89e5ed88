// The router: literal and patterned segments, jiffy's command and filter
// segments, backtracking, 404 versus 405, clashes, path decoding.
#include "http/Router.h"

#include <cppunit/extensions/HelperMacros.h>

#include <stdexcept>

using jiffy::host::Router;
using jiffy::host::RouteTarget;

namespace {

RouteTarget route(const std::string& method, const std::string& pattern, const std::string& name)
{
    RouteTarget t;
    t.method = method;
    t.pattern = pattern;
    t.name = name;
    return t;
}

std::vector<std::string> segs(const std::string& path)
{
    std::vector<std::string> s;
    if (!Router::splitPath(path, s)) throw std::invalid_argument("bad path " + path);
    return s;
}

std::string param(const Router::Match& m, const std::string& name)
{
    for (const auto& [k, v] : m.params)
        if (k == name) return v;
    return "<none>";
}

} // namespace

class RouterTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(RouterTest);
    CPPUNIT_TEST(testLiteralRoute);
    CPPUNIT_TEST(testIntParameterOnlyMatchesDigits);
    CPPUNIT_TEST(testLiteralWinsOverParameter);
    CPPUNIT_TEST(testCommandSegmentWithPrefix);
    CPPUNIT_TEST(testFilterSegmentWithPrefixAndSuffix);
    CPPUNIT_TEST(testBacktracksToALaterBranch);
    CPPUNIT_TEST(testUnknownPathIsNotFound);
    CPPUNIT_TEST(testWrongMethodListsAllowedMethods);
    CPPUNIT_TEST(testClashingRoutesAreRefused);
    CPPUNIT_TEST(testMalformedPatternsAreRefused);
    CPPUNIT_TEST(testPathIsPercentDecodedPerSegment);
    CPPUNIT_TEST(testMalformedPercentEncodingIsRejected);
    CPPUNIT_TEST(testTrailingSlashIsIgnored);
    CPPUNIT_TEST_SUITE_END();

    Router r;

public:
    void setUp() override
    {
        r.add(route("GET", "/librarys", "library.GET_SET"));
        r.add(route("GET", "/librarys/${cmd}", "library.GET_SET_CMD"));
        r.add(route("GET", "/librarys/name({expr})", "library.STATICFLTR_ByName"));
        r.add(route("GET", "/librarys/name({expr})/${cmd}", "library.STATICFLTR_CMD_ByName"));
        r.add(route("POST", "/library", "library.CREATE"));
        r.add(route("GET", "/library/{id:int}", "library.GET_ID"));
        r.add(route("PUT", "/library/{id:int}", "library.UPDATE"));
        r.add(route("DELETE", "/library/{id:int}", "library.DELETE"));
        r.add(route("GET", "/library/{library_id:int}/tobooks", "library.REL_tobooks"));
        r.add(route("GET", "/library/{library_id:int}/tobooks/${cmd}", "library.REL_CMD_tobooks"));
        r.add(route("GET", "/library/{library_id:int}/tobooks/{book_id:int}", "library.REL_tobooks_id"));
        r.add(route("GET", "/library/special", "library.SPECIAL"));
        r.add(route("GET", "/files/{name}", "files.GET"));
    }

    void testLiteralRoute()
    {
        auto m = r.match("GET", segs("/librarys"));
        CPPUNIT_ASSERT(m.outcome == Router::Outcome::Found);
        CPPUNIT_ASSERT_EQUAL(std::string("library.GET_SET"), m.target->name);
    }

    void testIntParameterOnlyMatchesDigits()
    {
        auto m = r.match("GET", segs("/library/42"));
        CPPUNIT_ASSERT(m.outcome == Router::Outcome::Found);
        CPPUNIT_ASSERT_EQUAL(std::string("library.GET_ID"), m.target->name);
        CPPUNIT_ASSERT_EQUAL(std::string("42"), param(m, "id"));
        CPPUNIT_ASSERT(r.match("GET", segs("/library/4x2")).outcome == Router::Outcome::NotFound);
        CPPUNIT_ASSERT(r.match("GET", segs("/library/-1")).outcome == Router::Outcome::NotFound);
    }

    void testLiteralWinsOverParameter()
    {
        auto m = r.match("GET", segs("/library/special"));
        CPPUNIT_ASSERT_EQUAL(std::string("library.SPECIAL"), m.target->name);
    }

    void testCommandSegmentWithPrefix()
    {
        auto m = r.match("GET", segs("/librarys/$limit=3$offset=2$orderby=name$desc"));
        CPPUNIT_ASSERT(m.outcome == Router::Outcome::Found);
        CPPUNIT_ASSERT_EQUAL(std::string("library.GET_SET_CMD"), m.target->name);
        CPPUNIT_ASSERT_EQUAL(std::string("limit=3$offset=2$orderby=name$desc"), param(m, "cmd"));
        CPPUNIT_ASSERT(r.match("GET", segs("/librarys/$")).outcome == Router::Outcome::NotFound);
    }

    void testFilterSegmentWithPrefixAndSuffix()
    {
        auto m = r.match("GET", segs("/librarys/name(EQ%20'Central')"));
        CPPUNIT_ASSERT(m.outcome == Router::Outcome::Found);
        CPPUNIT_ASSERT_EQUAL(std::string("library.STATICFLTR_ByName"), m.target->name);
        CPPUNIT_ASSERT_EQUAL(std::string("EQ 'Central'"), param(m, "expr"));
        m = r.match("GET", segs("/librarys/name(LIKE%20'cen')/$count"));
        CPPUNIT_ASSERT_EQUAL(std::string("library.STATICFLTR_CMD_ByName"), m.target->name);
        CPPUNIT_ASSERT_EQUAL(std::string("count"), param(m, "cmd"));
        CPPUNIT_ASSERT(r.match("GET", segs("/librarys/city(EQ%20'x')")).outcome == Router::Outcome::NotFound);
    }

    void testBacktracksToALaterBranch()
    {
        auto m = r.match("GET", segs("/library/7/tobooks/9"));
        CPPUNIT_ASSERT_EQUAL(std::string("library.REL_tobooks_id"), m.target->name);
        CPPUNIT_ASSERT_EQUAL(std::string("7"), param(m, "library_id"));
        CPPUNIT_ASSERT_EQUAL(std::string("9"), param(m, "book_id"));
        m = r.match("GET", segs("/library/7/tobooks/$count"));
        CPPUNIT_ASSERT_EQUAL(std::string("library.REL_CMD_tobooks"), m.target->name);
    }

    void testUnknownPathIsNotFound()
    {
        CPPUNIT_ASSERT(r.match("GET", segs("/nothing")).outcome == Router::Outcome::NotFound);
        CPPUNIT_ASSERT(r.match("GET", segs("/")).outcome == Router::Outcome::NotFound);
        CPPUNIT_ASSERT(r.match("GET", segs("/library/1/tobooks/1/extra")).outcome == Router::Outcome::NotFound);
    }

    void testWrongMethodListsAllowedMethods()
    {
        auto m = r.match("PATCH", segs("/library/3"));
        CPPUNIT_ASSERT(m.outcome == Router::Outcome::MethodNotAllowed);
        CPPUNIT_ASSERT_EQUAL(std::string("GET, PUT, DELETE"), m.allow);
        CPPUNIT_ASSERT(m.params.empty());
    }

    void testClashingRoutesAreRefused()
    {
        CPPUNIT_ASSERT_THROW(r.add(route("GET", "/library/{id:int}", "again")), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(r.add(route("GET", "/library/{a:int}/{a:int}", "twice")), std::invalid_argument);
    }

    void testMalformedPatternsAreRefused()
    {
        CPPUNIT_ASSERT_THROW(r.add(route("GET", "nolead", "x")), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(r.add(route("GET", "/a/{unclosed", "x")), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(r.add(route("GET", "/a/{x:float}", "x")), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(r.add(route("GET", "/a//b", "x")), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(r.add(route("GET", "/a/{}", "x")), std::invalid_argument);
    }

    void testPathIsPercentDecodedPerSegment()
    {
        auto m = r.match("GET", segs("/files/a%2Fb%20c"));
        CPPUNIT_ASSERT(m.outcome == Router::Outcome::Found);
        CPPUNIT_ASSERT_EQUAL(std::string("a/b c"), param(m, "name"));
    }

    void testMalformedPercentEncodingIsRejected()
    {
        std::vector<std::string> s;
        CPPUNIT_ASSERT(!Router::splitPath("/files/%zz", s));
        CPPUNIT_ASSERT(!Router::splitPath("/files/%2", s));
    }

    void testTrailingSlashIsIgnored()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("library.GET_SET"), r.match("GET", segs("/librarys/")).target->name);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RouterTest);
