// The Poco HTTPServer on external_address, with its own thread pool, and a
// drain on stop: stop accepting, let in-flight requests finish (bounded by
// http.drain_timeout_ms), then return.
#pragma once

#include "config/Config.h"
#include "http/ConnectionGuard.h"
#include "http/Dispatcher.h"
#include "http/HttpConnection.h"
#include "http/TlsContext.h"
#include "net/AddressInUse.h"

#include <Poco/Net/TCPServer.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>

#include <memory>
#include <stdexcept>

namespace jiffy::host {

class HttpServer {
public:
    /// `metrics` (may be null) counts connections the guard refuses or cuts.
    explicit HttpServer(const Config& cfg, MetricsRegistry* metrics = nullptr);
    ~HttpServer();

    /// Binds external_address (one address, one process: no SO_REUSEPORT)
    /// and listens; call it before anything slow so a second instance fails
    /// at once. Throws AddressInUse, or Poco::Exception for other failures.
    void bind();
    /// Starts serving requests with `dispatcher` (binds first if needed).
    void start(Dispatcher& dispatcher);
    /// Stops accepting and waits for in-flight requests; returns how many
    /// connections were still open when the drain timeout ran out.
    int drain();
    /// The bound port (useful when the config asked for port 0).
    uint16_t port() const;
    /// New TLS handshakes use this pair from now on; open connections keep
    /// theirs. Throws std::invalid_argument (nothing changed) when unusable.
    void reloadTls(const std::string& certFile, const std::string& keyFile);

private:
    /// Stops accepting and tells kept-alive connections to end (after their request unless `abortCurrent`).
    void stopAll(bool abortCurrent);

    const Config& cfg_;
    MetricsRegistry* metrics_;
    std::unique_ptr<Poco::Net::ServerSocket> socket_;
    std::unique_ptr<TlsServerContext> tls_;
    std::unique_ptr<Poco::ThreadPool> pool_;
    std::unique_ptr<ConnectionGuard> guard_;
    ConnectionsStop stop_;
    std::unique_ptr<Poco::Net::TCPServer> server_;
};

} // namespace jiffy::host
