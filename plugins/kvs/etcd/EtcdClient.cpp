#include "EtcdClient.h"

#include <SigpipeGuard.h>
#include <jiffy/json.hpp>

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/StreamCopier.h>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <sstream>

namespace jiffy::etcd {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::chrono::milliseconds kFirstPause{50};
constexpr std::chrono::milliseconds kMaxPause{1000};

// gRPC status codes etcd's gateway reports in {"code": N}.
constexpr int kGrpcInvalidArgument = 3;
constexpr int kGrpcDeadlineExceeded = 4;
constexpr int kGrpcNotFound = 5;
constexpr int kGrpcPermissionDenied = 7;
constexpr int kGrpcResourceExhausted = 8;
constexpr int kGrpcFailedPrecondition = 9;
constexpr int kGrpcUnavailable = 14;
constexpr int kGrpcUnauthenticated = 16;

Poco::Timespan span(std::chrono::milliseconds ms)
{
    return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms.count()) * 1000);
}

/// One TLS context per endpoint, so that OpenSSL checks the certificate
/// against that endpoint's host name or IP address.
Poco::Net::Context::Ptr tlsContext(const EtcdConfig& cfg, const Endpoint& ep)
{
    Poco::Net::Context::Params p;
    p.privateKeyFile = cfg.keyFile;
    p.certificateFile = cfg.certFile;
    p.caLocation = cfg.caFile;
    p.verificationMode = Poco::Net::Context::VERIFY_RELAXED;
    p.loadDefaultCAs = cfg.caFile.empty();
    Poco::Net::Context::Ptr ctx;
    try {
        ctx = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, p);
    } catch (const Poco::Exception& e) {
        fail(JIFFY_INVALID, "ca_file/cert_file/key_file: cannot set up TLS: " + e.displayText());
    }
    // OpenSSL checks the name during the handshake; Poco's own check after
    // it would ask a process-wide certificate handler, which is the host's.
    ctx->enableExtendedCertificateVerification(false);
    X509_VERIFY_PARAM* param = SSL_CTX_get0_param(ctx->sslContext());
    Poco::Net::IPAddress ip;
    int ok = Poco::Net::IPAddress::tryParse(ep.host, ip) ? X509_VERIFY_PARAM_set1_ip_asc(param, ep.host.c_str())
                                                         : X509_VERIFY_PARAM_set1_host(param, ep.host.c_str(), 0);
    if (ok != 1) fail(JIFFY_INVALID, "endpoints: cannot verify TLS certificates for host \"" + ep.host + "\"");
    return ctx;
}

} // namespace

std::string base64(std::string_view bytes)
{
    std::ostringstream out;
    Poco::Base64Encoder enc(out);
    enc.rdbuf()->setLineLength(0);
    enc.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    enc.close();
    return out.str();
}

std::string unbase64(const std::string& text)
{
    std::istringstream in(text);
    Poco::Base64Decoder dec(in);
    std::string out;
    try {
        Poco::StreamCopier::copyToString(dec, out);
    } catch (const Poco::Exception& e) {
        fail(JIFFY_INTERNAL, "etcd sent invalid base64: " + e.displayText());
    }
    return out;
}

int64_t int64Field(const Poco::JSON::Object::Ptr& obj, const std::string& name)
{
    if (!obj || !obj->has(name)) return 0;
    Poco::Dynamic::Var v = obj->get(name);
    try {
        if (v.isString()) return std::stoll(v.extract<std::string>());
        return v.convert<Poco::Int64>();
    } catch (const std::exception&) {
        fail(JIFFY_INTERNAL, "etcd sent a non-integer \"" + name + "\": " + v.toString());
    }
}

struct EtcdClient::EndpointState {
    Endpoint ep;
    Poco::Net::Context::Ptr tls; ///< null for plain http
    std::mutex mutex;
    std::vector<std::unique_ptr<Poco::Net::HTTPClientSession>> idle;
    Clock::time_point pausedUntil;
    std::chrono::milliseconds pause{0};
    std::string lastError;
};

