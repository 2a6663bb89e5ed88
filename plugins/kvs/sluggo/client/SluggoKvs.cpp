#include "client/SluggoKvs.h"

#include <cerrno>
#include <cstdlib>

namespace jiffy::sluggo {

SluggoKvs::SluggoKvs(const jiffy::Host& host, std::string_view)
    : host_(host), config_(readConfig(host)), connector_(config_), go_(connector_),
      ext_(connector_, config_.connections)
{
    // Learn the mode now so that the weaker guarantees of a plain sluggo
    // are logged at start; a server not up yet is asked again on first use.
    try {
        mode();
    } catch (const jiffy::Error& e) {
        host_.warning(std::string(e.what()) + "; will try again on first use");
    }
}

SluggoKvs::Mode SluggoKvs::mode()
{
    std::lock_guard<std::mutex> lock(modeMutex_);
    // A plain server may be replaced by jiffy-sluggo without any request
    // failing in between (each plain request is its own connection), so
    // plain mode is confirmed again now and then.
    if (mode_ == Mode::Plain && std::chrono::steady_clock::now() - plainSince_ > kPlainRecheck) mode_ = Mode::Unknown;
    if (mode_ != Mode::Unknown) return mode_;
    // While the server is unreachable, callers queued behind a failed probe
    // fail at once with its error instead of each waiting out a timeout.
    auto now = std::chrono::steady_clock::now();
    if (probeFailed_ && now - probeFailedAt_ < kProbeBackoff) throw *probeFailed_;
    probeFailed_.reset();
    try {
        ExtReply hello = ext_.hello();
        if (hello.status != ext::kOk || hello.number < 1)
            fail(JIFFY_UNAVAILABLE,
                 "sluggo at " + config_.address + " gave an unexpected answer to HELLO: " + hello.status);
        mode_ = Mode::Extended;
        if (!announcedExtended_)
            host_.info("sluggo at " + config_.address + " is jiffy-sluggo with extensions (" + hello.features +
                       "): add, compare-and-set and incr are atomic on the server");
        announcedExtended_ = true;
    } catch (const jiffy::Error& e) {
        probeFailed_ = e;
        probeFailedAt_ = std::chrono::steady_clock::now();
        throw;
    } catch (const NoExtensions&) {
        mode_ = Mode::Plain;
        plainSince_ = std::chrono::steady_clock::now();
        if (!warnedPlain_)
            host_.warning("sluggo at " + config_.address +
                          " has no extensions (Go sluggo or --no-extensions): "
                          "leader safety is weaker: compare-and-set and add are atomic only within this process, "
                          "not across jiffyd processes; TTLs are refused");
        warnedPlain_ = true;
    }
    return mode_;
}

template <class R, class Ext, class Plain> R SluggoKvs::dispatch(Ext&& extended, Plain&& plain)
{
    for (int attempt = 0;; ++attempt) {
        try {
            return mode() == Mode::Extended ? extended() : plain();
        } catch (const NoExtensions& e) {
            // The server was replaced by one without extensions: probe again
            // and redo the call in the new mode, once.
            {
                std::lock_guard<std::mutex> lock(modeMutex_);
                mode_ = Mode::Unknown;
            }
            if (attempt > 0) fail(JIFFY_UNAVAILABLE, e.what());
        } catch (const jiffy::Error& e) {
            if (e.status() == JIFFY_UNAVAILABLE || e.status() == JIFFY_TIMEOUT) {
                // Whatever answers next may be another server: ask again.
                std::lock_guard<std::mutex> lock(modeMutex_);
                mode_ = Mode::Unknown;
                ext_.reset();
            }
            throw;
        }
    }
}

ExtRequest SluggoKvs::request(std::string_view op, std::string_view key)
{
    ExtRequest q;
    q.op = std::string(op);
    q.key = std::string(key);
    return q;
}

ExtReply SluggoKvs::extCall(const ExtRequest& q, bool idempotent)
{
    ExtReply r = ext_.call(q, idempotent);
    if (r.status == ext::kOk || r.status == ext::kNotFound || r.status == ext::kConflict) return r;
    std::string what = "sluggo at " + config_.address + ": " + (r.message.empty() ? r.status : r.message);
    if (r.status == ext::kFull) fail(JIFFY_TOO_LARGE, what);
    if (r.status == ext::kInvalid) fail(JIFFY_INVALID, what);
    if (r.status == ext::kUnavailable) fail(JIFFY_UNAVAILABLE, what);
    fail(JIFFY_INTERNAL, what);
}

void SluggoKvs::refuseTtl(std::chrono::milliseconds ttl, const char* verb) const
{
    if (ttl.count() > 0)
        fail(JIFFY_UNSUPPORTED, std::string(verb) + " with a TTL: sluggo at " + config_.address +
                                    " has no expiry (Go sluggo or --no-extensions)");
}

int64_t SluggoKvs::parseCounter(const std::string& v)
{
    char* end = nullptr;
    errno = 0;
    long long n = std::strtoll(v.c_str(), &end, 10);
    if (v.empty() || end != v.c_str() + v.size() || errno == ERANGE)
        fail(JIFFY_INVALID, "value of the key is not a decimal integer");
    return n;
}

std::optional<std::string> SluggoKvs::get(std::string_view key)
{
    return dispatch<std::optional<std::string>>(
        [&]() -> std::optional<std::string> {
            ExtReply r = extCall(request(ext::kGet, key), true);
            if (r.status == ext::kNotFound) return std::nullopt;
            return std::move(r.value);
        },
        [&] { return go_.get(key); });
}

void SluggoKvs::set(std::string_view key, std::string_view value, std::chrono::milliseconds ttl)
{
    dispatch<void>(
        [&] {
            ExtRequest q = request(ext::kSet, key);
            q.value = std::string(value);
            q.ttlMs = ttl.count();
            extCall(q, true);
        },
        [&] {
            refuseTtl(ttl, "set");
            std::lock_guard<std::mutex> lock(plainMutex_);
            go_.set(key, value);
        });
}

bool SluggoKvs::add(std::string_view key, std::string_view value, std::chrono::milliseconds ttl)
{
    return dispatch<bool>(
        [&] {
            ExtRequest q = request(ext::kAdd, key);
            q.value = std::string(value);
            q.ttlMs = ttl.count();
            return extCall(q, false).status == ext::kOk;
        },
        [&] {
            refuseTtl(ttl, "add");
            std::lock_guard<std::mutex> lock(plainMutex_);
            if (go_.get(key)) return false;
            go_.set(key, value);
            return true;
        });
}

jiffy::CasResult SluggoKvs::compareAndSet(std::string_view key, std::string_view expected, std::string_view value,
                                          std::chrono::milliseconds ttl)
{
    return dispatch<jiffy::CasResult>(
        [&] {
            ExtRequest q = request(ext::kCas, key);
            q.expected = std::string(expected);
            q.value = std::string(value);
            q.ttlMs = ttl.count();
            ExtReply r = extCall(q, false);
            if (r.status == ext::kNotFound) return jiffy::CasResult::NotFound;
            return r.status == ext::kConflict ? jiffy::CasResult::Conflict : jiffy::CasResult::Swapped;
        },
        [&] {
            refuseTtl(ttl, "compare_and_set");
            std::lock_guard<std::mutex> lock(plainMutex_);
            std::optional<std::string> current = go_.get(key);
            if (!current) return jiffy::CasResult::NotFound;
            if (*current != expected) return jiffy::CasResult::Conflict;
            go_.set(key, value);
            return jiffy::CasResult::Swapped;
        });
}

bool SluggoKvs::remove(std::string_view key)
{
    return dispatch<bool>([&] { return extCall(request(ext::kDel, key), false).status == ext::kOk; },
                          [&] {
                              // Go's /delete answers "true" either way: ask first.
                              std::lock_guard<std::mutex> lock(plainMutex_);
                              if (!go_.get(key)) return false;
                              go_.remove(key);
                              return true;
                          });
}

int64_t SluggoKvs::incr(std::string_view key, int64_t delta)
{
    return dispatch<int64_t>(
        [&] {
            ExtRequest q = request(ext::kIncr, key);
            q.delta = delta;
            return extCall(q, false).number;
        },
        [&] {
            std::lock_guard<std::mutex> lock(plainMutex_);
            std::optional<std::string> current = go_.get(key);
            int64_t n = current ? parseCounter(*current) : 0;
            if ((delta > 0 && n > INT64_MAX - delta) || (delta < 0 && n < INT64_MIN - delta))
                fail(JIFFY_INVALID, "incr would overflow a 64-bit integer");
            n += delta;
            go_.set(key, std::to_string(n));
            return n;
        });
}

void SluggoKvs::health()
{
    dispatch<void>([&] { extCall(request(ext::kHello, ""), true); }, [&] { go_.isAlive(); });
}

} // namespace jiffy::sluggo
