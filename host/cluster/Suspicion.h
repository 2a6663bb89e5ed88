// One suspicion timer (Lifeguard): it starts at `max` and shrinks towards
// `min` as independent members confirm the suspicion, so a member that many
// agree on fails fast and a lone accuser (possibly the slow one) waits long.
//   timeout = max(min, max − (max − min) · log(c + 1) / log(k + 1))
// with c confirmations so far and k the confirmations expected.
#pragma once

#include "cluster/Message.h"

#include <set>

namespace jiffy::cluster {

class Suspicion {
public:
    Suspicion(Pid accuser, Incarnation incarnation, TimeMs start, TimeMs min, TimeMs max, int expected);
    /// Records an accuser; true when it is a new, independent one (the first accuser does not count).
    bool confirm(Pid accuser);
    TimeMs deadline() const;
    Incarnation incarnation() const { return incarnation_; }
    int confirmations() const { return static_cast<int>(accusers_.size()) - 1; }
    /// Moves the timer `by` later (time this member spent stalled does not count against others).
    void delay(TimeMs by) { start_ += by; }

private:
    std::set<Pid> accusers_;
    Incarnation incarnation_;
    TimeMs start_, min_, max_;
    int expected_;
};

} // namespace jiffy::cluster
