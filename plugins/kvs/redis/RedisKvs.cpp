// group_leader_kvs.redis: jiffy's Redis-backed KVS, through Poco::Redis.
//
// Every call borrows a connection from a bounded pool. A connection whose
// transport failed is dropped (and when it was cut, every idle one with it:
// the same restart or network break has most likely cut them too) and the
// next call opens a fresh one, so the plugin recovers by itself when the
// server comes back.
// While the server cannot be reached, new connections are attempted by one
// caller at a time after a short, growing pause; the others fail fast.
#include "RedisConfig.h"
#include "RedisConnection.h"

#include <ConnectionPool.h>
#include <jiffy/kvs.hpp>

#include <Poco/DigestEngine.h>
#include <Poco/SHA1Engine.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <string>

namespace jiffy::redis {
namespace {

using Clock = std::chrono::steady_clock;
using Pool = jiffy::support::ConnectionPool<RedisConnection>;
using Lease = jiffy::support::Lease<RedisConnection>;

const jiffy_option kOptions[] = {
    jiffy::option("redis_address", JIFFY_OPT_ADDRESS, false, "\"127.0.0.1:6379\"", "Redis server host:port"),
    jiffy::option("redis_protocol", JIFFY_OPT_STRING, false, "\"tcp\"", "only \"tcp\" is supported"),
    jiffy::option("max_idle", JIFFY_OPT_INT, false, "80",
                  "jiffy/redigo idle limit; the pool never holds more connections than this (0 = no cap)"),
    jiffy::option("max_active", JIFFY_OPT_INT, false, "12000",
                  "jiffy/redigo active limit (0 = unlimited); the pool is capped at 128 whatever it says"),
    jiffy::option("username", JIFFY_OPT_STRING, false, nullptr, "ACL user for AUTH (Redis 6+); needs password"),
    jiffy::option("password", JIFFY_OPT_STRING, false, nullptr,
                  "AUTH password (absent or empty = no AUTH; never logged)"),
    jiffy::option("db", JIFFY_OPT_INT, false, "0", "database number to SELECT"),
    jiffy::option("connect_timeout_ms", JIFFY_OPT_INT, false, "2000", "give up connecting after this long"),
    jiffy::option("timeout_ms", JIFFY_OPT_INT, false, "2000", "give up waiting for a reply after this long"),
    jiffy::option("pool_wait_ms", JIFFY_OPT_INT, false, "2000",
                  "wait this long for a free pooled connection, then JIFFY_TIMEOUT"),
};

/// Atomic compare-and-set: 0 = key absent, 1 = swapped, 2 = current value
/// differs. ARGV[3] is the TTL in ms, "0" for none. Lua strings are byte
/// strings, so the comparison is binary-exact.
const char kCasScript[] = "local cur = redis.call('GET', KEYS[1])\n"
                          "if not cur then return 0 end\n"
                          "if cur ~= ARGV[1] then return 2 end\n"
                          "if ARGV[3] == '0' then redis.call('SET', KEYS[1], ARGV[2])\n"
                          "else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end\n"
                          "return 1\n";

/// Redis refuses a PX that overflows its clock; a longer TTL is cut to this
/// (about 1000 years), which no lease or cache entry will notice.
constexpr int64_t kMaxTtlMs = 1000LL * 365 * 24 * 3600 * 1000;

constexpr std::chrono::milliseconds kFirstBackoff{50};
constexpr std::chrono::milliseconds kMaxBackoff{1000};

std::string sha1Hex(const std::string& text)
{
    Poco::SHA1Engine engine;
    engine.update(text);
    return Poco::DigestEngine::digestToHex(engine.digest());
}

int64_t integer(const Reply& r)
{
    if (r->isError()) failReply(r);
    const auto* i = dynamic_cast<const Poco::Redis::Type<Poco::Int64>*>(r.get());
    if (!i) fail(JIFFY_INTERNAL, "expected an integer reply, got type " + std::to_string(r->type()));
    return i->value();
}

/// A bulk-string reply: its bytes, or nullopt for a nil reply.
std::optional<std::string> bulk(const Reply& r)
{
    if (r->isError()) failReply(r);
    const auto* b = dynamic_cast<const Poco::Redis::Type<Poco::Redis::BulkString>*>(r.get());
    if (!b) fail(JIFFY_INTERNAL, "expected a bulk string reply, got type " + std::to_string(r->type()));
    if (b->value().isNull()) return std::nullopt;
    return b->value().value();
}

class RedisKvs : public jiffy::KvsStore {
public:
    RedisKvs(const jiffy::Host& host, std::string_view)
        : cfg_(RedisConfig::read(host)), label_("redis " + cfg_.address + ": "), casSha_(sha1Hex(kCasScript)),
          pool_([this] { return open(); }, cfg_.poolSize, cfg_.poolWait)
    {
        // No connection yet: jiffyd may start before Redis does, and health()
        // is how the host learns whether the server answers.
        host.debug("redis " + cfg_.address + ": pool of up to " + std::to_string(cfg_.poolSize) + " connections");
    }

