// One HTTP connection on its worker thread: admitted by the ConnectionGuard,
// then requests read and answered one after the other (keep-alive) by the
// Dispatcher, until the client closes, a wait times out or the server stops.
//
// Poco's HTTPServerConnection does the same, but Poco 1.11 waits for each
// next request with Socket::poll, which creates, fills and closes an epoll
// instance per call: three system calls per request that a single poll(2)
// on the descriptor avoids (measured: Poco's loop is the bench's ceiling,
// this one serves /healthz at or above it). Poco's request and response
// classes, header parsing and streams are used unchanged; only the loop is
// ours. TLS connections keep Poco's poll (OpenSSL may hold decrypted bytes
// that poll(2) cannot see).
#pragma once

#include "http/ConnectionGuard.h"
#include "http/Dispatcher.h"

#include <Poco/BasicEvent.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/TCPServerConnection.h>

#include <atomic>
#include <mutex>

namespace jiffy::host {

/// Tells open connections that the server stops: `true` = abort the
/// request in progress, `false` = end after it.
struct ConnectionsStop {
    Poco::BasicEvent<const bool> stopped;
};

class HttpConnection : public Poco::Net::TCPServerConnection {
public:
    HttpConnection(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params,
                   Dispatcher& dispatcher, ConnectionGuard& guard, ConnectionsStop& stop);
    ~HttpConnection() override;

    void run() override;

private:
    void serveRequests();
    void onStopped(const bool& abortCurrent);

    Poco::Net::HTTPServerParams::Ptr params_;
    Dispatcher& dispatcher_;
    ConnectionGuard& guard_;
    ConnectionsStop& stop_;
    std::atomic<bool> stopped_{false};
    std::mutex busy_; ///< held while a request is handled: a graceful stop waits for it
};

} // namespace jiffy::host
