#include "metrics/MetricsRegistry.h"

#include <Poco/Logger.h>

#include <cctype>
#include <cstdio>

namespace jiffy::host {

bool MetricsRegistry::validName(const std::string& name)
{
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
    for (char c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != ':') return false;
    return true;
}

bool MetricsRegistry::accept(const std::string& name)
{
    if (validName(name)) return true;
    // Dropped, and said once per name (bounded: a plugin looping over bad names cannot flood).
    std::lock_guard<std::mutex> lock(mutex_);
    if (warned_.size() < 100 && warned_.insert(name).second)
        Poco::Logger::get("jiffyd.metrics")
            .warning("metric name \"%s\" is not [a-zA-Z_:][a-zA-Z0-9_:]*: dropped", name);
    return false;
}

void MetricsRegistry::add(const std::string& name, double delta)
{
    if (!accept(name)) return;
    std::lock_guard<std::mutex> lock(mutex_);
    Metric& m = metrics_[name];
    m.counter = true;
    m.value += delta;
}

void MetricsRegistry::set(const std::string& name, double value)
{
    if (!accept(name)) return;
    std::lock_guard<std::mutex> lock(mutex_);
    Metric& m = metrics_[name];
    m.counter = false;
    m.value = value;
}

double MetricsRegistry::value(const std::string& name) const
{
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = metrics_.find(name);
    return it == metrics_.end() ? 0 : it->second.value;
}

std::string MetricsRegistry::render() const
{
    std::string out;
    std::lock_guard<std::mutex> lock(mutex_);
    char buf[64];
    for (const auto& [name, m] : metrics_) {
        out += "# TYPE " + name + (m.counter ? " counter\n" : " gauge\n");
        std::snprintf(buf, sizeof buf, "%.17g", m.value);
        out += name + " " + buf + "\n";
    }
    return out;
}

} // namespace jiffy::host
