// The Poco HTTPServer on external_address, with its own thread pool, and a
// drain on stop: stop accepting, let in-flight requests finish (bounded by
// http.drain_timeout_ms), then return.
#pragma once

#include "config/Config.h"
#include "http/Dispatcher.h"
#include "http/TlsContext.h"

#include <Poco/Net/HTTPServer.h>
#include <Poco/ThreadPool.h>

#include <memory>

namespace jiffy::host {

class HttpServer {
public:
    HttpServer(const Config& cfg, Dispatcher& dispatcher);
    ~HttpServer();

    /// Binds and starts serving; throws Poco::Net::NetException when the
    /// address cannot be bound.
    void start();
    /// Stops accepting and waits for in-flight requests; returns how many
    /// connections were still open when the drain timeout ran out.
    int drain();
    /// The bound port (useful when the config asked for port 0).
    uint16_t port() const;
    /// New TLS handshakes use this pair from now on; open connections keep
    /// theirs. Throws std::invalid_argument (nothing changed) when unusable.
    void reloadTls(const std::string& certFile, const std::string& keyFile);

private:
    const Config& cfg_;
    Dispatcher& dispatcher_;
    std::unique_ptr<TlsServerContext> tls_;
    std::unique_ptr<Poco::ThreadPool> pool_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
};

} // namespace jiffy::host
