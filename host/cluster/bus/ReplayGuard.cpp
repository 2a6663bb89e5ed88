#include "cluster/bus/ReplayGuard.h"

#include <algorithm>

namespace jiffy::cluster::bus {

ReplayGuard::ReplayGuard(std::int64_t windowMs, std::size_t maxSenders)
    : windowMs_(windowMs), maxSenders_(std::max<std::size_t>(1, maxSenders))
{
}

Freshness ReplayGuard::check(std::string_view sender, std::uint64_t incarnation, std::uint64_t sequence,
                             std::int64_t timestampMs, std::int64_t nowMs)
{
    if (timestampMs < nowMs - windowMs_ || timestampMs > nowMs + windowMs_) return Freshness::Stale;
    std::string key(sender);
    key.push_back('#');
    key.append(std::to_string(incarnation));
    auto it = last_.find(key);
    if (it != last_.end()) {
        if (sequence <= it->second.sequence) return Freshness::Replayed;
        it->second = Seen{sequence, nowMs};
        return Freshness::Fresh;
    }
    if (last_.size() >= maxSenders_) makeRoom(nowMs);
    last_.emplace(std::move(key), Seen{sequence, nowMs});
    return Freshness::Fresh;
}

void ReplayGuard::makeRoom(std::int64_t nowMs)
{
    // Forgetting a sender silent for two windows is safe: whatever it sent is stale by now.
    for (auto it = last_.begin(); it != last_.end();)
        it = it->second.atMs < nowMs - 2 * windowMs_ ? last_.erase(it) : std::next(it);
    if (last_.size() < maxSenders_) return;
    // Still full (more live senders than remembered): forget the quietest;
    // its frames are then guarded by the timestamp window only.
    auto oldest = std::min_element(last_.begin(), last_.end(),
                                   [](const auto& a, const auto& b) { return a.second.atMs < b.second.atMs; });
    last_.erase(oldest);
}

} // namespace jiffy::cluster::bus
