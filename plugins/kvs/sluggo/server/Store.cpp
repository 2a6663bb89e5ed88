#include "server/Store.h"

#include <cerrno>
#include <cstdlib>
#include <stdexcept>

namespace jiffy::sluggo::server {

namespace {

/// Per-entry bookkeeping (node, hash bucket, string headers) counted against
/// --max-bytes on top of the payload, so that many tiny keys are bounded too.
constexpr size_t kEntryOverhead = 96;
constexpr int64_t kMaxTtlMs = int64_t(10) * 365 * 24 * 3600 * 1000;

size_t costOf(std::string_view key, const Article& a)
{
    return key.size() + a.op.size() + a.value.size() + a.type.size() + kEntryOverhead;
}

Article plainArticle(std::string_view value)
{
    // What Go's wscl.AddUpdCacheEntry stores, so a Go node reading a key we
    // wrote gets exactly what a Go writer would have left there.
    Article a;
    a.op = std::string(kOpAddUpdate);
    a.valid = true;
    a.value = std::string(value);
    return a;
}

OpResult result(Outcome o, std::string message = {})
{
    OpResult r;
    r.outcome = o;
    r.message = std::move(message);
    return r;
}

} // namespace

Clock::time_point deadlineFor(int64_t ttlMs)
{
    if (ttlMs <= 0) return Clock::time_point::max();
    return Clock::now() + std::chrono::milliseconds(ttlMs < kMaxTtlMs ? ttlMs : kMaxTtlMs);
}

Store::Entry* Store::live(std::string_view key)
{
    auto it = map_.find(std::string(key));
    if (it == map_.end()) return nullptr;
    if (it->second.expires != Clock::time_point::max() && it->second.expires <= Clock::now()) {
        bytes_ -= it->second.cost;
        map_.erase(it);
        changed();
        return nullptr;
    }
    return &it->second;
}

void Store::sweep()
{
    auto now = Clock::now();
    for (auto it = map_.begin(); it != map_.end();) {
        if (it->second.expires <= now) {
            bytes_ -= it->second.cost;
            it = map_.erase(it);
            changed();
        } else {
            ++it;
        }
    }
}

Outcome Store::put(std::string_view key, Article article, Clock::time_point expires, std::string& why)
{
    article.key.clear();
    size_t cost = costOf(key, article);
    Entry* e = live(key);
    // Keys written once with a TTL and never read again would pile up:
    // sweep now and then, and always before refusing for lack of room.
    if (!e && ++inserts_ % 1024 == 0) sweep();
    auto over = [&] {
        size_t old = e ? e->cost : 0;
        if (!e && limits_.maxKeys && map_.size() >= limits_.maxKeys) return 1;
        if (limits_.maxBytes && bytes_ - old + cost > limits_.maxBytes) return 2;
        return 0;
    };
    if (over()) {
        sweep();
        e = live(key);
    }
    if (int reason = over()) {
        why = reason == 1 ? "store is full: " + std::to_string(map_.size()) + " keys, the limit (--max-keys) is " +
                                std::to_string(limits_.maxKeys)
                          : "store is full: " + std::to_string(bytes_) + " bytes in use, " + std::to_string(cost) +
                                " more would pass the limit (--max-bytes) of " + std::to_string(limits_.maxBytes);
        return Outcome::Full;
    }
    if (!e) e = &map_[std::string(key)];
    bytes_ = bytes_ - e->cost + cost;
    e->article = std::move(article);
    e->expires = expires;
    e->cost = cost;
    changed();
    return Outcome::Ok;
}

OpResult Store::refuseIfClosed() const
{
    return closed_ ? result(Outcome::Closed, "server is shutting down") : result(Outcome::Ok);
}

std::optional<Article> Store::applyGo(const Article& a, std::string& why)
{
    std::lock_guard<std::mutex> lock(mutex_);
    if (a.op == kOpGet) {
        Entry* e = live(a.key);
        if (!e) return Article{}; // Go: the zero Article, Key "" included
        Article found = e->article;
        found.key = a.key;
        return found;
    }
    bool known = a.op == kOpAddUpdate || a.op == kOpDelete || a.op == kOpFlush;
    if (!known) {
        why = "unknown op \"" + a.op + "\"";
        return std::nullopt;
    }
    if (closed_) {
        why = "server is shutting down";
        return std::nullopt;
    }
    if (a.op == kOpAddUpdate) {
        if (put(a.key, a, Clock::time_point::max(), why) != Outcome::Ok) return std::nullopt;
    } else if (a.op == kOpDelete) {
        if (Entry* e = live(a.key)) {
            bytes_ -= e->cost;
            map_.erase(a.key);
            changed();
        }
    } else {
        map_.clear();
        bytes_ = 0;
        changed();
    }
    return a;
}

OpResult Store::get(std::string_view key)
{
    std::lock_guard<std::mutex> lock(mutex_);
    Entry* e = live(key);
    if (!e) return result(Outcome::NotFound);
    OpResult r;
    r.value = e->article.value;
    return r;
}

OpResult Store::set(std::string_view key, std::string_view value, int64_t ttlMs)
{
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return refuseIfClosed();
    OpResult r;
    r.outcome = put(key, plainArticle(value), deadlineFor(ttlMs), r.message);
    return r;
}

OpResult Store::add(std::string_view key, std::string_view value, int64_t ttlMs)
{
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return refuseIfClosed();
    if (live(key)) return result(Outcome::Conflict, "key already exists");
    OpResult r;
    r.outcome = put(key, plainArticle(value), deadlineFor(ttlMs), r.message);
    return r;
}

OpResult Store::compareAndSet(std::string_view key, std::string_view expected, std::string_view value, int64_t ttlMs)
{
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return refuseIfClosed();
    Entry* e = live(key);
    if (!e) return result(Outcome::NotFound, "key not found");
    if (e->article.value != expected) return result(Outcome::Conflict, "current value differs from the expected value");
    OpResult r;
    r.outcome = put(key, plainArticle(value), deadlineFor(ttlMs), r.message);
    return r;
}

OpResult Store::remove(std::string_view key)
{
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return refuseIfClosed();
    Entry* e = live(key);
    if (!e) return result(Outcome::NotFound, "key not found");
    bytes_ -= e->cost;
    map_.erase(std::string(key));
    changed();
    return result(Outcome::Ok);
}

OpResult Store::incr(std::string_view key, int64_t delta)
{
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return refuseIfClosed();
    Entry* e = live(key);
    int64_t current = 0;
    Clock::time_point expires = Clock::time_point::max();
    if (e) {
        const std::string& v = e->article.value;
        char* end = nullptr;
        errno = 0;
        long long parsed = std::strtoll(v.c_str(), &end, 10);
        if (v.empty() || end != v.c_str() + v.size() || errno == ERANGE)
            return result(Outcome::Invalid, "value of the key is not a decimal integer");
        current = parsed;
        expires = e->expires; // an existing counter keeps its expiry
    }
    if ((delta > 0 && current > INT64_MAX - delta) || (delta < 0 && current < INT64_MIN - delta))
        return result(Outcome::Invalid, "incr would overflow a 64-bit integer");
    current += delta;
    OpResult r;
    r.outcome = put(key, plainArticle(std::to_string(current)), expires, r.message);
    r.number = current;
    return r;
}

uint64_t Store::version() const
{
    std::lock_guard<std::mutex> lock(mutex_);
    return version_;
}

std::vector<SnapshotRecord> Store::dump(uint64_t& version) const
{
    std::lock_guard<std::mutex> lock(mutex_);
    version = version_;
    auto steadyNow = Clock::now();
    auto wallNow =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    std::vector<SnapshotRecord> out;
    out.reserve(map_.size());
    for (const auto& [key, e] : map_) {
        int64_t at = 0;
        if (e.expires != Clock::time_point::max()) {
            if (e.expires <= steadyNow) continue;
            at = wallNow + std::chrono::duration_cast<std::chrono::milliseconds>(e.expires - steadyNow).count() + 1;
        }
        out.push_back(SnapshotRecord{key, e.article, at});
    }
    return out;
}

void Store::load(std::vector<SnapshotRecord> records)
{
    std::lock_guard<std::mutex> lock(mutex_);
    auto wallNow =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    for (SnapshotRecord& r : records) {
        if (r.expiresAtUnixMs != 0 && r.expiresAtUnixMs <= wallNow) continue;
        auto expires = r.expiresAtUnixMs ? deadlineFor(r.expiresAtUnixMs - wallNow) : Clock::time_point::max();
        std::string why;
        if (put(r.key, std::move(r.article), expires, why) != Outcome::Ok)
            throw std::runtime_error("the snapshot does not fit the limits: " + why);
    }
}

void Store::close()
{
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
}

size_t Store::size() const
{
    std::lock_guard<std::mutex> lock(mutex_);
    return map_.size();
}

size_t Store::bytes() const
{
    std::lock_guard<std::mutex> lock(mutex_);
    return bytes_;
}

} // namespace jiffy::sluggo::server
