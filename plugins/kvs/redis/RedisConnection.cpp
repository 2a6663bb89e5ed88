#include "RedisConnection.h"

#include <SigpipeGuard.h>

#include <Poco/Exception.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Redis/Exception.h>

#include <chrono>

namespace jiffy::redis {
namespace {

using Clock = std::chrono::steady_clock;

Poco::Timespan timespan(std::chrono::milliseconds ms)
{
    return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms.count()) * 1000);
}

bool contains(const std::string& text, const char* what)
{
    return text.find(what) != std::string::npos;
}

} // namespace

Poco::Redis::Array command(std::initializer_list<std::string_view> words)
{
    Poco::Redis::Array a;
    for (std::string_view w : words) a.add(Poco::Redis::BulkString(std::string(w)));
    return a;
}

std::string simpleString(const Reply& reply)
{
    const auto* s = dynamic_cast<const Poco::Redis::Type<std::string>*>(reply.get());
    return s ? s->value() : std::string();
}

void failReply(const Reply& reply)
{
    const auto* e = dynamic_cast<const Poco::Redis::Type<Poco::Redis::Error>*>(reply.get());
    if (!e) fail(JIFFY_INTERNAL, "unexpected reply type " + std::to_string(reply->type()));
    const std::string msg = e->value().getMessage();
    // Redis prefixes an error with a code word; Lua errors may wrap it, so
    // it is searched for, not only matched at the start.
    static const struct {
        const char* text;
        jiffy_status status;
    } kinds[] = {
        {"WRONGTYPE", JIFFY_INVALID},      // the key holds a list, hash, ... not a string
        {"not an integer", JIFFY_INVALID}, // INCRBY on a non-integer
        {"overflow", JIFFY_INVALID},       // INCRBY past 64 bits
        {"invalid expire", JIFFY_INVALID},
        {"AUTH", JIFFY_INVALID}, // NOAUTH, WRONGPASS, AUTH without a password set: configuration
        {"WRONGPASS", JIFFY_INVALID},
        {"NOPERM", JIFFY_INVALID},
        {"DB index", JIFFY_INVALID},
        {"OOM", JIFFY_TOO_LARGE}, // over maxmemory
        // alive but cannot serve now
        {"LOADING", JIFFY_UNAVAILABLE},
        {"BUSY", JIFFY_UNAVAILABLE},
        {"READONLY", JIFFY_UNAVAILABLE},
        {"MASTERDOWN", JIFFY_UNAVAILABLE},
        {"TRYAGAIN", JIFFY_UNAVAILABLE},
        {"CLUSTERDOWN", JIFFY_UNAVAILABLE},
        {"MISCONF", JIFFY_UNAVAILABLE},
    };
    jiffy_status status = JIFFY_INTERNAL;
    for (const auto& k : kinds) {
        if (contains(msg, k.text)) {
            status = k.status;
            break;
        }
    }
    fail(status, "server replied: " + msg);
}

RedisConnection::RedisConnection(const RedisConfig& cfg) : cfg_(cfg)
{
    try {
        // Resolved on every connect, so a server that moved (container
        // restart, DNS change) is found again.
        Poco::Net::SocketAddress where(cfg.host, cfg.port);
        client_.connect(where, timespan(cfg.connectTimeout));
        client_.setReceiveTimeout(timespan(cfg.timeout));
    } catch (const Poco::TimeoutException&) {
        fail(JIFFY_TIMEOUT, "connect: no answer within " + std::to_string(cfg.connectTimeout.count()) + " ms");
    } catch (const Poco::Exception& e) {
        fail(JIFFY_UNAVAILABLE, "connect: " + e.displayText());
    }
    healthy_ = true;
    try {
        handshake();
    } catch (...) {
        close(); // the destructor does not run for a constructor that throws
        throw;
    }
}

RedisConnection::~RedisConnection()
{
    close();
}

void RedisConnection::close() noexcept
{
    // Closing flushes output still buffered after a failed write, which
    // may hit the reset socket again.
    support::SigpipeGuard sigpipe;
    try {
        client_.disconnect();
    } catch (...) {
        // closing a socket that already failed: nothing left to do
    }
}

void RedisConnection::handshake()
{
    if (!cfg_.password.empty()) {
        Poco::Redis::Array auth =
            cfg_.username.empty() ? command({"AUTH", cfg_.password}) : command({"AUTH", cfg_.username, cfg_.password});
        expectOk(call(auth), "AUTH");
    }
    if (cfg_.db != 0) expectOk(call(command({"SELECT", std::to_string(cfg_.db)})), "SELECT");
    uses_ = 0; // the handshake does not count: a command on this connection is still a first use
}

void RedisConnection::expectOk(const Reply& reply, const char* what)
{
    if (reply->isError()) {
        try {
            failReply(reply);
        } catch (const jiffy::Error& e) {
            // A refused AUTH/SELECT is a configuration error whatever the reply.
            fail(JIFFY_INVALID, std::string(what) + " refused: " + e.what());
        }
    }
    if (simpleString(reply) != "OK") fail(JIFFY_INTERNAL, std::string(what) + ": unexpected reply");
}

template <class F> auto RedisConnection::exchange(F&& f) -> decltype(f())
{
    if (!healthy_) fail(JIFFY_UNAVAILABLE, "connection already failed");
    healthy_ = false; // stays false if anything below throws
    const auto started = Clock::now();
    try {
        support::SigpipeGuard sigpipe;
        auto result = f();
        healthy_ = true;
        ++uses_;
        return result;
    } catch (const Poco::Exception& e) {
        // Poco::Redis turns a receive timeout into "lost connection" (the
        // stream just ends), so the clock tells a timeout from a reset.
        if (dynamic_cast<const Poco::TimeoutException*>(&e) || Clock::now() - started >= cfg_.timeout)
            fail(JIFFY_TIMEOUT, "no reply within " + std::to_string(cfg_.timeout.count()) + " ms");
        fail(JIFFY_UNAVAILABLE, "connection failed: " + e.displayText());
    }
}

Reply RedisConnection::call(const Poco::Redis::Array& cmd)
{
    return exchange([&] { return client_.sendCommand(cmd); });
}

std::vector<Reply> RedisConnection::pipeline(const std::vector<Poco::Redis::Array>& commands)
{
    return exchange([&] {
        Poco::Redis::Array replies = client_.sendCommands(commands);
        return std::vector<Reply>(replies.begin(), replies.end());
    });
}

} // namespace jiffy::redis
