// One line per HTTP request on logger "jiffyd.request": method, path
// (never the query string), status, bytes, duration, request id, client
// address — and nothing else: no header (so no Authorization), no body (so
// no password, token or hash). `request_sample` thins out 1xx-3xx lines;
// 4xx/5xx lines are always offered but rate-limited per route and status,
// so a flood of rejected requests writes a few lines and a count.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace jiffy::host::logging {

struct RequestRecord {
    std::string_view method;
    std::string_view path;  ///< without the query string
    std::string_view route; ///< route name, else pattern, else "(unmatched)"
    std::string_view client;
    std::string_view requestId;
    int status = 0;
    uint64_t bytes = 0; ///< response body bytes
    double durationMs = 0;
};

class RequestLog {
public:
    static RequestLog& instance();

    /// Set by LogSetup from `logging.requests` (and `active`) and `request_sample`.
    void configure(bool enabled, double sample);
    bool enabled() const { return enabled_.load(std::memory_order_relaxed); }
    /// True when the line of a request with `status` is to be written (sampling).
    bool wanted(int status) const;
    /// Writes the line (call only when wanted()).
    void write(const RequestRecord& r) const;
    /// The line's text, e.g. "GET /usr/login 401 45 B 0.420 ms client 127.0.0.1:5000".
    static std::string text(const RequestRecord& r);

private:
    std::atomic<bool> enabled_{false};
    std::atomic<uint64_t> threshold_{0}; ///< sample * 2^32
};

} // namespace jiffy::host::logging
