// The shared store the cluster keeps its leader lease and counters in: the
// KVS plugin jiffyd is configured with (KvsClusterStore adapts a
// host::KvsInstance), or an in-memory store in tests and the simulator.
// Calls return statuses, never throw; Unavailable covers every failure to
// reach the store, and lastError() says what happened.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace jiffy::cluster {

enum class StoreResult {
    Ok,
    NotFound,   ///< get / compareAndSet / remove of a missing (or expired) key
    Conflict,   ///< add of an existing key; compareAndSet whose expected value differs
    Unavailable ///< the store could not be asked (down, timeout, refused)
};

class ClusterStore {
public:
    virtual ~ClusterStore() = default;
    virtual StoreResult get(std::string_view key, std::string& value) = 0;
    /// Creates `key` only if absent (atomic), expiring after ttlMs (0 = never).
    virtual StoreResult add(std::string_view key, std::string_view value, std::int64_t ttlMs) = 0;
    /// Replaces the value only if it is still `expected` (atomic where the KVS is), with a new TTL.
    virtual StoreResult compareAndSet(std::string_view key, std::string_view expected, std::string_view value,
                                      std::int64_t ttlMs) = 0;
    /// Adds `delta` (a missing key counts as 0) and returns the new value.
    virtual StoreResult incr(std::string_view key, std::int64_t delta, std::int64_t& result) = 0;
    virtual StoreResult remove(std::string_view key) = 0;
    /// What the last Unavailable was about, for logs.
    virtual std::string lastError() const = 0;
};

} // namespace jiffy::cluster
