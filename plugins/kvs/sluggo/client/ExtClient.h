// Our extension protocol as a client: persistent WebSocket connections to
// /x/v1 (a small pool), gob ExtRequest -> ExtReply. A connection idle for
// longer than the server keeps one is not reused; a reused connection that
// fails is retried once on a fresh one, but only for requests that are
// safe to repeat (GET, SET, HELLO), since the first may have been applied.
#pragma once

#include "client/WsConnector.h"
#include "protocol/ExtMessages.h"

#include <ConnectionPool.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>

namespace jiffy::sluggo {

/// The server answered the extension path with 404: it has no extensions
/// (a Go sluggo, or jiffy-sluggo --no-extensions).
class NoExtensions : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class ExtClient {
public:
    ExtClient(const WsConnector& connector, size_t connections);

    /// HELLO: the server's reply (and how long it keeps idle connections),
    /// or throws NoExtensions / jiffy::Error (UNAVAILABLE, TIMEOUT).
    ExtReply hello();
    /// One request; throws NoExtensions or jiffy::Error for transport
    /// failures. The reply's status is the caller's to interpret.
    ExtReply call(const ExtRequest& request, bool idempotent);
    /// Closes idle connections (after the server was seen to go away).
    void reset() { pool_.dropIdle(); }

private:
    struct Connection {
        std::unique_ptr<Poco::Net::WebSocket> ws;
        std::chrono::steady_clock::time_point lastUsed;
        bool used = false;
    };
    std::unique_ptr<Connection> open();
    ExtReply exchange(Connection& c, const ExtRequest& request);

    const WsConnector& connector_;
    /// Reuse a connection only if idle for less than this (half what the
    /// server announced in HELLO, so it cannot be closing it right now).
    std::atomic<int64_t> reuseWithinMs_{5000};
    support::ConnectionPool<Connection> pool_;
};

} // namespace jiffy::sluggo
