// The `logging` block as ConfigLoader reads it: jiffy's switches, our keys
// with their defaults, relative output paths, and refusals naming the path.
#include "config/ConfigLoader.h"

#include <cppunit/extensions/HelperMacros.h>

#include <optional>

using jiffy::host::Config;
using jiffy::host::ConfigError;
using jiffy::host::ConfigLoader;

namespace {

ConfigLoader loader()
{
    return ConfigLoader([](const std::string&) { return std::optional<std::string>(); });
}

std::string issuesOf(const std::string& text)
{
    try {
        loader().loadText(text, "test.json", "/srv/app");
    } catch (const ConfigError& e) {
        return e.message();
    }
    return "";
}

} // namespace

class LoggingConfigTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(LoggingConfigTest);
    CPPUNIT_TEST(testDefaultsAreBoundedAndOnStderr);
    CPPUNIT_TEST(testEveryKeyIsRead);
    CPPUNIT_TEST(testBadValuesNameTheirPath);
    CPPUNIT_TEST_SUITE_END();

public:
    void testDefaultsAreBoundedAndOnStderr()
    {
        Config c = loader().loadText("{}", "t.json", "/srv/app");
        CPPUNIT_ASSERT(c.logging.active && c.logging.infoMsgs && c.logging.warningMsgs && c.logging.errorMsgs);
        CPPUNIT_ASSERT(!c.logging.debugMsgs && !c.logging.traceMsgs);
        CPPUNIT_ASSERT_EQUAL(std::string("text"), c.logging.format);
        CPPUNIT_ASSERT_EQUAL(std::string("stderr"), c.logging.output);
        CPPUNIT_ASSERT_EQUAL(int64_t(10 << 20), c.logging.rotateBytes);
        CPPUNIT_ASSERT_EQUAL(5, c.logging.keep);
        CPPUNIT_ASSERT(c.logging.requests);
        CPPUNIT_ASSERT_EQUAL(1.0, c.logging.requestSample);
        CPPUNIT_ASSERT_EQUAL(10, c.logging.repeatBurst);
        CPPUNIT_ASSERT_EQUAL(60, c.logging.repeatIntervalS);
    }

    void testEveryKeyIsRead()
    {
        Config c = loader().loadText(R"({"logging": {"active": true, "callLocation": true, "colorMsgTypes": false,
            "infoMsgs": false, "warningMsgs": true, "errorMsgs": false, "debugMsgs": true, "traceMsgs": true,
            "format": "json", "output": "log/jiffyd.log", "rotate_bytes": 65536, "keep": 3,
            "requests": false, "request_sample": 0.25, "repeat_burst": 4, "repeat_interval_s": 30}})",
                                     "t.json", "/srv/app");
        const auto& l = c.logging;
        CPPUNIT_ASSERT(l.callLocation && !l.colorMsgTypes && !l.infoMsgs && l.warningMsgs && !l.errorMsgs);
        CPPUNIT_ASSERT(l.debugMsgs && l.traceMsgs);
        CPPUNIT_ASSERT_EQUAL(std::string("json"), l.format);
        CPPUNIT_ASSERT_EQUAL(std::string("/srv/app/log/jiffyd.log"), l.output); // relative to the config file
        CPPUNIT_ASSERT_EQUAL(int64_t(65536), l.rotateBytes);
        CPPUNIT_ASSERT_EQUAL(3, l.keep);
        CPPUNIT_ASSERT(!l.requests);
        CPPUNIT_ASSERT_EQUAL(0.25, l.requestSample);
        CPPUNIT_ASSERT_EQUAL(4, l.repeatBurst);
        CPPUNIT_ASSERT_EQUAL(30, l.repeatIntervalS);
        for (const auto& w : c.warnings) CPPUNIT_ASSERT_MESSAGE(w, w.find("logging") == std::string::npos);
        Config s = loader().loadText(R"({"logging": {"request_sample": 0}})", "t.json", "/srv/app");
        CPPUNIT_ASSERT_EQUAL(0.0, s.logging.requestSample);
    }

    void testBadValuesNameTheirPath()
    {
        auto has = [](const std::string& text, const std::string& part) {
            std::string m = issuesOf(text);
            CPPUNIT_ASSERT_MESSAGE(m, m.find(part) != std::string::npos);
        };
        has(R"({"logging": {"format": "xml"}})", "logging.format: expected \"text\" or \"json\", got \"xml\"");
        has(R"({"logging": {"output": ""}})", "logging.output: expected \"stderr\" or a file path");
        has(R"({"logging": {"output": 5}})", "logging.output: expected a string, got number 5");
        has(R"({"logging": {"rotate_bytes": 10}})", "logging.rotate_bytes:");
        has(R"({"logging": {"keep": 0}})", "logging.keep:");
        has(R"({"logging": {"requests": "yes"}})", "logging.requests: expected true or false");
        has(R"({"logging": {"request_sample": 1.5}})", "logging.request_sample: expected a number from 0 to 1, got");
        has(R"({"logging": {"request_sample": "all"}})", "logging.request_sample: expected a number from 0 to 1");
        has(R"({"logging": {"repeat_burst": 0}})", "logging.repeat_burst:");
        has(R"({"logging": {"repeat_interval_s": 0}})", "logging.repeat_interval_s:");
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(LoggingConfigTest);