EtcdClient::EtcdClient(const EtcdConfig& cfg) : cfg_(cfg)
{
    if (cfg_.tls) Poco::Net::initializeSSL();
    for (const auto& e : cfg_.endpoints) {
        auto st = std::make_unique<EndpointState>();
        st->ep = e;
        if (cfg_.tls) st->tls = tlsContext(cfg_, e);
        endpoints_.push_back(std::move(st));
    }
}

EtcdClient::~EtcdClient()
{
    endpoints_.clear();
    if (cfg_.tls) Poco::Net::uninitializeSSL();
}

std::unique_ptr<Poco::Net::HTTPClientSession> EtcdClient::takeSession(EndpointState& ep)
{
    {
        std::lock_guard<std::mutex> lock(ep.mutex);
        while (!ep.idle.empty()) {
            std::unique_ptr<Poco::Net::HTTPClientSession> s = std::move(ep.idle.back());
            ep.idle.pop_back();
            // An idle keep-alive connection that is readable was closed by
            // the member (restart, idle timeout): using it would fail after
            // the request was sent, which a txn could not tell from a loss.
            try {
                if (s->connected() && !s->socket().poll(Poco::Timespan(0), Poco::Net::Socket::SELECT_READ |
                                                                               Poco::Net::Socket::SELECT_ERROR))
                    return s;
            } catch (const Poco::Exception&) {
            }
        }
    }
    std::unique_ptr<Poco::Net::HTTPClientSession> s;
    if (ep.tls)
        s = std::make_unique<Poco::Net::HTTPSClientSession>(ep.ep.host, ep.ep.port, ep.tls);
    else
        s = std::make_unique<Poco::Net::HTTPClientSession>(ep.ep.host, ep.ep.port);
    s->setTimeout(span(cfg_.connectTimeout), span(cfg_.timeout), span(cfg_.timeout));
    s->setKeepAlive(true);
    return s;
}

void EtcdClient::giveBack(EndpointState& ep, std::unique_ptr<Poco::Net::HTTPClientSession> s)
{
    std::lock_guard<std::mutex> lock(ep.mutex);
    if (ep.idle.size() < cfg_.idlePerEndpoint) ep.idle.push_back(std::move(s));
}

void EtcdClient::markDown(EndpointState& ep, const std::string& why)
{
    std::lock_guard<std::mutex> lock(ep.mutex);
    ep.pause = std::clamp(ep.pause * 2, kFirstPause, kMaxPause);
    ep.pausedUntil = Clock::now() + ep.pause;
    ep.lastError = why;
    ep.idle.clear(); // a restart or a network break has cut them too
}

void EtcdClient::markUp(EndpointState& ep)
{
    std::lock_guard<std::mutex> lock(ep.mutex);
    ep.pause = std::chrono::milliseconds(0);
    ep.pausedUntil = Clock::time_point();
}

