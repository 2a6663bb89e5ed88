// The logging chain: jiffy's per-type switches (LevelMask, LevelFilterChannel),
// the text and JSON formats, repeat limiting, the request log's line and
// sampling, and applyLogging re-applied at run time (what SIGHUP calls),
// with a rotated file that stays bounded.
#include "logging/JsonFormatter.h"
#include "logging/LevelFilterChannel.h"
#include "logging/Log.h"
#include "logging/LogFields.h"
#include "logging/LogSetup.h"
#include "logging/RateLimitedChannel.h"
#include "logging/RequestContext.h"
#include "logging/RequestLog.h"
#include "logging/TextFormatter.h"
#include "support/TestSupport.h"

#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>

#include <cppunit/extensions/HelperMacros.h>

#include <sstream>
#include <vector>

using jiffy::host::LoggingConfig;
using jiffy::test::contains;
using namespace jiffy::host::logging;
using Poco::Message;

namespace {

/// Keeps every message it is given.
class CaptureChannel : public Poco::Channel {
public:
    void log(const Message& m) override { messages.push_back(m); }
    std::vector<std::string> texts() const
    {
        std::vector<std::string> out;
        for (const auto& m : messages) out.push_back(m.getText());
        return out;
    }
    std::vector<Message> messages;
};

Poco::JSON::Object::Ptr parseJson(const std::string& line)
{
    return Poco::JSON::Parser().parse(line).extract<Poco::JSON::Object::Ptr>();
}

} // namespace

class LoggingTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(LoggingTest);
    CPPUNIT_TEST(testEachJiffySwitchWorksOnItsOwn);
    CPPUNIT_TEST(testInactiveLetsOnlyFatalThrough);
    CPPUNIT_TEST(testFilterChannelDropsSwitchedOffTypes);
    CPPUNIT_TEST(testTextFormatFollowsLwLocationRuleAndColour);
    CPPUNIT_TEST(testJsonLinesCarryTheFieldsAndAlwaysParse);
    CPPUNIT_TEST(testRepeatedWarningsAreCountedNotWritten);
    CPPUNIT_TEST(testRateLimiterTracksBoundedTemplates);
    CPPUNIT_TEST(testRequestLineHasNoQueryAndSamplingSparesErrors);
    CPPUNIT_TEST(testApplyLoggingReappliesLevelsAndFormatAtRunTime);
    CPPUNIT_TEST(testUnopenableOutputKeepsThePreviousSetup);
    CPPUNIT_TEST(testFileOutputIsRotatedAndBounded);
    CPPUNIT_TEST_SUITE_END();

