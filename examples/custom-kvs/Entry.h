// One entry file of data/: its key, its value and when it expires, and how
// that is written to and read from bytes.
//
//   "jkv1 <expires_ms> <key_len> <value_len> <fnv64 hex>\n" <key> <value>
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace files_kvs {

constexpr int64_t kHardMaxValue = 256 << 20;           ///< the largest max_value_bytes
constexpr int64_t kMaxEntryFile = kHardMaxValue + 512; ///< no file beyond this is read as an entry

struct Entry {
    int64_t expiresMs = 0; ///< wall clock, ms since the epoch; 0 = never
    std::string key;
    std::string value;

    bool expired(int64_t now) const { return expiresMs != 0 && expiresMs <= now; }
};

/// The wall clock in ms since the epoch: expiry holds across restarts and processes.
int64_t nowMs();

/// Absolute expiry for `ttl` (0 = never).
int64_t expiryFor(std::chrono::milliseconds ttl);

std::string encodeEntry(std::string_view key, std::string_view value, int64_t expiresMs);

/// Parses an entry file; on failure returns false and says why.
bool decodeEntry(std::string_view bytes, Entry& e, std::string& why);

} // namespace files_kvs
