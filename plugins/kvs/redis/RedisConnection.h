// One connection to the Redis server, as the pool lends it out.
//
// Every failure of the transport (refused, reset, timed out, a reply cut
// short) becomes jiffy::Error UNAVAILABLE or TIMEOUT and leaves healthy()
// false, so the caller drops the connection instead of returning it to the
// pool. An error *reply* from the server is not a transport failure: it is
// returned as a reply and the connection stays usable.
#pragma once

#include "RedisConfig.h"

#include <Poco/Redis/Array.h>
#include <Poco/Redis/Client.h>
#include <Poco/Redis/Type.h>

#include <cstdint>
#include <string>
#include <vector>

namespace jiffy::redis {

using Reply = Poco::Redis::RedisType::Ptr;

class RedisConnection {
public:
    /// Connects, then AUTH and SELECT as configured; throws jiffy::Error.
    explicit RedisConnection(const RedisConfig& cfg);
    ~RedisConnection();
    RedisConnection(const RedisConnection&) = delete;
    RedisConnection& operator=(const RedisConnection&) = delete;

    /// Sends one command and reads its reply.
    Reply call(const Poco::Redis::Array& command);
    /// Sends the commands in one write and reads one reply per command.
    std::vector<Reply> pipeline(const std::vector<Poco::Redis::Array>& commands);

    /// False once the transport failed: the connection must be dropped.
    bool healthy() const { return healthy_; }
    /// How many exchanges completed on this connection (0 = freshly opened).
    uint64_t uses() const { return uses_; }

private:
    /// AUTH and SELECT as configured.
    void handshake();
    void close() noexcept;
    template <class F> auto exchange(F&& f) -> decltype(f());
    void expectOk(const Reply& reply, const char* what);

    const RedisConfig& cfg_;
    Poco::Redis::Client client_;
    bool healthy_ = false;
    uint64_t uses_ = 0;
};

/// Builds a command from its words; every word goes out as a bulk string, so
/// keys and values are binary-safe (NUL, CR/LF, any byte).
Poco::Redis::Array command(std::initializer_list<std::string_view> words);

/// Throws the jiffy::Error that best describes an error reply.
[[noreturn]] void failReply(const Reply& reply);

/// The text of a simple-string reply, or "" for any other type.
std::string simpleString(const Reply& reply);

} // namespace jiffy::redis
