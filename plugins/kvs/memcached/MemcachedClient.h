// One libmemcached handle (memcached_st), as the pool lends it out.
//
// A memcached_st may be used by one thread at a time, so each pooled client
// is a clone of one configured master. Keys travel as length-prefixed bytes
// in the binary protocol, so any 1-250 byte key works exactly (spaces, CR/LF,
// 0xff), with no escaping or hashing of our own.
//
// Failures become jiffy::Error naming the operation and what went wrong. A
// failure that may leave a reply half-read marks the client unhealthy so the
// pool drops it; after a plain connection failure the client is kept, since
// it remembers (retry_timeout_s) not to try that server again right away.
#pragma once

#include "MemcachedConfig.h"

#include <libmemcached/memcached.h>

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace jiffy::memcache {

/// A value and its CAS id, as `gets` returns them.
struct Item {
    std::string value;
    uint64_t cas = 0;
};

/// Outcome of a cas store.
enum class CasStore { Stored, Changed, Gone };

/// Makes the configured master handle (servers, protocol, timeouts); throws.
memcached_st* makeMaster(const MemcachedConfig& cfg);

class MemcachedClient {
public:
    /// Takes ownership of `handle` (a clone of the master).
    explicit MemcachedClient(memcached_st* handle) : m_(handle) {}
    ~MemcachedClient() { memcached_free(m_); }
    MemcachedClient(const MemcachedClient&) = delete;
    MemcachedClient& operator=(const MemcachedClient&) = delete;

    /// The value and CAS id, or nullopt when absent.
    std::optional<Item> fetch(std::string_view key);
    void set(std::string_view key, std::string_view value, time_t expiry);
    /// False when the key exists.
    bool add(std::string_view key, std::string_view value, time_t expiry);
    CasStore cas(std::string_view key, std::string_view value, time_t expiry, uint64_t casId);
    /// False when the key was absent.
    bool remove(std::string_view key);
    /// Atomic unsigned add; an absent key is created as `delta`. nullopt when
    /// the server refuses because the value is not an unsigned decimal.
    std::optional<uint64_t> increment(std::string_view key, uint64_t delta);
    /// Atomic unsigned add modulo 2^64 of an existing key (used to undo).
    void addModulo(std::string_view key, uint64_t delta);
    /// Asks every server for its stats; throws naming the ones that did not answer.
    void health();

    bool healthy() const { return healthy_; }
    /// "host:port" of the server that holds `key`.
    std::string serverOf(std::string_view key);

private:
    /// Throws the jiffy::Error for `rc` from operation `what` (the caller
    /// adds which server).
    [[noreturn]] void fail(memcached_return_t rc, const char* what);
    /// libmemcached's name for `rc`, with the socket error when there is one.
    std::string describe(memcached_return_t rc, bool withErrno = true);

    memcached_st* m_;
    bool healthy_ = true;
};

} // namespace jiffy::memcache
