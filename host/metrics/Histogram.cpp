#include "metrics/Histogram.h"

#include "metrics/Exposition.h"

namespace jiffy::host::metrics {
namespace {

/// The bounds in whole microseconds, for integer comparisons on the hot path.
constexpr std::array<uint64_t, kLatencyBounds.size()> boundsMicros()
{
    std::array<uint64_t, kLatencyBounds.size()> out{};
    for (size_t i = 0; i < kLatencyBounds.size(); ++i) out[i] = static_cast<uint64_t>(kLatencyBounds[i] * 1e6 + 0.5);
    return out;
}
constexpr auto kBoundsMicros = boundsMicros();

} // namespace

void Histogram::observe(uint64_t micros)
{
    size_t i = 0;
    while (i < kBoundsMicros.size() && micros > kBoundsMicros[i]) ++i;
    buckets_[i].fetch_add(1, std::memory_order_relaxed);
    sumMicros_.fetch_add(micros, std::memory_order_relaxed);
}

uint64_t Histogram::count() const
{
    uint64_t n = 0;
    for (const auto& b : buckets_) n += b.load(std::memory_order_relaxed);
    return n;
}

void Histogram::render(std::string& out, const std::string& name, const std::string& labels) const
{
    const std::string prefix = labels.empty() ? std::string() : labels + ",";
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kLatencyBounds.size(); ++i) {
        cumulative += buckets_[i].load(std::memory_order_relaxed);
        appendSample(out, name + "_bucket", prefix + "le=\"" + formatValue(kLatencyBounds[i]) + "\"", cumulative);
    }
    cumulative += buckets_.back().load(std::memory_order_relaxed);
    appendSample(out, name + "_bucket", prefix + "le=\"+Inf\"", cumulative);
    appendSample(out, name + "_sum", labels, static_cast<double>(sumMicros_.load(std::memory_order_relaxed)) / 1e6);
    appendSample(out, name + "_count", labels, cumulative);
}

} // namespace jiffy::host::metrics
