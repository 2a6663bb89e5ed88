// A ClusterStore in memory with expiry on a caller's clock (the simulator's
// virtual time), atomic like Redis, and a switch that makes every call fail
// as an unreachable KVS would.
#pragma once

#include "cluster/ClusterStore.h"

#include <functional>
#include <map>
#include <string>

namespace jiffy::test {

class MemoryClusterStore : public cluster::ClusterStore {
public:
    using Clock = std::function<std::int64_t()>;
    explicit MemoryClusterStore(Clock clock) : clock_(std::move(clock)) {}

    cluster::StoreResult get(std::string_view key, std::string& value) override;
    cluster::StoreResult add(std::string_view key, std::string_view value, std::int64_t ttlMs) override;
    cluster::StoreResult compareAndSet(std::string_view key, std::string_view expected, std::string_view value,
                                       std::int64_t ttlMs) override;
    cluster::StoreResult incr(std::string_view key, std::int64_t delta, std::int64_t& result) override;
    cluster::StoreResult remove(std::string_view key) override;
    std::string lastError() const override { return available_ ? "" : "memory store switched off"; }

    void setAvailable(bool available) { available_ = available; }
    /// Forgets everything (a KVS restarted without persistence).
    void wipe() { data_.clear(); }
    std::uint64_t calls() const { return calls_; }

private:
    struct Entry {
        std::string value;
        std::int64_t expiresAt = 0; // 0: never
    };
    Entry* live(std::string_view key);

    Clock clock_;
    std::map<std::string, Entry, std::less<>> data_;
    bool available_ = true;
    std::uint64_t calls_ = 0;
};

} // namespace jiffy::test
