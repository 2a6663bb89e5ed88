// Membership updates waiting to be piggybacked. Each update rides on at most
// `limit` outgoing messages (limit = retransmit_mult × ⌈log10(n + 1)⌉, enough
// for an epidemic to reach everyone with high probability), the least-sent
// first, and a newer fact about a member replaces the older one at once.
#pragma once

#include "cluster/Message.h"

#include <cstddef>
#include <map>
#include <set>
#include <tuple>
#include <vector>

namespace jiffy::cluster {

class BroadcastQueue {
public:
    /// Queues `u`, replacing any pending update about the same member.
    void push(const Update& u);
    /// Up to `max` updates, least transmitted (then newest) first; each counts
    /// one transmission and leaves the queue after `limit` of them.
    std::vector<Update> take(std::size_t max, int limit);
    std::size_t size() const { return pending_.size(); }

private:
    struct Entry {
        Update update;
        int transmits = 0;
        std::uint64_t order = 0;
    };
    using Key = std::tuple<int, std::uint64_t, Pid>; // transmits, reverse age, pid
    static Key keyOf(const Entry& e) { return {e.transmits, ~e.order, e.update.pid}; }

    std::map<Pid, Entry> pending_;
    std::set<Key> byTransmits_;
    std::uint64_t next_ = 0;
};

} // namespace jiffy::cluster
