// Counters and gauges exposed on GET /metrics in Prometheus text format.
// Plugins add theirs through the host API; the HTTP layer keeps its own
// request counters as atomics and renders them here.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <string>

namespace jiffy::host {

class MetricsRegistry {
public:
    /// Adds `delta` to counter `name`; invalid names are ignored.
    void add(const std::string& name, double delta);
    /// Sets gauge `name`.
    void set(const std::string& name, double value);
    /// Value of a metric, 0 when unknown (for tests and /readyz).
    double value(const std::string& name) const;
    /// All metrics as Prometheus text exposition.
    std::string render() const;

    /// True for [a-zA-Z_:][a-zA-Z0-9_:]*.
    static bool validName(const std::string& name);

private:
    /// validName(), else a warning once per name and false.
    bool accept(const std::string& name);

    struct Metric {
        bool counter = true;
        double value = 0;
    };
    mutable std::mutex mutex_;
    std::set<std::string> warned_;
    std::map<std::string, Metric> metrics_;
};

} // namespace jiffy::host
