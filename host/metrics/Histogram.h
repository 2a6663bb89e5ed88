// A latency histogram with fixed buckets and lock-free updates: observe()
// is one comparison scan and two relaxed atomic adds, so it can run on every
// request. Rendering reads the buckets once and derives _count from them,
// so a scrape always sees cumulative buckets that never decrease and a
// +Inf bucket equal to _count.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

namespace jiffy::host::metrics {

/// Upper bounds in seconds (Prometheus' defaults, extended down to 0.5 ms).
inline constexpr std::array<double, 14> kLatencyBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                          0.1,    0.25,  0.5,    1,     2.5,  5,     10};

class Histogram {
public:
    /// Records one observation of `micros` microseconds.
    void observe(uint64_t micros);
    /// Observations so far (sum of the buckets).
    uint64_t count() const;
    /// Appends `<name>_bucket{<labels>,le="..."}` lines (cumulative), `_sum`
    /// (seconds) and `_count`; `labels` is `a="x",b="y"` or "".
    void render(std::string& out, const std::string& name, const std::string& labels) const;

private:
    std::array<std::atomic<uint64_t>, kLatencyBounds.size() + 1> buckets_{}; ///< last: above every bound
    std::atomic<uint64_t> sumMicros_{0};
};

} // namespace jiffy::host::metrics
