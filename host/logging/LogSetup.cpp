#include "logging/LogSetup.h"

#include "logging/JsonFormatter.h"
#include "logging/LevelFilterChannel.h"
#include "logging/RateLimitedChannel.h"
#include "logging/RequestLog.h"
#include "logging/SwappableChannel.h"
#include "logging/TextFormatter.h"

#include <Poco/ConsoleChannel.h>
#include <Poco/Exception.h>
#include <Poco/FileChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Logger.h>

#include <iostream>
#include <mutex>

#include <unistd.h>

namespace jiffy::host::logging {
namespace {

std::mutex gSetupMutex;

SwappableChannel& root()
{
    static Poco::AutoPtr<SwappableChannel> channel(new SwappableChannel);
    return *channel;
}

Poco::AutoPtr<Poco::Channel> openOutput(const LoggingConfig& cfg)
{
    if (cfg.output == "stderr") return new Poco::ConsoleChannel(std::cerr);
    Poco::AutoPtr<Poco::FileChannel> file(new Poco::FileChannel(cfg.output));
    file->setProperty(Poco::FileChannel::PROP_ROTATION, std::to_string(cfg.rotateBytes));
    file->setProperty(Poco::FileChannel::PROP_ARCHIVE, "number");
    file->setProperty(Poco::FileChannel::PROP_PURGECOUNT, std::to_string(cfg.keep));
    file->setProperty(Poco::FileChannel::PROP_TIMES, "utc");
    try {
        file->open();
    } catch (const Poco::Exception& e) {
        throw LogSetupError("logging.output: cannot open \"" + cfg.output + "\": " + e.displayText());
    }
    return file;
}

} // namespace

bool colorEnabled(const LoggingConfig& cfg)
{
    return cfg.colorMsgTypes && cfg.output == "stderr" && isatty(STDERR_FILENO) == 1;
}

void applyLogging(const LoggingConfig& cfg)
{
    std::lock_guard<std::mutex> lock(gSetupMutex);
    Poco::AutoPtr<Poco::Channel> output = openOutput(cfg);
    Poco::AutoPtr<Poco::Formatter> formatter;
    if (cfg.format == "json")
        formatter = new JsonFormatter(cfg.callLocation);
    else
        formatter = new TextFormatter(colorEnabled(cfg), cfg.callLocation);
    Poco::AutoPtr<Poco::Channel> formatting(new Poco::FormattingChannel(formatter, output));
    Poco::AutoPtr<Poco::Channel> limited(
        new RateLimitedChannel(formatting, cfg.repeatBurst, int64_t(cfg.repeatIntervalS) * 1000));
    LevelMask mask(cfg);
    Poco::AutoPtr<Poco::Channel> chain(new LevelFilterChannel(mask, limited));

    SwappableChannel& top = root();
    Poco::AutoPtr<Poco::Channel> previous = top.swap(chain);
    static bool installed = false;
    if (!installed) {
        // Once: loggers made later inherit it from their parent, and a
        // reload then never writes to a channel pointer another thread reads.
        Poco::AutoPtr<Poco::Channel> channel(&top, true);
        Poco::Logger::root().setChannel(channel); // the root exists only once asked for
        Poco::Logger::setChannel("", channel);
        installed = true;
    }
    Poco::Logger::setLevel("", mask.threshold());
    const bool requests = cfg.active && cfg.requests;
    Poco::Logger::get(kRequestLogger).setLevel(requests ? Poco::Message::PRIO_INFORMATION : 0);
    RequestLog::instance().configure(requests, cfg.requestSample);
    if (previous) {
        try {
            previous->close(); // writes its pending "suppressed" lines
        } catch (...) {
        }
    }
}

void flushLogging()
{
    std::lock_guard<std::mutex> lock(gSetupMutex);
    try {
        root().close();
    } catch (...) {
    }
}

} // namespace jiffy::host::logging
