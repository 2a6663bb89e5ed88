#include "logging/RequestLog.h"

#include "logging/LevelFilterChannel.h"
#include "logging/LogFields.h"
#include "logging/RateLimitedChannel.h"

#include <Poco/Logger.h>
#include <Poco/Message.h>

#include <chrono>
#include <cstdio>

namespace jiffy::host::logging {
namespace {

/// A per-thread xorshift generator: sampling needs no lock and no syscall.
uint32_t nextRandom()
{
    thread_local uint64_t state = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
                                  (reinterpret_cast<uintptr_t>(&state) * 0x9E3779B97F4A7C15ull);
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return static_cast<uint32_t>(state >> 32);
}

} // namespace

RequestLog& RequestLog::instance()
{
    static RequestLog log;
    return log;
}

void RequestLog::configure(bool enabled, double sample)
{
    if (sample < 0) sample = 0;
    if (sample > 1) sample = 1;
    threshold_.store(static_cast<uint64_t>(sample * 4294967296.0), std::memory_order_relaxed);
    enabled_.store(enabled, std::memory_order_relaxed);
}

bool RequestLog::wanted(int status) const
{
    if (!enabled()) return false;
    if (status >= 400) return true;
    const uint64_t t = threshold_.load(std::memory_order_relaxed);
    return t >= 4294967296ull || nextRandom() < t;
}

std::string RequestLog::text(const RequestRecord& r)
{
    char tail[96];
    std::snprintf(tail, sizeof tail, " %d %llu B %.3f ms client ", r.status, static_cast<unsigned long long>(r.bytes),
                  r.durationMs);
    std::string t;
    t.reserve(r.method.size() + r.path.size() + r.client.size() + 48);
    t.append(r.method).append(" ").append(r.path).append(tail).append(r.client);
    return t;
}

void RequestLog::write(const RequestRecord& r) const
{
    static Poco::Logger& log = Poco::Logger::get(kRequestLogger);
    if (!log.information()) return;
    Poco::Message m(kRequestLogger, text(r), Poco::Message::PRIO_INFORMATION);
    m.set(fields::kRequestId, std::string(r.requestId));
    m.set(fields::kMethod, std::string(r.method));
    m.set(fields::kPath, std::string(r.path));
    m.set(fields::kRoute, std::string(r.route));
    m.set(fields::kStatus, std::to_string(r.status));
    m.set(fields::kBytes, std::to_string(r.bytes));
    char ms[32];
    std::snprintf(ms, sizeof ms, "%.3f", r.durationMs);
    m.set(fields::kDurationMs, ms);
    m.set(fields::kClient, std::string(r.client));
    // Rejected requests come in floods (bad tokens, scans): one template per route and status.
    if (r.status >= 400)
        m.set(kRateKeyParam, std::string("request|").append(r.route).append("|").append(std::to_string(r.status)));
    log.log(m);
}

} // namespace jiffy::host::logging
