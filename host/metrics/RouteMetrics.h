// The metrics slot of one route: a latency histogram per status class
// (1xx..5xx), whose counts are the request counts. Allocated with the
// route when the route table is built, so the dispatcher records a request
// with no lookup, no lock and no string: it indexes the class and adds.
#pragma once

#include "metrics/Histogram.h"

#include <array>
#include <cstdint>

namespace jiffy::host::metrics {

class RouteMetrics {
public:
    /// Records one request answered with `status` after `micros` microseconds.
    void record(int status, uint64_t micros)
    {
        int cls = status / 100;
        if (cls < 1 || cls > 5) cls = 5;
        byClass_[static_cast<size_t>(cls - 1)].observe(micros);
    }
    /// The histogram of status class `cls` (1..5).
    const Histogram& ofClass(int cls) const { return byClass_[static_cast<size_t>(cls - 1)]; }

private:
    std::array<Histogram, 5> byClass_;
};

} // namespace jiffy::host::metrics
