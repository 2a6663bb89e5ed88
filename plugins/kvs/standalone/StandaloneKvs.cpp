// local_standalone: jiffy's single-process KVS, as an in-process map with
// real expiry and atomic compare-and-set. Data lives as long as the process.
#include <jiffy/kvs.hpp>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <string>
#include <unordered_map>

namespace {

using Clock = std::chrono::steady_clock;

const jiffy_option kOptions[] = {
    jiffy::option("internal_address", JIFFY_OPT_ADDRESS, false, nullptr,
                  "jiffy's leader address for a standalone node (informational)"),
    jiffy::option("max_keys", JIFFY_OPT_INT, false, "0", "refuse new keys beyond this many (0 = no limit)"),
};

class StandaloneKvs : public jiffy::KvsStore {
public:
    StandaloneKvs(const jiffy::Host& host, std::string_view)
        : maxKeys_(static_cast<size_t>(host.optionInt("max_keys", 0, INT64_MAX)))
    {
    }

    std::optional<std::string> get(std::string_view key) override
    {
        std::lock_guard<std::mutex> lock(mutex_);
        Entry* e = live(key);
        if (!e) return std::nullopt;
        return e->value;
    }

    void set(std::string_view key, std::string_view value, std::chrono::milliseconds ttl) override
    {
        std::lock_guard<std::mutex> lock(mutex_);
        Entry* e = live(key);
        if (!e) e = insert(key);
        e->value.assign(value);
        e->expires = deadline(ttl);
    }

    bool add(std::string_view key, std::string_view value, std::chrono::milliseconds ttl) override
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (live(key)) return false;
        Entry* e = insert(key);
        e->value.assign(value);
        e->expires = deadline(ttl);
        return true;
    }

    jiffy::CasResult compareAndSet(std::string_view key, std::string_view expected, std::string_view value,
                                   std::chrono::milliseconds ttl) override
    {
        std::lock_guard<std::mutex> lock(mutex_);
        Entry* e = live(key);
        if (!e) return jiffy::CasResult::NotFound;
        if (e->value != expected) return jiffy::CasResult::Conflict;
        e->value.assign(value);
        e->expires = deadline(ttl);
        return jiffy::CasResult::Swapped;
    }

    bool remove(std::string_view key) override
    {
        std::lock_guard<std::mutex> lock(mutex_);
        bool existed = live(key) != nullptr;
        map_.erase(std::string(key));
        return existed;
    }

    /// In-process: it answers whenever the process does.
    void health() override {}

    int64_t incr(std::string_view key, int64_t delta) override
    {
        std::lock_guard<std::mutex> lock(mutex_);
        Entry* e = live(key);
        int64_t current = 0;
        if (e) {
            char* end = nullptr;
            errno = 0;
            long long v = std::strtoll(e->value.c_str(), &end, 10);
            if (e->value.empty() || *end != '\0' || errno == ERANGE)
                jiffy::fail(JIFFY_INVALID, "value of the key is not a decimal integer");
            current = v;
        } else {
            e = insert(key);
            e->expires = Clock::time_point::max();
        }
        if ((delta > 0 && current > INT64_MAX - delta) || (delta < 0 && current < INT64_MIN - delta))
            jiffy::fail(JIFFY_INVALID, "incr would overflow a 64-bit integer");
        current += delta;
        e->value = std::to_string(current);
        return current;
    }

private:
    struct Entry {
        std::string value;
        Clock::time_point expires = Clock::time_point::max();
    };

    static Clock::time_point deadline(std::chrono::milliseconds ttl)
    {
        return ttl.count() > 0 ? Clock::now() + ttl : Clock::time_point::max();
    }

    /// The entry for `key` if present and not expired; drops an expired one.
    Entry* live(std::string_view key)
    {
        auto it = map_.find(std::string(key));
        if (it == map_.end()) return nullptr;
        if (it->second.expires != Clock::time_point::max() && it->second.expires <= Clock::now()) {
            map_.erase(it);
            return nullptr;
        }
        return &it->second;
    }

    /// Inserts an empty entry, sweeping expired keys now and then so that
    /// keys written once with a TTL and never read again do not pile up.
    Entry* insert(std::string_view key)
    {
        if (++writes_ % 1024 == 0 || (maxKeys_ && map_.size() >= maxKeys_)) sweep();
        if (maxKeys_ && map_.size() >= maxKeys_)
            jiffy::fail(JIFFY_TOO_LARGE, "store is full: max_keys is " + std::to_string(maxKeys_));
        return &map_[std::string(key)];
    }

    void sweep()
    {
        auto now = Clock::now();
        for (auto it = map_.begin(); it != map_.end();) it = it->second.expires <= now ? map_.erase(it) : std::next(it);
    }

    std::mutex mutex_;
    std::unordered_map<std::string, Entry> map_;
    size_t maxKeys_;
    uint64_t writes_ = 0;
};

} // namespace

JIFFY_KVS_PLUGIN(StandaloneKvs, "standalone", "1.0.0",
                 JIFFY_CAP_THREAD_SAFE | JIFFY_CAP_TTL | JIFFY_CAP_ATOMIC_CAS | JIFFY_CAP_INCR, kOptions)
