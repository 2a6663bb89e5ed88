#include "cluster/Suspicion.h"

#include <algorithm>
#include <cmath>

namespace jiffy::cluster {

Suspicion::Suspicion(Pid accuser, Incarnation incarnation, TimeMs start, TimeMs min, TimeMs max, int expected)
    : incarnation_(incarnation), start_(start), min_(min), max_(std::max(min, max)), expected_(std::max(0, expected))
{
    accusers_.insert(accuser);
}

bool Suspicion::confirm(Pid accuser)
{
    if (confirmations() >= expected_) return false;
    return accusers_.insert(accuser).second;
}

TimeMs Suspicion::deadline() const
{
    if (expected_ == 0) return start_ + min_;
    double frac = std::log(confirmations() + 1.0) / std::log(expected_ + 1.0);
    auto timeout = static_cast<TimeMs>(static_cast<double>(max_) - static_cast<double>(max_ - min_) * frac);
    return start_ + std::max(min_, timeout);
}

} // namespace jiffy::cluster