EtcdClient::Attempt EtcdClient::attempt(EndpointState& ep, const std::string& path, const std::string& body,
                                        const std::string& token)
{
    Attempt a;
    std::unique_ptr<Poco::Net::HTTPClientSession> s;
    support::SigpipeGuard sigpipe;
    Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_POST, path, Poco::Net::HTTPMessage::HTTP_1_1);
    req.setContentType("application/json");
    req.setContentLength(static_cast<std::streamsize>(body.size()));
    req.setKeepAlive(true);
    if (!token.empty()) req.set("Authorization", token);
    try {
        s = takeSession(ep);
        std::ostream& os = s->sendRequest(req);
        os.write(body.data(), static_cast<std::streamsize>(body.size()));
        os.flush();
        if (!os.good() || s->networkException()) {
            if (const Poco::Exception* e = s->networkException()) e->rethrow();
            throw Poco::IOException("writing the request failed");
        }
    } catch (const Poco::Exception& e) {
        // The request did not get through whole: etcd cannot have acted on it.
        a.outcome = Outcome::NotSent;
        a.status = dynamic_cast<const Poco::TimeoutException*>(&e) ? JIFFY_TIMEOUT : JIFFY_UNAVAILABLE;
        a.message = e.displayText();
        return a;
    }
    Poco::Net::HTTPResponse resp;
    std::string text;
    try {
        std::istream& is = s->receiveResponse(resp);
        Poco::StreamCopier::copyToString(is, text);
        if (s->networkException()) s->networkException()->rethrow();
    } catch (const Poco::Exception& e) {
        a.outcome = Outcome::SentAndFailed;
        a.status = dynamic_cast<const Poco::TimeoutException*>(&e) ? JIFFY_TIMEOUT : JIFFY_UNAVAILABLE;
        a.message = (a.status == JIFFY_TIMEOUT ? "no reply within " + std::to_string(cfg_.timeout.count()) + " ms: "
                                               : std::string("reply lost: ")) +
                    e.displayText();
        return a;
    }
    if (resp.getKeepAlive()) giveBack(ep, std::move(s));

    return interpret(resp, text);
}

EtcdClient::Attempt EtcdClient::interpret(const Poco::Net::HTTPResponse& resp, const std::string& text)
{
    Attempt a;
    Poco::JSON::Object::Ptr obj;
    try {
        obj = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
    }
    if (resp.getStatus() == Poco::Net::HTTPResponse::HTTP_OK) {
        if (obj) {
            a.reply = obj;
        } else { // most likely cut short: what was asked may have been done
            a.outcome = Outcome::SentAndFailed;
            a.status = JIFFY_UNAVAILABLE;
            a.message = "unreadable reply (" + std::to_string(text.size()) + " bytes of no JSON object)";
        }
        return a;
    }
    if (!obj || !obj->has("code")) {
        const bool busy = resp.getStatus() == Poco::Net::HTTPResponse::HTTP_SERVICE_UNAVAILABLE ||
                          resp.getStatus() == Poco::Net::HTTPResponse::HTTP_BAD_GATEWAY;
        a.outcome = busy ? Outcome::Unavailable : Outcome::Refused;
        a.status = busy ? JIFFY_UNAVAILABLE : JIFFY_INTERNAL;
        a.message = "HTTP " + std::to_string(static_cast<int>(resp.getStatus())) + " " + resp.getReason() +
                    " from the JSON gateway (is this etcd v3?)";
        return a;
    }
    const int code = static_cast<int>(int64Field(obj, "code"));
    a.message = obj->optValue<std::string>("message", obj->optValue<std::string>("error", "error"));
    a.outcome = Outcome::Refused;
    switch (code) {
    case kGrpcUnavailable:
        a.outcome = Outcome::Unavailable;
        a.status = JIFFY_UNAVAILABLE;
        break;
    case kGrpcDeadlineExceeded:
        a.outcome = Outcome::SentAndFailed;
        a.status = JIFFY_TIMEOUT;
        break;
    case kGrpcUnauthenticated:
        a.outcome = Outcome::Unauthenticated;
        a.status = JIFFY_INVALID;
        break;
    case kGrpcResourceExhausted:
        if (a.message.find("larger than max") != std::string::npos) {
            a.status = JIFFY_TOO_LARGE;
        } else {
            a.outcome = Outcome::Unavailable;
            a.status = JIFFY_UNAVAILABLE;
        }
        break;
    case kGrpcInvalidArgument:
        a.status = a.message.find("too large") != std::string::npos ? JIFFY_TOO_LARGE : JIFFY_INVALID;
        break;
    case kGrpcPermissionDenied:
    case kGrpcFailedPrecondition:
        a.status = JIFFY_INVALID;
        break;
    case kGrpcNotFound:
    default:
        a.status = JIFFY_INTERNAL;
        break;
    }
    return a;
}

