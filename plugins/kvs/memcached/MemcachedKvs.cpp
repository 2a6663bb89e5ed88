// group_leader_kvs.memcached: jiffy's memcached-backed KVS, through
// libmemcached (binary protocol, ketama hashing over memcached_addresses).
//
// compare_and_set is gets + compare + cas, so it is atomic; incr is the
// server's atomic increment where memcached's unsigned arithmetic gives the
// exact signed answer, and a gets/cas loop where it would not (negative
// deltas or stored values). Expiry is in whole seconds, rounded up.
#include "MemcachedClient.h"
#include "MemcachedConfig.h"

#include <ConnectionPool.h>
#include <jiffy/kvs.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

namespace jiffy::memcache {
namespace {

using Clock = std::chrono::steady_clock;
using Pool = jiffy::support::ConnectionPool<MemcachedClient>;
using Lease = jiffy::support::Lease<MemcachedClient>;

const jiffy_option kOptions[] = {
    jiffy::option("memcached_addresses", JIFFY_OPT_ADDRESS_LIST, false, "[\"127.0.0.1:11211\"]",
                  "memcached servers, host:port; keys are spread with ketama consistent hashing"),
    jiffy::option("connect_timeout_ms", JIFFY_OPT_INT, false, "1000", "give up connecting after this long"),
    jiffy::option("timeout_ms", JIFFY_OPT_INT, false, "1000", "give up waiting for a reply after this long"),
    jiffy::option("retry_timeout_s", JIFFY_OPT_INT, false, "1",
                  "after a server failed, fail fast for this many seconds before trying it again"),
    jiffy::option("pool_size", JIFFY_OPT_INT, false, "16", "libmemcached handles kept (one per concurrent call)"),
    jiffy::option("pool_wait_ms", JIFFY_OPT_INT, false, "2000",
                  "wait this long for a free pooled handle, then JIFFY_TIMEOUT"),
};

/// Above this many seconds memcached reads an expiry as a unix time.
constexpr int64_t kMaxRelativeExpiry = 30LL * 24 * 3600;
/// compare-and-set attempts when the CAS id moved but the value still matched.
constexpr int kCasAttempts = 16;
/// incr read-modify-write attempts on a busy key before giving up.
constexpr int kIncrAttempts = 200;

/// The memcached expiry for a TTL. Whole seconds, rounded up, plus one:
/// memcached's clock ticks once a second, so an item stored with expiry N
/// lives between N-1 and N seconds; N+1 guarantees at least the TTL asked
/// for (and at most about two seconds more).
time_t expiryFor(std::chrono::milliseconds ttl)
{
    if (ttl.count() <= 0) return 0;
    int64_t secs = ttl.count() / 1000 + (ttl.count() % 1000 != 0 ? 1 : 0) + 1;
    if (secs <= kMaxRelativeExpiry) return static_cast<time_t>(secs);
    // Longer TTLs must be sent as a unix time (so the server's clock should
    // agree with ours), capped where the binary protocol's unsigned 32-bit
    // expiry field ends (year 2106).
    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    const int64_t last = UINT32_MAX;
    return static_cast<time_t>(secs > last - now ? last : now + secs);
}

/// The signed 64-bit integer in `text`, as strtoll reads a whole string.
int64_t parseInteger(const std::string& text)
{
    char* end = nullptr;
    errno = 0;
    long long v = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || end != text.c_str() + text.size() || errno == ERANGE)
        fail(JIFFY_INVALID, "incr: the value is not a 64-bit decimal integer");
    return v;
}

int64_t checkedAdd(int64_t current, int64_t delta)
{
    if ((delta > 0 && current > INT64_MAX - delta) || (delta < 0 && current < INT64_MIN - delta))
        fail(JIFFY_INVALID, "incr: would overflow a 64-bit signed integer");
    return current + delta;
}

/// A short random pause so that read-modify-write loops racing on one key
/// do not retry in lock step.
void jitter(int attempt)
{
    thread_local std::minstd_rand rng(std::random_device{}());
    int limitUs = 50 * std::min(attempt, 20);
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % static_cast<unsigned>(limitUs + 1)));
}

class MemcachedKvs : public jiffy::KvsStore {
public:
    MemcachedKvs(const jiffy::Host& host, std::string_view)
        : cfg_(MemcachedConfig::read(host)), master_(makeMaster(cfg_), &memcached_free),
          pool_([this] { return clone(); }, cfg_.poolSize, cfg_.poolWait)
    {
        host.debug("memcached " + cfg_.describe() + ": pool of up to " + std::to_string(cfg_.poolSize) + " handles");
    }

    std::optional<std::string> get(std::string_view key) override
    {
        return run(key, [&](MemcachedClient& c) -> std::optional<std::string> {
            auto item = c.fetch(key);
            if (!item) return std::nullopt;
            return std::move(item->value);
        });
    }

    void set(std::string_view key, std::string_view value, std::chrono::milliseconds ttl) override
    {
        run(key, [&](MemcachedClient& c) {
            c.set(key, value, expiryFor(ttl));
            return 0;
        });
    }

    bool add(std::string_view key, std::string_view value, std::chrono::milliseconds ttl) override
    {
        return run(key, [&](MemcachedClient& c) { return c.add(key, value, expiryFor(ttl)); });
    }

