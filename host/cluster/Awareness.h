// Lifeguard's local health: a member that misses acks it should have got
// (its own probes fail and the helpers it asked send no nack either) is more
// likely slow itself than surrounded by dead peers. Its score stretches its
// own probe interval and timeout instead of letting it accuse others.
#pragma once

#include "cluster/Message.h"

#include <algorithm>

namespace jiffy::cluster {

class Awareness {
public:
    explicit Awareness(int max) : max_(std::max(1, max)) {}
    void apply(int delta) { score_ = std::clamp(score_ + delta, 0, max_ - 1); }
    int score() const { return score_; }
    /// `base` stretched by the score: base × (score + 1).
    TimeMs scale(TimeMs base) const { return base * (score_ + 1); }

private:
    int max_;
    int score_ = 0;
};

} // namespace jiffy::cluster