    std::optional<std::string> get(std::string_view key) override
    {
        // PING rides along: Poco::Redis fills a bulk reply cut short by a
        // timeout with blanks without saying so, but leaves the stream
        // failed, so reading the PONG after it proves the value is whole.
        return run("GET", true, [&](RedisConnection& c) {
            std::vector<Reply> r = c.pipeline({command({"GET", key}), command({"PING"})});
            if (simpleString(r.at(1)) != "PONG") fail(JIFFY_INTERNAL, "unexpected reply to the PING after GET");
            return bulk(r.at(0));
        });
    }

    void set(std::string_view key, std::string_view value, std::chrono::milliseconds ttl) override
    {
        Poco::Redis::Array cmd = command({"SET", key, value});
        addTtl(cmd, ttl);
        // Repeating a plain SET after a lost reply writes the same bytes again.
        run("SET", true, [&](RedisConnection& c) {
            Reply r = c.call(cmd);
            if (r->isError()) failReply(r);
            return 0;
        });
    }

    bool add(std::string_view key, std::string_view value, std::chrono::milliseconds ttl) override
    {
        Poco::Redis::Array cmd = command({"SET", key, value, "NX"});
        addTtl(cmd, ttl);
        return run("SET NX", false, [&](RedisConnection& c) {
            Reply r = c.call(cmd);
            if (r->isError()) failReply(r);
            return simpleString(r) == "OK"; // a nil reply: the key exists
        });
    }

    jiffy::CasResult compareAndSet(std::string_view key, std::string_view expected, std::string_view value,
                                   std::chrono::milliseconds ttl) override
    {
        const std::string ms = std::to_string(std::min<int64_t>(ttl.count(), kMaxTtlMs));
        int64_t code = run("compare-and-set", false, [&](RedisConnection& c) {
            Reply r = c.call(command({"EVALSHA", casSha_, "1", key, expected, value, ms}));
            // The script cache is empty after a restart or SCRIPT FLUSH: EVAL
            // runs the script and caches it again for the next EVALSHA.
            if (r->isError() && r->toString().find("NOSCRIPT") != std::string::npos)
                r = c.call(command({"EVAL", kCasScript, "1", key, expected, value, ms}));
            return integer(r);
        });
        switch (code) {
        case 0:
            return jiffy::CasResult::NotFound;
        case 1:
            return jiffy::CasResult::Swapped;
        case 2:
            return jiffy::CasResult::Conflict;
        default:
            fail(JIFFY_INTERNAL, label_ + "compare-and-set script returned " + std::to_string(code));
        }
    }

    bool remove(std::string_view key) override
    {
        return run("DEL", false, [&](RedisConnection& c) { return integer(c.call(command({"DEL", key}))) > 0; });
    }

    int64_t incr(std::string_view key, int64_t delta) override
    {
        // INCRBY is atomic, creates an absent key as 0 without expiry, keeps
        // an existing expiry, and refuses a non-integer or an overflow.
        return run("INCRBY", false, [&](RedisConnection& c) {
            return integer(c.call(command({"INCRBY", key, std::to_string(delta)})));
        });
    }

