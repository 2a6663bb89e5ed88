// Turns one HTTP exchange into a route call: request id, path decoding,
// routing (404/405), body limit (413), authentication hook, the plugin or
// built-in handler, status→JSON error mapping, and the response write.
// Nothing here parses config or looks up plugins per request.
#pragma once

#include "http/Router.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace jiffy::host {

class MetricsRegistry;

/// Decides whether a request may reach a protected route (set by the auth
/// layer). Returns true to allow; false makes the dispatcher answer 401.
class RequestGate {
public:
    virtual ~RequestGate() = default;
    virtual bool allow(const RouteTarget& route, const jiffy_request& req) = 0;
};

/// `{"error":"<escaped message>"}`.
std::string jsonError(const std::string& message);
/// HTTP status for a non-OK jiffy_status (NOT_FOUND 404, INVALID 400, ...).
int httpStatusFor(jiffy_status s);

class Dispatcher {
public:
    struct Limits {
        int64_t maxBodyBytes = 1 << 20;
        bool tls = false;
    };

    Dispatcher(Router& router, Limits limits, MetricsRegistry* metrics);

    /// Serves one exchange; never throws.
    void serve(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp);
    /// Installs the authentication/authorization gate (null = everything allowed).
    void setGate(std::shared_ptr<RequestGate> gate) { gate_ = std::move(gate); }
    /// Requests served so far.
    uint64_t served() const { return served_.load(std::memory_order_relaxed); }
    /// Renders the dispatcher's own counters in Prometheus text format.
    std::string renderMetrics() const;

private:
    void send(Poco::Net::HTTPServerResponse& resp, const jiffy_response& out, const std::string& requestId);
    void sendError(Poco::Net::HTTPServerResponse& resp, int status, const std::string& message,
                   const std::string& requestId);
    bool readBody(Poco::Net::HTTPServerRequest& req, std::string& body);
    /// Reads and drops the rest of an oversized body (up to a cap), so the client sees the 413.
    void discardBody(Poco::Net::HTTPServerRequest& req, int64_t announced);

    Router& router_;
    Limits limits_;
    MetricsRegistry* metrics_;
    std::shared_ptr<RequestGate> gate_;
    std::atomic<uint64_t> served_{0};
    std::atomic<uint64_t> byClass_[6] = {};
};

} // namespace jiffy::host
