#include "cluster/LeaderLease.h"

#include <charconv>

namespace jiffy::cluster {
namespace {

constexpr std::string_view kPrefix = "jiffy-leader/1 ";

bool parseU64(std::string_view& in, std::uint64_t& out)
{
    auto [p, ec] = std::from_chars(in.data(), in.data() + in.size(), out);
    if (ec != std::errc() || p == in.data() || p == in.data() + in.size() || *p != ' ') return false;
    in.remove_prefix(static_cast<std::size_t>(p - in.data()) + 1);
    return true;
}

} // namespace

std::string LeaderRecord::encode() const
{
    return std::string(kPrefix) + std::to_string(pid) + " " + std::to_string(term) + " " + address;
}

std::optional<LeaderRecord> LeaderRecord::decode(std::string_view text)
{
    if (text.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
    text.remove_prefix(kPrefix.size());
    LeaderRecord r;
    if (!parseU64(text, r.pid) || !parseU64(text, r.term)) return std::nullopt;
    if (r.pid == 0 || r.term == 0 || text.empty() || text.size() > kMaxAddressBytes) return std::nullopt;
    r.address = std::string(text);
    return r;
}

LeaderLease::Seen LeaderLease::read(LeaderRecord& out)
{
    std::string value;
    switch (store_.get(params_.key, value)) {
    case StoreResult::Ok:
        break;
    case StoreResult::NotFound:
        return Seen::Absent;
    default:
        return Seen::Unavailable;
    }
    auto r = LeaderRecord::decode(value);
    if (!r) return Seen::Absent;
    out = *r;
    return Seen::Record;
}

bool LeaderLease::acquire(Pid pid, const std::string& address, std::uint64_t seenTerm, TimeMs now)
{
    std::string current;
    StoreResult got = store_.get(params_.key, current);
    if (got == StoreResult::Unavailable) return false;
    bool released = got == StoreResult::Ok && !LeaderRecord::decode(current);
    if (got == StoreResult::Ok && !released) return false; // a live record: only its expiry frees it

    std::int64_t term = 0;
    if (store_.incr(params_.termKey, 1, term) != StoreResult::Ok) return false;
    if (term <= static_cast<std::int64_t>(seenTerm)) { // the counter was lost with the store's data
        if (store_.incr(params_.termKey, static_cast<std::int64_t>(seenTerm) - term + 1, term) != StoreResult::Ok)
            return false;
    }
    LeaderRecord mine{pid, address, static_cast<std::uint64_t>(term)};
    std::string value = mine.encode();
    StoreResult taken = released ? store_.compareAndSet(params_.key, current, value, params_.ttl)
                                 : store_.add(params_.key, value, params_.ttl);
    if (taken != StoreResult::Ok) return false;
    held_ = mine;
    renewedAt_ = now;
    return true;
}

bool LeaderLease::renew(TimeMs now)
{
    if (!held_) return false;
    if (!held(now)) { // too late: the store may already have let the record go
        held_.reset();
        return false;
    }
    std::string value = held_->encode();
    if (store_.compareAndSet(params_.key, value, value, params_.ttl) != StoreResult::Ok) {
        held_.reset();
        return false;
    }
    renewedAt_ = now;
    return true;
}

void LeaderLease::release()
{
    if (!held_) return;
    std::string value = held_->encode();
    held_.reset();
    // 1 ms: stores without sub-second TTLs round it up; readers treat "" as no leader anyway.
    store_.compareAndSet(params_.key, value, "", 1);
}

} // namespace jiffy::cluster