    void health() override
    {
        run("PING", true, [&](RedisConnection& c) {
            Reply r = c.call(command({"PING"}));
            if (r->isError()) failReply(r);
            if (simpleString(r) != "PONG") fail(JIFFY_INTERNAL, "unexpected reply to PING");
            return 0;
        });
    }

private:
    static void addTtl(Poco::Redis::Array& cmd, std::chrono::milliseconds ttl)
    {
        if (ttl.count() <= 0) return;
        cmd.add(Poco::Redis::BulkString(std::string("PX")));
        cmd.add(Poco::Redis::BulkString(std::to_string(std::min<int64_t>(ttl.count(), kMaxTtlMs))));
    }

    /// Runs `f` on a pooled connection. An `idempotent` command whose
    /// connection, reused from the pool, turned out to be cut is repeated
    /// once on a fresh one: that is how a server restart or an idle-client
    /// kill usually shows, and repeating GET/SET/PING cannot change the
    /// outcome. Errors are prefixed with the server and the command.
    template <class F>
    auto run(const char* what, bool idempotent, F&& f) -> decltype(f(std::declval<RedisConnection&>()))
    {
        try {
            for (int attempt = 1;; ++attempt) {
                Lease lease(pool_);
                const bool reused = lease->uses() > 0;
                try {
                    return f(*lease);
                } catch (const jiffy::Error& e) {
                    if (lease->healthy()) throw; // an error reply: the connection is fine
                    drop(lease, e.status());
                    // A timeout is no sign of a stale connection: do not wait twice.
                    if (!idempotent || !reused || attempt > 1 || e.status() != JIFFY_UNAVAILABLE) throw;
                } catch (...) {
                    if (!lease->healthy()) drop(lease, JIFFY_INTERNAL);
                    throw;
                }
            }
        } catch (const jiffy::Error& e) {
            throw jiffy::Error(e.status(), label_ + what + ": " + e.what());
        }
    }

    /// Closes a connection whose transport failed. When it was cut (not
    /// merely slow) the idle ones most likely were too: a server restart or
    /// a network break cuts them all, so they go as well.
    void drop(Lease& lease, jiffy_status why)
    {
        lease.broken();
        if (why == JIFFY_UNAVAILABLE) pool_.dropIdle();
    }

    /// The pool's opener: connects unless the server was just seen down.
    std::unique_ptr<RedisConnection> open()
    {
        {
            std::lock_guard<std::mutex> lock(reconnectMutex_);
            const auto now = Clock::now();
            if (now < retryAt_) {
                auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(retryAt_ - now);
                fail(JIFFY_UNAVAILABLE,
                     "not reachable (" + lastError_ + "); next attempt in " + std::to_string(wait.count() + 1) + " ms");
            }
            // While one caller probes a server known to be down, the others
            // fail fast instead of all waiting out the connect timeout.
            if (backoff_.count() > 0) retryAt_ = now + cfg_.connectTimeout + 2 * cfg_.timeout;
        }
        try {
            auto c = std::make_unique<RedisConnection>(cfg_);
            std::lock_guard<std::mutex> lock(reconnectMutex_);
            backoff_ = std::chrono::milliseconds(0);
            retryAt_ = Clock::time_point();
            return c;
        } catch (const jiffy::Error& e) {
            std::lock_guard<std::mutex> lock(reconnectMutex_);
            if (e.status() == JIFFY_UNAVAILABLE || e.status() == JIFFY_TIMEOUT) {
                backoff_ = std::clamp(backoff_ * 2, kFirstBackoff, kMaxBackoff);
                retryAt_ = Clock::now() + backoff_;
                lastError_ = e.what();
            } else {
                retryAt_ = Clock::time_point(); // AUTH/SELECT refused: nothing to wait for
            }
            throw;
        }
    }

    const RedisConfig cfg_;
    const std::string label_;
    const std::string casSha_;
    std::mutex reconnectMutex_;
    Clock::time_point retryAt_;
    std::chrono::milliseconds backoff_{0};
    std::string lastError_;
    Pool pool_; // last: its connections refer to cfg_ and die first
};

} // namespace
} // namespace jiffy::redis

JIFFY_KVS_PLUGIN(jiffy::redis::RedisKvs, "redis", "1.0.0",
                 JIFFY_CAP_THREAD_SAFE | JIFFY_CAP_TTL | JIFFY_CAP_ATOMIC_CAS | JIFFY_CAP_INCR | JIFFY_CAP_SHARED,
                 jiffy::redis::kOptions)
