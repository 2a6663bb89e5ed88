// The key/value map of jiffy-sluggo: what Go sluggo keeps (the whole
// Article per key) plus expiry, memory limits and the atomic operations of
// our extension. One mutex guards everything, as sluggo's single command
// goroutine does; every operation is therefore atomic.
#pragma once

#include "protocol/Article.h"

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace jiffy::sluggo::server {

using Clock = std::chrono::steady_clock;

/// 0 means "no limit".
struct StoreLimits {
    size_t maxKeys = 0;
    size_t maxBytes = 0;
};

enum class Outcome { Ok, NotFound, Conflict, Full, Invalid, Closed };

/// What an extension operation did. `message` explains anything but Ok.
struct OpResult {
    Outcome outcome = Outcome::Ok;
    std::string value;  ///< GET
    int64_t number = 0; ///< INCR
    std::string message;
};

/// One key as a snapshot keeps it; expiry in wall-clock ms since the epoch
/// (0 = never) so that it means the same after a restart.
struct SnapshotRecord {
    std::string key;
    Article article; ///< article.key is left empty: the key is above
    int64_t expiresAtUnixMs = 0;
};

class Store {
public:
    explicit Store(StoreLimits limits) : limits_(limits) {}

    /// sluggo's command loop for one Article: "AU" stores it whole (and
    /// clears any expiry), "G" returns the stored Article or the zero
    /// Article, "D" deletes and "FLUSH" clears, both returning `a`.
    /// nullopt for an unknown op (Go sluggo would hang), a full store or a
    /// closed one; `why` then says which.
    std::optional<Article> applyGo(const Article& a, std::string& why);

    OpResult get(std::string_view key);
    OpResult set(std::string_view key, std::string_view value, int64_t ttlMs);
    OpResult add(std::string_view key, std::string_view value, int64_t ttlMs);
    OpResult compareAndSet(std::string_view key, std::string_view expected, std::string_view value, int64_t ttlMs);
    OpResult remove(std::string_view key);
    OpResult incr(std::string_view key, int64_t delta);

    /// Bumped by every change; the snapshot writer compares it.
    uint64_t version() const;
    /// Every live key, for a snapshot, and the version it reflects.
    std::vector<SnapshotRecord> dump(uint64_t& version) const;
    /// Loads records (at start); expired ones are skipped. Throws
    /// std::runtime_error if they exceed the limits.
    void load(std::vector<SnapshotRecord> records);
    /// Refuses every change from now on (shutdown: the final snapshot is
    /// taken after this, so nothing acknowledged can be lost).
    void close();

    size_t size() const;
    size_t bytes() const;

private:
    struct Entry {
        Article article; ///< key left empty (it is the map key)
        Clock::time_point expires = Clock::time_point::max();
        size_t cost = 0;
    };

    Entry* live(std::string_view key);
    /// Inserts or replaces under the limits; Outcome::Full with `why` if over.
    Outcome put(std::string_view key, Article article, Clock::time_point expires, std::string& why);
    OpResult refuseIfClosed() const;
    void sweep();
    void changed() { ++version_; }

    StoreLimits limits_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Entry> map_;
    size_t bytes_ = 0;
    uint64_t version_ = 0;
    uint64_t inserts_ = 0;
    bool closed_ = false;
};

/// Deadline for a TTL in ms (<= 0: never). Clamped to ten years so that no
/// client value can overflow the clock arithmetic.
Clock::time_point deadlineFor(int64_t ttlMs);

} // namespace jiffy::sluggo::server
