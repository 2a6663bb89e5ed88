#include "cluster/BroadcastQueue.h"

namespace jiffy::cluster {

void BroadcastQueue::push(const Update& u)
{
    auto it = pending_.find(u.pid);
    if (it != pending_.end()) {
        byTransmits_.erase(keyOf(it->second));
        pending_.erase(it);
    }
    Entry e{u, 0, next_++};
    byTransmits_.insert(keyOf(e));
    pending_.emplace(u.pid, std::move(e));
}

std::vector<Update> BroadcastQueue::take(std::size_t max, int limit)
{
    std::vector<Update> out;
    std::vector<Pid> chosen;
    for (auto k = byTransmits_.begin(); k != byTransmits_.end() && chosen.size() < max; ++k)
        chosen.push_back(std::get<2>(*k));
    for (Pid pid : chosen) {
        auto it = pending_.find(pid);
        Entry& e = it->second;
        out.push_back(e.update);
        byTransmits_.erase(keyOf(e));
        if (++e.transmits >= limit) {
            pending_.erase(it);
        } else {
            byTransmits_.insert(keyOf(e));
        }
    }
    return out;
}

} // namespace jiffy::cluster
