#include "config/EnvExpander.h"

#include <cppunit/extensions/HelperMacros.h>

#include <stdexcept>

using jiffy::host::expandEnv;

namespace {

std::optional<std::string> env(const std::string& name)
{
    if (name == "A") return std::string("alpha");
    if (name == "EMPTY") return std::string();
    return std::nullopt;
}

} // namespace

class EnvExpanderTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(EnvExpanderTest);
    CPPUNIT_TEST(testPlainTextIsUnchanged);
    CPPUNIT_TEST(testVariableIsReplaced);
    CPPUNIT_TEST(testDefaultAppliesWhenUnsetOrEmpty);
    CPPUNIT_TEST(testEscapedDollarBraceStaysLiteral);
    CPPUNIT_TEST(testUnsetWithoutDefaultFails);
    CPPUNIT_TEST(testUnterminatedFails);
    CPPUNIT_TEST(testBadNameFails);
    CPPUNIT_TEST_SUITE_END();

public:
    void testPlainTextIsUnchanged()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("a $b c$"), expandEnv("a $b c$", env));
        CPPUNIT_ASSERT_EQUAL(std::string("$count"), expandEnv("$count", env));
    }
    void testVariableIsReplaced() { CPPUNIT_ASSERT_EQUAL(std::string("x-alpha-y"), expandEnv("x-${A}-y", env)); }
    void testDefaultAppliesWhenUnsetOrEmpty()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("d:1"), expandEnv("${NOPE:-d:1}", env));
        CPPUNIT_ASSERT_EQUAL(std::string("e"), expandEnv("${EMPTY:-e}", env));
        CPPUNIT_ASSERT_EQUAL(std::string("alpha"), expandEnv("${A:-zzz}", env));
    }
    void testEscapedDollarBraceStaysLiteral() { CPPUNIT_ASSERT_EQUAL(std::string("${A}"), expandEnv("$${A}", env)); }
    void testUnsetWithoutDefaultFails()
    {
        CPPUNIT_ASSERT_THROW_MESSAGE("unset variable accepted", expandEnv("${NOPE}", env), std::invalid_argument);
    }
    void testUnterminatedFails() { CPPUNIT_ASSERT_THROW(expandEnv("${A", env), std::invalid_argument); }
    void testBadNameFails() { CPPUNIT_ASSERT_THROW(expandEnv("${1A}", env), std::invalid_argument); }
};

CPPUNIT_TEST_SUITE_REGISTRATION(EnvExpanderTest);