    jiffy::CasResult compareAndSet(std::string_view key, std::string_view expected, std::string_view value,
                                   std::chrono::milliseconds ttl) override
    {
        const time_t expiry = expiryFor(ttl);
        return run(key, [&](MemcachedClient& c) {
            // A changed CAS id with the same bytes (someone rewrote the value
            // or it was touched) is not a conflict: read again and retry.
            for (int attempt = 0; attempt < kCasAttempts; ++attempt) {
                auto item = c.fetch(key);
                if (!item) return jiffy::CasResult::NotFound;
                if (item->value != expected) return jiffy::CasResult::Conflict;
                if (c.cas(key, value, expiry, item->cas) == CasStore::Stored) return jiffy::CasResult::Swapped;
            }
            return jiffy::CasResult::Conflict; // the value keeps changing under us
        });
    }

    bool remove(std::string_view key) override
    {
        return run(key, [&](MemcachedClient& c) { return c.remove(key); });
    }

    int64_t incr(std::string_view key, int64_t delta) override
    {
        if (delta >= 0) {
            auto done = run(key, [&](MemcachedClient& c) -> std::optional<int64_t> {
                for (int attempt = 1; attempt <= kIncrAttempts; ++attempt) {
                    auto v = c.increment(key, static_cast<uint64_t>(delta));
                    if (v) {
                        // memcached adds modulo 2^64: a sum past INT64_MAX (or one
                        // that wrapped) is undone by adding -delta, which commutes
                        // with any increment that raced with ours.
                        if (*v > static_cast<uint64_t>(INT64_MAX) || *v < static_cast<uint64_t>(delta)) {
                            if (delta != 0) c.addModulo(key, 0 - static_cast<uint64_t>(delta));
                            fail(JIFFY_INVALID, "incr: would overflow a 64-bit signed integer");
                        }
                        return static_cast<int64_t>(*v);
                    }
                    // Absent: create it. When another writer created it first,
                    // go back to the server's atomic increment rather than
                    // contending in read-modify-write rounds.
                    if (c.fetch(key)) return std::nullopt; // present but not addable: the CAS path
                    if (c.add(key, std::to_string(delta), 0)) return delta;
                }
                return std::nullopt;
            });
            if (done) return *done;
        }
        // Negative delta (memcached's decrement stops at 0) or a value the
        // server cannot add to (negative, or not a number).
        return run(key, [&](MemcachedClient& c) { return incrByCas(c, key, delta); });
    }

    void health() override
    {
        run({}, [&](MemcachedClient& c) {
            c.health();
            return 0;
        });
    }

private:
    /// Read, add in signed 64-bit, write back only if nobody wrote since.
    /// This write sets no expiry: memcached cannot report the old one.
    int64_t incrByCas(MemcachedClient& c, std::string_view key, int64_t delta)
    {
        // Bounded in attempts and in time; generous, as only a key hammered
        // by many writers at once needs more than a few rounds.
        const auto patience = std::max<std::chrono::milliseconds>(4 * cfg_.timeout, std::chrono::seconds(2));
        const auto deadline = Clock::now() + patience;
        for (int attempt = 1; attempt <= kIncrAttempts && Clock::now() < deadline; ++attempt) {
            auto item = c.fetch(key);
            if (!item) {
                if (c.add(key, std::to_string(delta), 0)) return delta;
            } else {
                int64_t next = checkedAdd(parseInteger(item->value), delta);
                if (c.cas(key, std::to_string(next), 0, item->cas) == CasStore::Stored) return next;
            }
            jitter(attempt);
        }
        fail(JIFFY_UNAVAILABLE, "incr gave up: the key kept changing under " + std::to_string(kIncrAttempts) +
                                    " read-modify-write attempts");
    }

    /// Runs `f` on a pooled handle; a handle left unhealthy is dropped.
    /// Errors are prefixed with the server that holds `key` (every server
    /// when `key` is empty).
    template <class F> auto run(std::string_view key, F&& f) -> decltype(f(std::declval<MemcachedClient&>()))
    {
        std::string where = cfg_.describe();
        try {
            Lease lease(pool_);
            try {
                if (!key.empty()) where = lease->serverOf(key);
                auto result = f(*lease);
                if (!lease->healthy()) lease.broken();
                return result;
            } catch (...) {
                if (!lease->healthy()) lease.broken();
                throw;
            }
        } catch (const jiffy::Error& e) {
            throw jiffy::Error(e.status(), "memcached " + where + ": " + e.what());
        }
    }

    /// The pool's opener. memcached_clone reads the master, which nothing
    /// else touches, but libmemcached does not promise that is thread-safe.
    std::unique_ptr<MemcachedClient> clone()
    {
        std::lock_guard<std::mutex> lock(cloneMutex_);
        memcached_st* c = memcached_clone(nullptr, master_.get());
        if (!c) fail(JIFFY_INTERNAL, "memcached_clone failed (out of memory)");
        return std::make_unique<MemcachedClient>(c);
    }

    const MemcachedConfig cfg_;
    std::unique_ptr<memcached_st, decltype(&memcached_free)> master_;
    std::mutex cloneMutex_;
    Pool pool_; // last: its handles are clones of master_
};

} // namespace
} // namespace jiffy::memcache

JIFFY_KVS_PLUGIN(jiffy::memcache::MemcachedKvs, "memcached", "1.0.0",
                 JIFFY_CAP_THREAD_SAFE | JIFFY_CAP_TTL | JIFFY_CAP_ATOMIC_CAS | JIFFY_CAP_INCR | JIFFY_CAP_SHARED,
                 jiffy::memcache::kOptions)