EtcdClient::Attempt EtcdClient::send(EndpointState& ep, const std::string& path, const std::string& body)
{
    if (cfg_.user.empty()) return attempt(ep, path, body, "");
    std::string tok;
    {
        std::lock_guard<std::mutex> lock(tokenMutex_);
        tok = token_;
    }
    for (int round = 0;; ++round) {
        if (tok.empty()) {
            const std::string auth =
                "{\"name\":" + JsonWriter::quote(cfg_.user) + ",\"password\":" + JsonWriter::quote(cfg_.password) + "}";
            Attempt a = attempt(ep, "/v3/auth/authenticate", auth, "");
            if (a.outcome == Outcome::Ok) {
                tok = a.reply->optValue<std::string>("token", "");
                if (tok.empty()) {
                    a.outcome = Outcome::Refused;
                    a.status = JIFFY_INTERNAL;
                    a.message = "etcd answered the authentication without a token";
                }
            }
            if (a.outcome != Outcome::Ok) {
                a.message = "authenticating as \"" + cfg_.user + "\": " + a.message;
                // The request itself has not been sent yet.
                if (a.outcome == Outcome::SentAndFailed) a.outcome = Outcome::NotSent;
                if (a.outcome == Outcome::Unauthenticated) a.outcome = Outcome::Refused;
                return a;
            }
            std::lock_guard<std::mutex> lock(tokenMutex_);
            token_ = tok;
        }
        Attempt a = attempt(ep, path, body, tok);
        if (a.outcome != Outcome::Unauthenticated || round > 0) return a;
        // The token expired (or the member restarted and forgot it): drop it
        // unless another thread has already replaced it, and go again.
        std::lock_guard<std::mutex> lock(tokenMutex_);
        if (token_ == tok) token_.clear();
        tok = token_;
    }
}

Poco::JSON::Object::Ptr EtcdClient::call(const std::string& path, const std::string& body, bool idempotent)
{
    const size_t n = endpoints_.size();
    const size_t start = current_.load();
    std::string failures;
    jiffy_status status = JIFFY_UNAVAILABLE;
    auto note = [&](const EndpointState& ep, const std::string& what) {
        failures += (failures.empty() ? "" : "; ") + ep.ep.text + ": " + what;
    };
    for (size_t i = 0; i < n; ++i) {
        const size_t idx = (start + i) % n;
        EndpointState& ep = *endpoints_[idx];
        {
            std::lock_guard<std::mutex> lock(ep.mutex);
            const auto now = Clock::now();
            if (now < ep.pausedUntil) {
                auto left = std::chrono::duration_cast<std::chrono::milliseconds>(ep.pausedUntil - now).count() + 1;
                note(ep, ep.lastError + " (next attempt in " + std::to_string(left) + " ms)");
                continue;
            }
        }
        Attempt a = send(ep, path, body);
        switch (a.outcome) {
        case Outcome::Ok:
            markUp(ep);
            current_ = idx;
            return a.reply;
        case Outcome::Refused:
        case Outcome::Unauthenticated:
            markUp(ep); // it answered
            throw jiffy::Error(a.status, "etcd " + ep.ep.text + ": " + a.message);
        case Outcome::NotSent:
            markDown(ep, a.message);
            status = a.status;
            note(ep, a.message);
            continue;
        case Outcome::SentAndFailed:
        case Outcome::Unavailable:
            markDown(ep, a.message);
            current_ = (idx + 1) % n;
            if (!idempotent)
                throw jiffy::Error(a.status, "etcd " + ep.ep.text + ": " + a.message +
                                                 " (not repeated on another endpoint: it may have been applied)");
            status = a.status;
            note(ep, a.message);
            continue;
        }
    }
    throw jiffy::Error(status, "no etcd endpoint answered: " + failures);
}

} // namespace jiffy::etcd
