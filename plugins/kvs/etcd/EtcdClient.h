// etcd's v3 JSON gateway over HTTP(S), spread over the configured endpoints.
//
// A call goes to the endpoint that answered last. When it cannot be reached
// (connection refused, reset, timed out) or answers "unavailable" (a member
// without a leader), the call moves on to the next endpoint, unless the
// request was already sent and is not idempotent: a txn or delete that may
// have been applied is never sent twice; the caller sees UNAVAILABLE or
// TIMEOUT and the next call starts at the next endpoint. An endpoint that
// failed is skipped for a short, growing pause (50 ms to 1 s); when every
// endpoint is in its pause the call fails at once, so a dead cluster costs
// callers nothing, and the first call after the pause tries again: the
// client recovers by itself.
#pragma once

#include "EtcdConfig.h"

#include <Poco/JSON/Object.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace Poco::Net {
class HTTPClientSession;
class HTTPResponse;
} // namespace Poco::Net

namespace jiffy::etcd {

/// Base64 (standard alphabet, padded, no line breaks), as the gateway wants bytes.
std::string base64(std::string_view bytes);
std::string unbase64(const std::string& text);

/// An int64 field of a gateway reply (the gateway writes them as strings; 0 when absent).
int64_t int64Field(const Poco::JSON::Object::Ptr& obj, const std::string& name);

class EtcdClient {
public:
    explicit EtcdClient(const EtcdConfig& cfg);
    ~EtcdClient();
    EtcdClient(const EtcdClient&) = delete;
    EtcdClient& operator=(const EtcdClient&) = delete;

    /// POSTs the JSON `body` to `path` (e.g. "/v3/kv/range") and returns the
    /// reply object. `idempotent`: the request may be repeated on the next
    /// endpoint after it was sent. Throws jiffy::Error with a status mapped
    /// from the transport or from etcd's error code.
    Poco::JSON::Object::Ptr call(const std::string& path, const std::string& body, bool idempotent);

private:
    struct EndpointState;
    enum class Outcome { Ok, NotSent, SentAndFailed, Unavailable, Unauthenticated, Refused };
    struct Attempt {
        Outcome outcome = Outcome::Ok;
        jiffy_status status = JIFFY_OK;
        std::string message;
        Poco::JSON::Object::Ptr reply;
    };

    /// One request to one endpoint; transport failures become outcomes.
    Attempt attempt(EndpointState& ep, const std::string& path, const std::string& body, const std::string& token);
    /// A reply: its JSON object, or etcd's gRPC error code mapped to an outcome and a status.
    static Attempt interpret(const Poco::Net::HTTPResponse& resp, const std::string& text);
    /// attempt() with the auth token, authenticating through `ep` first when
    /// there is none and once more when etcd says the token expired.
    Attempt send(EndpointState& ep, const std::string& path, const std::string& body);
    std::unique_ptr<Poco::Net::HTTPClientSession> takeSession(EndpointState& ep);
    void giveBack(EndpointState& ep, std::unique_ptr<Poco::Net::HTTPClientSession> s);
    void markDown(EndpointState& ep, const std::string& why);
    void markUp(EndpointState& ep);

    const EtcdConfig& cfg_;
    std::vector<std::unique_ptr<EndpointState>> endpoints_;
    std::atomic<size_t> current_{0};
    std::mutex tokenMutex_;
    std::string token_;
};

} // namespace jiffy::etcd
