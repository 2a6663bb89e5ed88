#include "support/MemoryClusterStore.h"

#include <charconv>

namespace jiffy::test {

using cluster::StoreResult;

MemoryClusterStore::Entry* MemoryClusterStore::live(std::string_view key)
{
    auto it = data_.find(key);
    if (it == data_.end()) return nullptr;
    if (it->second.expiresAt != 0 && clock_() >= it->second.expiresAt) {
        data_.erase(it);
        return nullptr;
    }
    return &it->second;
}

StoreResult MemoryClusterStore::get(std::string_view key, std::string& value)
{
    ++calls_;
    if (!available_) return StoreResult::Unavailable;
    Entry* e = live(key);
    if (!e) return StoreResult::NotFound;
    value = e->value;
    return StoreResult::Ok;
}

StoreResult MemoryClusterStore::add(std::string_view key, std::string_view value, std::int64_t ttlMs)
{
    ++calls_;
    if (!available_) return StoreResult::Unavailable;
    if (live(key)) return StoreResult::Conflict;
    data_[std::string(key)] = Entry{std::string(value), ttlMs > 0 ? clock_() + ttlMs : 0};
    return StoreResult::Ok;
}

StoreResult MemoryClusterStore::compareAndSet(std::string_view key, std::string_view expected, std::string_view value,
                                              std::int64_t ttlMs)
{
    ++calls_;
    if (!available_) return StoreResult::Unavailable;
    Entry* e = live(key);
    if (!e) return StoreResult::NotFound;
    if (e->value != expected) return StoreResult::Conflict;
    *e = Entry{std::string(value), ttlMs > 0 ? clock_() + ttlMs : 0};
    return StoreResult::Ok;
}

StoreResult MemoryClusterStore::incr(std::string_view key, std::int64_t delta, std::int64_t& result)
{
    ++calls_;
    if (!available_) return StoreResult::Unavailable;
    Entry* e = live(key);
    std::int64_t v = 0;
    if (e) {
        auto [p, ec] = std::from_chars(e->value.data(), e->value.data() + e->value.size(), v);
        if (ec != std::errc() || p != e->value.data() + e->value.size()) return StoreResult::Conflict;
    }
    v += delta;
    data_[std::string(key)] = Entry{std::to_string(v), e ? e->expiresAt : 0};
    result = v;
    return StoreResult::Ok;
}

StoreResult MemoryClusterStore::remove(std::string_view key)
{
    ++calls_;
    if (!available_) return StoreResult::Unavailable;
    if (!live(key)) return StoreResult::NotFound;
    data_.erase(data_.find(key));
    return StoreResult::Ok;
}

} // namespace jiffy::test
