#include "http/Dispatcher.h"

#include "logging/Log.h"
#include "logging/RequestContext.h"
#include "logging/RequestLog.h"
#include "metrics/Exposition.h"
#include "plugins/PluginErrors.h"
#include "plugins/RoutesInstance.h"

#include <Poco/Logger.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/UTF8String.h>

#include <algorithm>
#include <cctype>
#include <random>
#include <sstream>
#include <chrono>
#include <cstdio>
#include <istream>

namespace jiffy::host {

std::string jsonError(const std::string& message)
{
    return "{\"error\":\"" + Poco::UTF8::escape(message, true) + "\"}";
}

int httpStatusFor(jiffy_status s)
{
    switch (s) {
    case JIFFY_NOT_FOUND:
        return 404;
    case JIFFY_INVALID:
        return 400;
    case JIFFY_CONFLICT:
        return 409;
    case JIFFY_TOO_LARGE:
        return 413;
    case JIFFY_UNAVAILABLE:
        return 503;
    case JIFFY_TIMEOUT:
        return 504;
    case JIFFY_UNSUPPORTED:
        return 501;
    default:
        return 500;
    }
}

Dispatcher::Dispatcher(Router& router, Limits limits, MetricsRegistry* metrics)
    : router_(router), limits_(limits), metrics_(metrics)
{
    // Ids unique across processes and restarts: a random prefix per process.
    std::random_device rd;
    std::snprintf(idPrefix_, sizeof idPrefix_, "%08x", static_cast<unsigned>(rd()));
}

namespace {

/// An incoming X-Request-Id we keep: 1-64 characters of [A-Za-z0-9._:-].
bool acceptableRequestId(const std::string& id)
{
    if (id.empty() || id.size() > 64) return false;
    for (char c : id)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != ':' && c != '-') return false;
    return true;
}

/// What a client is told about a 5xx: the class and the request id; the
/// plugin's message (paths, addresses, SQL) goes to the log only.
std::string publicMessage(int code, const std::string& requestId)
{
    switch (code) {
    case 501:
        return "not supported (request " + requestId + ")";
    case 503:
        return "service unavailable, try again later (request " + requestId + ")";
    case 504:
        return "timed out (request " + requestId + ")";
    default:
        return "internal error (request " + requestId + ")";
    }
}

} // namespace

bool Dispatcher::readBody(Poco::Net::HTTPServerRequest& req, std::string& body)
{
    const int64_t limit = limits_.maxBodyBytes;
    if (req.hasContentLength()) {
        int64_t n = req.getContentLength64();
        if (n > limit) return false;
        body.resize(static_cast<size_t>(n));
        std::istream& in = req.stream();
        in.read(body.data(), n);
        body.resize(static_cast<size_t>(in.gcount()));
        return true;
    }
    // RFC 9112: a request with neither Content-Length nor chunked encoding has no body.
    if (!req.getChunkedTransferEncoding()) return true;
    std::istream& in = req.stream();
    char buf[8192];
    while (in) {
        in.read(buf, sizeof buf);
        body.append(buf, static_cast<size_t>(in.gcount()));
        if (static_cast<int64_t>(body.size()) > limit) return false;
    }
    return true;
}

void Dispatcher::lingeringClose(Poco::Net::HTTPServerRequest& req)
{
    // The 413 is sent; the client may still be uploading. Closing now with
    // its bytes unread makes the kernel answer with a reset, and the client
    // loses the response in the middle of its upload. So, as nginx's
    // lingering close: stop sending, read and drop what arrives until the
    // client stops (1 s of silence), for 5 s or 64 MiB at most, then close.
    auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&req);
    if (!impl) return;
    Poco::Net::StreamSocket& socket = impl->socket();
    try {
        socket.shutdownSend();
        socket.setReceiveTimeout(Poco::Timespan(1, 0));
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        char buf[16384];
        int64_t total = 0;
        while (total < (int64_t(64) << 20) && std::chrono::steady_clock::now() < until) {
            int n = socket.receiveBytes(buf, sizeof buf);
            if (n <= 0) break;
            total += n;
        }
    } catch (const Poco::Exception&) {
        // silence (timeout) or the client closed: done either way
    }
}

void Dispatcher::serve(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp)
{
    const auto started = std::chrono::steady_clock::now();
    uint64_t n = served_.fetch_add(1, std::memory_order_relaxed) + 1;
    std::string requestId;
    auto incoming = req.find("X-Request-Id");
    if (incoming != req.end() && acceptableRequestId(incoming->second)) {
        requestId = incoming->second;
    } else {
        char idBuf[32];
        std::snprintf(idBuf, sizeof idBuf, "%s-%llx", idPrefix_, static_cast<unsigned long long>(n));
        requestId = idBuf;
    }
    // Every message logged while this request runs (host or plugin) carries its id.
    logging::RequestScope scope(&requestId);
    Exchange x;
    x.requestId = &requestId;
    try {
        route(req, resp, x);
    } catch (const std::exception& e) {
        JIFFY_LOG(Poco::Logger::get("jiffyd.http"), Poco::Message::PRIO_ERROR,
                  "request " + requestId + ": " + std::string(e.what()));
        if (!resp.sent()) sendError(resp, 500, "internal error (request " + requestId + ")", x);
    } catch (...) {
        if (!resp.sent()) sendError(resp, 500, "internal error (request " + requestId + ")", x);
    }
    try {
        const auto micros =
            std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();
        record(req, x, static_cast<uint64_t>(micros < 0 ? 0 : micros));
    } catch (...) {
        // Accounting never fails a request.
    }
}

