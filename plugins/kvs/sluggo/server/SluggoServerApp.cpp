#include "server/SluggoServerApp.h"

#include "server/HandlerFactory.h"
#include "server/Snapshot.h"

#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/NumberParser.h>
#include <Poco/PatternFormatter.h>
#include <Poco/ThreadPool.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/OptionException.h>

#include <iostream>
#include <thread>

namespace jiffy::sluggo::server {

using Poco::Util::Option;

namespace {

/// Shutdown waits this long for requests in flight before refusing writes.
constexpr std::chrono::seconds kDrainTime{5};

uint64_t parseCount(const std::string& option, const std::string& value, uint64_t max)
{
    uint64_t v = 0;
    if (!Poco::NumberParser::tryParseUnsigned64(value, v) || v > max)
        throw Poco::Util::InvalidArgumentException("--" + option + ": expected a whole number up to " +
                                                   std::to_string(max) + ", got \"" + value + "\"");
    return v;
}

/// "host:port" (host may be empty for all interfaces, or [v6]).
Poco::Net::SocketAddress parseAddress(const std::string& address)
{
    size_t colon = address.rfind(':');
    unsigned port = 0;
    if (colon == std::string::npos || !Poco::NumberParser::tryParseUnsigned(address.substr(colon + 1), port) ||
        port == 0 || port > 65535)
        throw Poco::Util::InvalidArgumentException("-a: expected host:port, got \"" + address + "\"");
    std::string host = address.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (host.empty()) host = "0.0.0.0";
    return Poco::Net::SocketAddress(host, static_cast<Poco::UInt16>(port));
}

std::string mib(size_t bytes)
{
    return bytes ? std::to_string(bytes >> 20) + " MiB" : "unlimited";
}

} // namespace

void SluggoServerApp::initialize(Poco::Util::Application& self)
{
    ServerApplication::initialize(self);
    setupLogging();
}

void SluggoServerApp::setupLogging()
{
    Poco::AutoPtr<Poco::PatternFormatter> fmt(new Poco::PatternFormatter("%Y-%m-%d %H:%M:%S.%i [%p] %t"));
    Poco::AutoPtr<Poco::FormattingChannel> channel(new Poco::FormattingChannel(fmt, new Poco::ConsoleChannel));
    logger().setChannel(channel);
    logger().setLevel(logLevel_);
}

void SluggoServerApp::defineOptions(Poco::Util::OptionSet& options)
{
    ServerApplication::defineOptions(options);
    auto add = [&](const char* full, const char* shortName, const char* help, const char* arg) {
        Option o(full, shortName, help);
        if (arg) o.argument(arg);
        options.addOption(o);
    };
    add("help", "h", "print this help and exit", nullptr);
    add("address", "a", "host:port to accept WebSocket connections on (default 127.0.0.1:4444)", "host:port");
    add("no-extensions", "", "serve only Go sluggo's paths, exactly as Go sluggo does (no /x/v1)", nullptr);
    add("max-keys", "", "refuse new keys beyond this many; 0 = no limit (default 1000000)", "N");
    add("max-bytes", "", "refuse writes beyond this many bytes of keys and values; 0 = no limit (default 268435456)",
        "N");
    add("max-message", "", "largest request message in bytes (default 1048576)", "N");
    add("snapshot", "", "load this file at start and keep it up to date (written atomically)", "FILE");
    add("snapshot-interval", "",
        "ms between background snapshot writes; 0 = before each write is acknowledged "
        "(default 1000)",
        "MS");
    add("threads", "", "most connections served at once; an idle extension connection holds one (default 128)", "N");
    add("timeout", "", "ms allowed to receive or send one message (default 10000)", "MS");
    add("idle-timeout", "", "ms an idle extension connection is kept open (default 30000)", "MS");
    add("log-level", "", "fatal, error, warning, information (default) or debug (logs every request)", "LEVEL");
}

void SluggoServerApp::handleOption(const std::string& name, const std::string& value)
{
    ServerApplication::handleOption(name, value);
    constexpr uint64_t kMaxMs = 24ull * 3600 * 1000;
    if (name == "help") {
        help_ = true;
        stopOptionsProcessing();
    } else if (name == "address") {
        parseAddress(value);
        settings_.address = value;
    } else if (name == "no-extensions") {
        settings_.extensions = false;
    } else if (name == "max-keys") {
        settings_.limits.maxKeys = parseCount(name, value, UINT32_MAX);
    } else if (name == "max-bytes") {
        settings_.limits.maxBytes = parseCount(name, value, uint64_t(1) << 40);
    } else if (name == "max-message") {
        settings_.maxMessage = parseCount(name, value, uint64_t(1) << 30);
        if (settings_.maxMessage < 1024) throw Poco::Util::InvalidArgumentException("--max-message: at least 1024");
    } else if (name == "snapshot") {
        settings_.snapshotPath = value;
    } else if (name == "snapshot-interval") {
        settings_.snapshotInterval = std::chrono::milliseconds(parseCount(name, value, kMaxMs));
    } else if (name == "threads") {
        settings_.threads = static_cast<int>(parseCount(name, value, 4096));
        if (settings_.threads < 2) throw Poco::Util::InvalidArgumentException("--threads: at least 2");
    } else if (name == "timeout") {
        settings_.ioTimeout = std::chrono::milliseconds(std::max<uint64_t>(1, parseCount(name, value, kMaxMs)));
    } else if (name == "idle-timeout") {
        settings_.idleTimeout = std::chrono::milliseconds(std::max<uint64_t>(1, parseCount(name, value, kMaxMs)));
    } else if (name == "log-level") {
        logLevel_ = value;
        logger().setLevel(value); // throws InvalidArgumentException for an unknown level
    }
}

void SluggoServerApp::printHelp() const
{
    Poco::Util::HelpFormatter help(options());
    help.setCommand(commandName());
    help.setUsage("[-a host:port] [options]");
    help.setHeader("A sluggo-compatible key/value server (github.com/1414C/sluggo) for jiffy, with atomic "
                   "extensions (TTL, add, compare-and-set, incr) that Go clients never see.");
    help.setFooter("Exit codes: 0 after SIGTERM/SIGINT, 65 unreadable snapshot, 69 cannot listen, 78 bad option.");
    help.format(std::cout);
}

bool SluggoServerApp::loadSnapshot(ServerContext& ctx)
{
    if (settings_.snapshotPath.empty()) return true;
    size_t maxFile = settings_.limits.maxBytes ? settings_.limits.maxBytes + 4096 : 0;
    ctx.snapshots = std::make_unique<SnapshotWriter>(ctx.store, settings_.snapshotPath, settings_.snapshotInterval,
                                                     maxFile, logger());
    try {
        size_t n = ctx.snapshots->load();
        logger().information("snapshot " + settings_.snapshotPath + ": " + std::to_string(n) + " keys loaded");
        return true;
    } catch (const std::exception& e) {
        logger().fatal(std::string("cannot load the snapshot: ") + e.what() +
                       " (move the file away to start with an empty store)");
        return false;
    }
}

int SluggoServerApp::main(const std::vector<std::string>&)
{
    if (help_) {
        printHelp();
        return EXIT_OK;
    }
    ServerContext ctx(settings_, logger());
    if (!loadSnapshot(ctx)) return EXIT_DATAERR;
    Poco::Net::ServerSocket socket;
    try {
        socket.bind(parseAddress(settings_.address), true);
        socket.listen(128);
    } catch (const Poco::Exception& e) {
        logger().fatal("cannot listen on " + settings_.address + ": " + e.displayText());
        return EXIT_UNAVAILABLE;
    }
    Poco::ThreadPool pool(2, settings_.threads, 60);
    Poco::AutoPtr<Poco::Net::HTTPServerParams> params(new Poco::Net::HTTPServerParams);
    params->setMaxThreads(settings_.threads);
    params->setMaxQueued(settings_.threads * 4);
    params->setTimeout(Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(settings_.ioTimeout.count()) * 1000));
    params->setKeepAlive(false);
    params->setServerName("");
    Poco::Net::HTTPServer server(new HandlerFactory(ctx), pool, socket, params);
    server.start();
    if (ctx.snapshots) ctx.snapshots->start();
    logger().information("jiffy-sluggo listening on " + settings_.address + " (extensions " +
                         (settings_.extensions ? "on" : "off") + ", max " +
                         (settings_.limits.maxKeys ? std::to_string(settings_.limits.maxKeys) : "unlimited") +
                         " keys / " + mib(settings_.limits.maxBytes) + ", snapshot " +
                         (settings_.snapshotPath.empty() ? "none" : settings_.snapshotPath) + ")");
    waitForTerminationRequest();
    shutdown(ctx, server);
    pool.joinAll();
    return EXIT_OK;
}

void SluggoServerApp::shutdown(ServerContext& ctx, Poco::Net::HTTPServer& server)
{
    logger().information("shutting down");
    ctx.stopping = true;
    server.stop(); // no new connections
    auto deadline = std::chrono::steady_clock::now() + kDrainTime;
    while (ctx.activeHandlers.load() > 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    // From here on every write is refused, so the last snapshot holds every
    // write that was ever acknowledged.
    ctx.store.close();
    if (ctx.snapshots) ctx.snapshots->stop();
    server.stopAll(true);
    logger().information("stopped with " + std::to_string(ctx.store.size()) + " keys");
}

} // namespace jiffy::sluggo::server
