// Turns one HTTP exchange into a route call: request id, path decoding,
// routing (404/405), body limit (413), authentication hook, the plugin or
// built-in handler, status→JSON error mapping, and the response write.
// Nothing here parses config or looks up plugins per request.
#pragma once

#include "http/RequestGate.h"
#include "http/Router.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace jiffy::host {

class MetricsRegistry;

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
    /// Renders request counts and latency histograms per route, method and
    /// status class (Prometheus text); routes not yet called are left out.
    std::string renderMetrics() const;

private:
    /// What the access log and the metrics need to know of one exchange.
    struct Exchange {
        const std::string* requestId = nullptr;
        const RouteTarget* target = nullptr; ///< null: no route matched
        std::string_view rawPath;            ///< without the query string
        int status = 500;                    ///< until a response is sent
        uint64_t bytes = 0;
    };
    void route(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp, Exchange& x);
    /// `lingerOn` (a 413 for an upload in progress): the answer is written at
    /// once, then a bounded lingering close follows.
    void send(Poco::Net::HTTPServerResponse& resp, const jiffy_response& out, Exchange& x,
              Poco::Net::HTTPServerRequest* lingerOn = nullptr);
    void sendError(Poco::Net::HTTPServerResponse& resp, int status, const std::string& message, Exchange& x,
                   Poco::Net::HTTPServerRequest* lingerOn = nullptr);
    bool readBody(Poco::Net::HTTPServerRequest& req, std::string& body);
    /// After a 413: a bounded lingering close, so the client reads the answer instead of a reset.
    void lingeringClose(Poco::Net::HTTPServerRequest& req);
    /// Counts the exchange and writes its request-log line.
    void record(Poco::Net::HTTPServerRequest& req, const Exchange& x, uint64_t micros);

    Router& router_;
    Limits limits_;
    MetricsRegistry* metrics_;
    std::shared_ptr<RequestGate> gate_;
    std::atomic<uint64_t> served_{0};
    char idPrefix_[12] = {};
    metrics::RouteMetrics unmatched_; ///< 400/404/405/413 answered before a route was chosen
};

} // namespace jiffy::host