void Dispatcher::record(Poco::Net::HTTPServerRequest& req, const Exchange& x, uint64_t micros)
{
    (x.target ? *x.target->stats : unmatched_).record(x.status, micros);
    logging::RequestLog& log = logging::RequestLog::instance();
    if (!log.wanted(x.status)) return;
    const std::string client = req.clientAddress().toString();
    logging::RequestRecord r;
    r.method = req.getMethod();
    r.path = x.rawPath;
    r.route = x.target ? std::string_view(x.target->label()) : std::string_view("(unmatched)");
    r.client = client;
    r.requestId = *x.requestId;
    r.status = x.status;
    r.bytes = x.bytes;
    r.durationMs = static_cast<double>(micros) / 1000.0;
    log.write(r);
}

void Dispatcher::route(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp, Exchange& x)
{
    const std::string& requestId = *x.requestId;
    const std::string& uri = req.getURI();
    size_t q = uri.find('?');
    std::string_view rawPath(uri.data(), q == std::string::npos ? uri.size() : q);
    std::string_view query = q == std::string::npos ? std::string_view() : std::string_view(uri).substr(q + 1);
    if (rawPath.rfind("http://", 0) == 0 || rawPath.rfind("https://", 0) == 0) {
        size_t slash = rawPath.find('/', rawPath.find("//") + 2);
        rawPath = slash == std::string_view::npos ? std::string_view("/") : rawPath.substr(slash);
    }
    x.rawPath = rawPath;
    // An announced body over the limit is refused before any other work.
    if (req.hasContentLength() && req.getContentLength64() > limits_.maxBodyBytes) {
        resp.setKeepAlive(false);
        return sendError(
            resp, 413, "request body exceeds the limit of " + std::to_string(limits_.maxBodyBytes) + " bytes", x, &req);
    }
    thread_local std::vector<std::string> segments; // reused: its capacity stays
    if (!Router::splitPath(rawPath, segments))
        return sendError(resp, 400, "malformed percent-encoding in the request path", x);

    Router::Match m = router_.match(req.getMethod(), segments);
    if (m.outcome != Router::Outcome::Found && req.getMethod() == "HEAD") {
        // HEAD is GET without the body (Poco's sendBuffer drops it for HEAD).
        Router::Match get = router_.match("GET", segments);
        if (get.outcome == Router::Outcome::Found) m = std::move(get);
    }
    if (m.outcome == Router::Outcome::NotFound)
        return sendError(resp, 404, "no route for " + req.getMethod() + " " + std::string(rawPath), x);
    if (m.outcome == Router::Outcome::MethodNotAllowed) {
        resp.set("Allow", m.allow);
        return sendError(resp, 405, "method " + req.getMethod() + " not allowed here; allowed: " + m.allow, x);
    }
    x.target = m.target;

    std::string decodedPath = "/";
    for (size_t i = 0; i < segments.size(); ++i) decodedPath += (i ? "/" : "") + segments[i];
    std::string baseUrl = std::string(limits_.tls ? "https://" : "http://") +
                          // Poco's getHost() throws without a Host header (HTTP/1.0).
                          (req.has("Host") && !req.getHost().empty() ? req.getHost() : req.serverAddress().toString());
    std::string remote = req.clientAddress().toString();

    jiffy_request r;
    r.parts[JIFFY_REQ_METHOD] = req.getMethod();
    r.parts[JIFFY_REQ_PATH] = decodedPath;
    r.parts[JIFFY_REQ_QUERY] = query;
    r.parts[JIFFY_REQ_ROUTE_NAME] = m.target->name;
    r.parts[JIFFY_REQ_BASE_URL] = baseUrl;
    r.parts[JIFFY_REQ_REMOTE_ADDR] = remote;
    r.parts[JIFFY_REQ_REQUEST_ID] = requestId;
    r.parts[JIFFY_REQ_RAW_PATH] = rawPath;
    r.params = std::move(m.params);
    r.headers = &req;

    jiffy_response out;
    if (!(m.target->flags & JIFFY_ROUTE_OPEN) && gate_) {
        GateDecision d = gate_->decide(*m.target, r);
        if (d != GateDecision::Allowed) {
            out.status = 401;
            if (d == GateDecision::InvalidToken)
                out.headers.emplace_back("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            else if (d == GateDecision::NotGranted)
                out.headers.emplace_back("WWW-Authenticate", "Bearer error=\"insufficient_scope\"");
            // Refused before its body was read: an anonymous client cannot make
            // us read a megabyte. A body still coming closes the connection.
            // A small announced body is dropped so the connection stays usable.
            const bool bodyFollows =
                (req.hasContentLength() && req.getContentLength64() > 0) || req.getChunkedTransferEncoding();
            if (!bodyFollows) return send(resp, out, x);
            if (req.hasContentLength() && req.getContentLength64() <= 16384) {
                req.stream().ignore(req.getContentLength64());
                return send(resp, out, x);
            }
            resp.setKeepAlive(false);
            return send(resp, out, x, &req);
        }
    }

    std::string body;
    if (!readBody(req, body)) {
        resp.setKeepAlive(false);
        return sendError(
            resp, 413, "request body exceeds the limit of " + std::to_string(limits_.maxBodyBytes) + " bytes", x, &req);
    }
    r.parts[JIFFY_REQ_BODY] = body;

    CallError err;
    jiffy_status s = m.target->plugin ? m.target->plugin->handle(m.target->id, &r, &out, err.get())
                                      : m.target->builtin(r, out, err.get());
    if (s != JIFFY_OK) {
        int code = httpStatusFor(s);
        if (code >= 500)
            JIFFY_LOG(Poco::Logger::get("jiffyd.http"), Poco::Message::PRIO_ERROR,
                      "request " + requestId + " " + req.getMethod() + " " + std::string(rawPath) +
                          " failed: " + err.message(s));
        return sendError(resp, code, code >= 500 ? publicMessage(code, requestId) : err.message(s), x);
    }
    send(resp, out, x);
}

void Dispatcher::send(Poco::Net::HTTPServerResponse& resp, const jiffy_response& out, Exchange& x,
                      Poco::Net::HTTPServerRequest* lingerOn)
{
    x.status = out.status;
    x.bytes = out.body.size();
    auto status = static_cast<Poco::Net::HTTPResponse::HTTPStatus>(out.status);
    resp.setStatusAndReason(status, Poco::Net::HTTPResponse::getReasonForStatus(status));
    for (const auto& [k, v] : out.headers) resp.set(k, v);
    if (out.status == 401 && !resp.has("WWW-Authenticate")) resp.set("WWW-Authenticate", "Bearer"); // RFC 6750
    resp.set("X-Request-Id", *x.requestId);
    resp.setContentLength64(static_cast<Poco::Int64>(out.body.size()));
    auto* impl = lingerOn ? dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(lingerOn) : nullptr;
    if (!impl) return resp.sendBuffer(out.body.data(), out.body.size());
    // Written on the socket at once (Poco's buffered response would only go
    // out after the handler returned, i.e. after the lingering close).
    std::ostringstream head;
    resp.write(head);
    std::string bytes = head.str() + out.body;
    try {
        impl->socket().sendBytes(bytes.data(), static_cast<int>(bytes.size()));
    } catch (const Poco::Exception&) {
        return; // the client is gone
    }
    lingeringClose(*lingerOn);
}

void Dispatcher::sendError(Poco::Net::HTTPServerResponse& resp, int status, const std::string& message, Exchange& x,
                           Poco::Net::HTTPServerRequest* lingerOn)
{
    jiffy_response out;
    out.status = status;
    out.headers.emplace_back("Content-Type", "application/json");
    out.body = jsonError(message);
    send(resp, out, x, lingerOn);
}

std::string Dispatcher::renderMetrics() const
{
    using metrics::appendHeader;
    using metrics::appendSample;
    using metrics::escapeLabel;
    struct Series {
        std::string labels;
        const metrics::Histogram* histogram;
    };
    std::vector<Series> series;
    auto collect = [&series](const metrics::RouteMetrics& m, const std::string& route, const std::string& method) {
        for (int c = 1; c <= 5; ++c) {
            const metrics::Histogram& h = m.ofClass(c);
            if (h.count() == 0) continue;
            series.push_back({"route=\"" + escapeLabel(route) + "\",method=\"" + escapeLabel(method) + "\",code=\"" +
                                  std::to_string(c) + "xx\"",
                              &h});
        }
    };
    for (const auto& t : router_.routes()) collect(*t->stats, t->label(), t->method);
    collect(unmatched_, "(unmatched)", "");

    std::string out;
    appendHeader(out, "jiffy_http_requests_total", "counter",
                 "Requests answered, by route (name, else pattern), method and status class.");
    for (const auto& s : series) appendSample(out, "jiffy_http_requests_total", s.labels, s.histogram->count());
    appendHeader(out, "jiffy_http_request_duration_seconds", "histogram",
                 "Time from the request's arrival to its response, by route, method and status class.");
    for (const auto& s : series) s.histogram->render(out, "jiffy_http_request_duration_seconds", s.labels);
    return out;
}

} // namespace jiffy::host