public:
    void tearDown() override
    {
        // Back to the defaults on stderr, so no test leaves a file open.
        applyLogging(LoggingConfig());
    }

    void testEachJiffySwitchWorksOnItsOwn()
    {
        LoggingConfig c;
        c.infoMsgs = false;
        c.debugMsgs = true; // valid in jiffy: debug without info
        LevelMask m(c);
        CPPUNIT_ASSERT(m.allows(Message::PRIO_DEBUG));
        CPPUNIT_ASSERT(!m.allows(Message::PRIO_INFORMATION));
        CPPUNIT_ASSERT(!m.allows(Message::PRIO_NOTICE));
        CPPUNIT_ASSERT(m.allows(Message::PRIO_WARNING));
        CPPUNIT_ASSERT(m.allows(Message::PRIO_ERROR));
        CPPUNIT_ASSERT(!m.allows(Message::PRIO_TRACE));
        CPPUNIT_ASSERT(m.allows(Message::PRIO_FATAL));
        CPPUNIT_ASSERT_EQUAL(int(Message::PRIO_DEBUG), m.threshold());

        LoggingConfig e;
        e.errorMsgs = false;
        e.warningMsgs = false;
        e.infoMsgs = false;
        e.traceMsgs = true;
        LevelMask t(e);
        CPPUNIT_ASSERT(t.allows(Message::PRIO_TRACE));
        CPPUNIT_ASSERT(!t.allows(Message::PRIO_DEBUG));
        CPPUNIT_ASSERT(!t.allows(Message::PRIO_ERROR));
        CPPUNIT_ASSERT(!t.allows(Message::PRIO_CRITICAL));
        CPPUNIT_ASSERT(t.allows(Message::PRIO_FATAL));
        CPPUNIT_ASSERT_EQUAL(int(Message::PRIO_TRACE), t.threshold());
    }

    void testInactiveLetsOnlyFatalThrough()
    {
        LoggingConfig c;
        c.active = false;
        c.traceMsgs = c.debugMsgs = true;
        LevelMask m(c);
        for (int p = Message::PRIO_CRITICAL; p <= Message::PRIO_TRACE; ++p)
            CPPUNIT_ASSERT(!m.allows(static_cast<Message::Priority>(p)));
        CPPUNIT_ASSERT(m.allows(Message::PRIO_FATAL));
        CPPUNIT_ASSERT(!m.requests());
        CPPUNIT_ASSERT_EQUAL(int(Message::PRIO_FATAL), m.threshold());
    }

    void testFilterChannelDropsSwitchedOffTypes()
    {
        LoggingConfig c;
        c.infoMsgs = false;
        c.debugMsgs = true;
        Poco::AutoPtr<CaptureChannel> sink(new CaptureChannel);
        LevelFilterChannel f(LevelMask(c), sink);
        f.log(Message("a", "info", Message::PRIO_INFORMATION));
        f.log(Message("a", "debug", Message::PRIO_DEBUG));
        f.log(Message("a", "trace", Message::PRIO_TRACE));
        f.log(Message("a", "fatal", Message::PRIO_FATAL));
        // The request log has its own switch, independent of infoMsgs.
        f.log(Message(kRequestLogger, "GET / 200", Message::PRIO_INFORMATION));
        CPPUNIT_ASSERT((std::vector<std::string>{"debug", "fatal", "GET / 200"}) == sink->texts());

        c.requests = false;
        Poco::AutoPtr<CaptureChannel> sink2(new CaptureChannel);
        LevelFilterChannel f2(LevelMask(c), sink2);
        f2.log(Message(kRequestLogger, "GET / 200", Message::PRIO_INFORMATION));
        CPPUNIT_ASSERT(sink2->messages.empty());
    }

    void testTextFormatFollowsLwLocationRuleAndColour()
    {
        Message info("jiffyd.x", "hello", Message::PRIO_INFORMATION, "Thing.cpp", 12);
        Message error("jiffyd.x", "broken", Message::PRIO_ERROR, "Thing.cpp", 34);
        std::string out;
        TextFormatter plain(false, false);
        plain.format(info, out);
        CPPUNIT_ASSERT_MESSAGE(out, contains(out, " INFO jiffyd.x: hello"));
        CPPUNIT_ASSERT_MESSAGE(out, !contains(out, "Thing.cpp")); // info: only with callLocation
        plain.format(error, out);
        CPPUNIT_ASSERT_MESSAGE(out, contains(out, " ERROR jiffyd.x: broken (Thing.cpp:34)")); // error: always
        CPPUNIT_ASSERT(!contains(out, "\x1b["));

        TextFormatter located(false, true);
        located.format(info, out);
        CPPUNIT_ASSERT_MESSAGE(out, contains(out, "hello (Thing.cpp:12)"));

        TextFormatter coloured(true, false);
        coloured.format(info, out);
        CPPUNIT_ASSERT_MESSAGE(out, contains(out, "\x1b[32;1mINFO\x1b[0m"));

        const std::string id = "2a";
        RequestScope scope(&id);
        plain.format(info, out);
        CPPUNIT_ASSERT_MESSAGE(out, contains(out, "hello request_id=2a"));

        // The macro records the call site.
        Poco::AutoPtr<CaptureChannel> sink(new CaptureChannel);
        Poco::Logger& log = Poco::Logger::get("jiffyd.test.macro");
        log.setChannel(sink);
        log.setLevel(Message::PRIO_TRACE);
        JIFFY_LOG(log, Message::PRIO_WARNING, std::string("with location"));
        CPPUNIT_ASSERT_EQUAL(size_t(1), sink->messages.size());
        CPPUNIT_ASSERT_EQUAL(std::string("LoggingTest.cpp"), std::string(sink->messages[0].getSourceFile()));
        CPPUNIT_ASSERT(sink->messages[0].getSourceLine() > 0);
    }

    void testJsonLinesCarryTheFieldsAndAlwaysParse()
    {
        JsonFormatter f(false);
        std::string out;
        Message m("jiffyd.auth", "quote \" backslash \\ newline \n tab \t bell \x07 bad \xff utf8 \xc3\xa9",
                  Message::PRIO_WARNING);
        const std::string id = "1f";
        {
            RequestScope scope(&id);
            f.format(m, out);
        }
        CPPUNIT_ASSERT_MESSAGE(out, !contains(out, "\n"));
        auto o = parseJson(out);
        CPPUNIT_ASSERT_EQUAL(std::string("warning"), o->getValue<std::string>("level"));
        CPPUNIT_ASSERT_EQUAL(std::string("jiffyd.auth"), o->getValue<std::string>("logger"));
        CPPUNIT_ASSERT_EQUAL(std::string("1f"), o->getValue<std::string>("request_id"));
        std::string text = o->getValue<std::string>("message");
        CPPUNIT_ASSERT(
            contains(text, "quote \" backslash \\ newline \n tab \t bell \x07 bad \xef\xbf\xbd utf8 \xc3\xa9"));
        CPPUNIT_ASSERT(o->has("time"));
        CPPUNIT_ASSERT(!o->has("file"));

        Message r(kRequestLogger, "GET /x 401", Message::PRIO_INFORMATION);
        r.set(fields::kRequestId, "7");
        r.set(fields::kMethod, "GET");
        r.set(fields::kPath, "/x");
        r.set(fields::kStatus, "401");
        r.set(fields::kBytes, "0");
        r.set(fields::kDurationMs, "0.125");
        r.set(fields::kClient, "127.0.0.1:5000");
        r.set(kRateKeyParam, "request|x|401");
        f.format(r, out);
        o = parseJson(out);
        CPPUNIT_ASSERT_EQUAL(std::string("info"), o->getValue<std::string>("level"));
        CPPUNIT_ASSERT_EQUAL(std::string("7"), o->getValue<std::string>("request_id"));
        CPPUNIT_ASSERT_EQUAL(401, o->getValue<int>("status"));
        CPPUNIT_ASSERT_EQUAL(0, o->getValue<int>("bytes"));
        CPPUNIT_ASSERT_EQUAL(0.125, o->getValue<double>("duration_ms"));
        CPPUNIT_ASSERT_EQUAL(std::string("/x"), o->getValue<std::string>("path"));
        CPPUNIT_ASSERT(!o->has(kRateKeyParam));

        JsonFormatter located(false);
        located.format(Message("a", "b", Message::PRIO_DEBUG, "F.cpp", 9), out);
        o = parseJson(out);
        CPPUNIT_ASSERT_EQUAL(std::string("F.cpp"), o->getValue<std::string>("file"));
        CPPUNIT_ASSERT_EQUAL(9, o->getValue<int>("line"));
    }

    void testRepeatedWarningsAreCountedNotWritten()
    {
        int64_t now = 1000000;
        Poco::AutoPtr<CaptureChannel> sink(new CaptureChannel);
        Poco::AutoPtr<RateLimitedChannel> rl(new RateLimitedChannel(sink, 3, 1000, [&now] { return now; }));
        // The same template: numbers differ, the rest does not.
        for (int i = 0; i < 10; ++i)
            rl->log(Message("jiffyd.http", "bad frame from port " + std::to_string(4000 + i), Message::PRIO_WARNING));
        for (int i = 0; i < 20; ++i) rl->log(Message("jiffyd.http", "info line", Message::PRIO_INFORMATION));
        rl->log(Message("jiffyd.http", "fatal line", Message::PRIO_FATAL));
        CPPUNIT_ASSERT_EQUAL(size_t(3 + 20 + 1), sink->messages.size());
        CPPUNIT_ASSERT_EQUAL(std::string("bad frame from port 4002"), sink->messages[2].getText());

        now += 1000; // the window is over: the next message brings the count
        rl->log(Message("jiffyd.http", "bad frame from port 5000", Message::PRIO_WARNING));
        CPPUNIT_ASSERT_EQUAL(size_t(26), sink->messages.size());
        const Message& summary = sink->messages[24];
        CPPUNIT_ASSERT_MESSAGE(summary.getText(),
                               summary.getText().rfind("suppressed 7 similar messages in 1 s, like: bad frame from "
                                                       "port 4003",
                                                       0) == 0);
        CPPUNIT_ASSERT_EQUAL(int(Message::PRIO_WARNING), int(summary.getPriority()));
        CPPUNIT_ASSERT_EQUAL(std::string("bad frame from port 5000"), sink->messages[25].getText());

        // close() writes what is still pending.
        for (int i = 0; i < 5; ++i) rl->log(Message("jiffyd.http", "bad frame from port 1", Message::PRIO_WARNING));
        CPPUNIT_ASSERT_EQUAL(size_t(28), sink->messages.size());
        rl->close();
        CPPUNIT_ASSERT_EQUAL(size_t(29), sink->messages.size());
        CPPUNIT_ASSERT_MESSAGE(sink->messages.back().getText(),
                               contains(sink->messages.back().getText(), "suppressed 3 similar messages"));
    }

    void testRateLimiterTracksBoundedTemplates()
    {
        int64_t now = 0;
        Poco::AutoPtr<CaptureChannel> sink(new CaptureChannel);
        Poco::AutoPtr<RateLimitedChannel> rl(new RateLimitedChannel(
            sink, 1, 60000, [&now] { return now; }, 2));
        // An explicit rate_key groups lines whose text differs (the request log's).
        for (int i = 0; i < 5; ++i) {
            Message m(kRequestLogger, "GET /a " + std::string(i % 2 ? "x" : "y") + " 401", Message::PRIO_INFORMATION);
            m.set(kRateKeyParam, "request|/a|401");
            rl->log(m);
        }
        CPPUNIT_ASSERT_EQUAL(size_t(1), sink->messages.size());
        // Two templates are tracked; every further one shares a single bucket.
        rl->log(Message("s", "alpha", Message::PRIO_ERROR));
        rl->log(Message("s", "beta", Message::PRIO_ERROR));
        rl->log(Message("s", "gamma", Message::PRIO_ERROR));
        rl->log(Message("s", "delta", Message::PRIO_ERROR));
        CPPUNIT_ASSERT((std::vector<std::string>{"GET /a y 401", "alpha", "beta"}) == sink->texts());
        now += 60000;
        rl->flushExpired();
        std::string all;
        for (const auto& t : sink->texts()) all += t + "\n";
        CPPUNIT_ASSERT_MESSAGE(all, contains(all, "suppressed 4 similar messages in 60 s, like: GET /a x 401"));
        CPPUNIT_ASSERT_MESSAGE(all, contains(all, "suppressed 2 similar messages in 60 s, like: gamma"));
        CPPUNIT_ASSERT_EQUAL(size_t(5), sink->messages.size());
    }

    void testRequestLineHasNoQueryAndSamplingSparesErrors()
    {
        RequestRecord r;
        r.method = "POST";
        r.path = "/usr/login";
        r.status = 401;
        r.bytes = 45;
        r.durationMs = 0.42;
        r.client = "127.0.0.1:5000";
        CPPUNIT_ASSERT_EQUAL(std::string("POST /usr/login 401 45 B 0.420 ms client 127.0.0.1:5000"),
                             RequestLog::text(r));

        RequestLog& log = RequestLog::instance();
        log.configure(true, 0);
        CPPUNIT_ASSERT(!log.wanted(200));
        CPPUNIT_ASSERT(!log.wanted(302));
        CPPUNIT_ASSERT(log.wanted(401));
        CPPUNIT_ASSERT(log.wanted(503));
        log.configure(true, 1);
        CPPUNIT_ASSERT(log.wanted(200));
        log.configure(false, 1);
        CPPUNIT_ASSERT(!log.wanted(200));
        CPPUNIT_ASSERT(!log.wanted(500));
        log.configure(true, 0.25);
        int taken = 0;
        for (int i = 0; i < 20000; ++i) taken += log.wanted(200) ? 1 : 0;
        // 5000 expected, standard deviation about 61.
        CPPUNIT_ASSERT_MESSAGE(std::to_string(taken), taken > 4000 && taken < 6000);
        log.configure(true, 1);
    }

    void testApplyLoggingReappliesLevelsAndFormatAtRunTime()
    {
        jiffy::test::TempDir dir;
        const std::string file = dir.file("run.log");
        Poco::Logger& log = Poco::Logger::get("jiffyd.reload");

        LoggingConfig a;
        a.output = file;
        a.infoMsgs = false;
        a.debugMsgs = true;
        applyLogging(a);
        log.information("info-1");
        log.debug("debug-1");
        log.warning("warning-1");

        LoggingConfig b;
        b.output = file;
        b.format = "json";
        applyLogging(b); // what SIGHUP does with the new file's logging block
        log.information("info-2");
        log.debug("debug-2");

        LoggingConfig c = b;
        c.active = false;
        applyLogging(c);
        log.error("error-3");
        log.fatal("fatal-3");
        applyLogging(LoggingConfig());

        std::vector<std::string> all = jiffy::test::nonEmptyLines(jiffy::test::readFile(file));
        std::string text;
        for (const auto& l : all) text += l + "\n";
        CPPUNIT_ASSERT_MESSAGE(text, !contains(text, "info-1"));
        CPPUNIT_ASSERT_MESSAGE(text, contains(text, "DEBUG jiffyd.reload: debug-1"));
        CPPUNIT_ASSERT_MESSAGE(text, contains(text, "WARNING jiffyd.reload: warning-1"));
        CPPUNIT_ASSERT_MESSAGE(text, !contains(text, "debug-2"));
        CPPUNIT_ASSERT_MESSAGE(text, !contains(text, "error-3"));
        bool sawInfo2 = false, sawFatal3 = false;
        for (const auto& l : all) {
            if (l[0] != '{') continue;
            auto o = parseJson(l);
            sawInfo2 = sawInfo2 ||
                       (o->getValue<std::string>("message") == "info-2" && o->getValue<std::string>("level") == "info");
            sawFatal3 = sawFatal3 || o->getValue<std::string>("message") == "fatal-3";
        }
        CPPUNIT_ASSERT_MESSAGE(text, sawInfo2);
        CPPUNIT_ASSERT_MESSAGE(text, sawFatal3);
    }

    void testUnopenableOutputKeepsThePreviousSetup()
    {
        jiffy::test::TempDir dir;
        LoggingConfig a;
        a.output = dir.file("kept.log");
        applyLogging(a);
        LoggingConfig bad;
        bad.output = dir.file("no/such/dir/x.log");
        try {
            applyLogging(bad);
            CPPUNIT_FAIL("an output in a missing directory was accepted");
        } catch (const LogSetupError& e) {
            CPPUNIT_ASSERT_MESSAGE(e.what(), contains(e.what(), "logging.output: cannot open \"" + bad.output));
        }
        Poco::Logger::get("jiffyd.reload").warning("still here");
        applyLogging(LoggingConfig());
        CPPUNIT_ASSERT(contains(jiffy::test::readFile(a.output), "still here"));
    }

    void testFileOutputIsRotatedAndBounded()
    {
        jiffy::test::TempDir dir;
        LoggingConfig c;
        c.output = dir.file("r.log");
        c.rotateBytes = 4096;
        c.keep = 2;
        applyLogging(c);
        Poco::Logger& log = Poco::Logger::get("jiffyd.rotate");
        const std::string filler(100, 'x');
        for (int i = 0; i < 1000; ++i) log.information("line %d %s", i, filler); // ~140 KB written
        applyLogging(LoggingConfig());
        int files = 0;
        uint64_t total = 0;
        bool sawLast = false;
        for (Poco::DirectoryIterator it(dir.path()), end; it != end; ++it) {
            if (it.name().rfind("r.log", 0) != 0) continue;
            ++files;
            total += it->getSize();
            if (it.name() == "r.log") sawLast = contains(jiffy::test::readFile(it->path()), "line 999 ");
        }
        CPPUNIT_ASSERT_MESSAGE(std::to_string(files), files >= 2 && files <= 3); // current + at most `keep`
        CPPUNIT_ASSERT_MESSAGE(std::to_string(total), total <= 3 * (4096 + 200));
        CPPUNIT_ASSERT(sawLast);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(LoggingTest);
