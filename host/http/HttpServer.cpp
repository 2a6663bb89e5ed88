#include "http/HttpServer.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerConnection.h>
#include <Poco/Net/TCPServerConnectionFactory.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Thread.h>
#include <Poco/Timestamp.h>

#include <cerrno>

namespace jiffy::host {
namespace {

class Handler : public Poco::Net::HTTPRequestHandler {
public:
    explicit Handler(Dispatcher& d) : d_(d) {}
    void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override
    {
        ConnectionGuard::requestStarted();
        struct Finished {
            ~Finished() { ConnectionGuard::requestFinished(); }
        } finished;
        d_.serve(req, resp);
    }

private:
    Dispatcher& d_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit Factory(Dispatcher& d) : d_(d) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override
    {
        return new Handler(d_);
    }
    /// What Poco's HTTPServer::stopAll() tells its connections (ours is a plain TCPServer).
    void stopped(bool abortCurrent) { serverStopped(this, abortCurrent); }

private:
    Dispatcher& d_;
};

/// Poco's HTTP connection, admitted and tracked by the ConnectionGuard.
class GuardedConnection : public Poco::Net::HTTPServerConnection {
public:
    GuardedConnection(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params,
                      Poco::Net::HTTPRequestHandlerFactory::Ptr factory, ConnectionGuard& guard)
        : HTTPServerConnection(socket, params, factory), guard_(guard)
    {
    }
    void run() override
    {
        ConnectionGuard::Slot* slot = guard_.enter(socket());
        if (!slot) {
            // Too many connections from this address: refused at once, politely.
            static const char kBusy[] = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                                        "Content-Length: 59\r\nRetry-After: 1\r\nConnection: close\r\n\r\n"
                                        "{\"error\":\"too many connections from this client address\"}";
            try {
                socket().setSendTimeout(Poco::Timespan(1, 0));
                socket().sendBytes(kBusy, sizeof kBusy - 1);
                socket().shutdown();
            } catch (const Poco::Exception&) {
                // the client went away
            }
            return;
        }
        struct Leave {
            ConnectionGuard& g;
            ConnectionGuard::Slot* s;
            ~Leave() { g.leave(s); }
        } leave{guard_, slot};
        HTTPServerConnection::run();
    }

private:
    ConnectionGuard& guard_;
};

class GuardedConnectionFactory : public Poco::Net::TCPServerConnectionFactory {
public:
    GuardedConnectionFactory(Poco::Net::HTTPServerParams::Ptr params, Poco::Net::HTTPRequestHandlerFactory::Ptr factory,
                             ConnectionGuard& guard)
        : params_(std::move(params)), factory_(std::move(factory)), guard_(guard)
    {
    }
    Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override
    {
        return new GuardedConnection(socket, params_, factory_, guard_);
    }

private:
    Poco::Net::HTTPServerParams::Ptr params_;
    Poco::Net::HTTPRequestHandlerFactory::Ptr factory_;
    ConnectionGuard& guard_;
};

} // namespace

HttpServer::HttpServer(const Config& cfg, MetricsRegistry* metrics) : cfg_(cfg), metrics_(metrics) {}

HttpServer::~HttpServer()
{
    stopAll(true);
    if (pool_) pool_->joinAll();
    server_.reset();
    socket_.reset();
    tls_.reset();
}

void HttpServer::bind()
{
    if (socket_) return;
    Poco::Net::SocketAddress addr(cfg_.externalAddress.host, cfg_.externalAddress.port);
    std::unique_ptr<Poco::Net::ServerSocket> socket;
    if (cfg_.env == "prod") {
        // jiffy serves HTTPS in prod with cert_file/key_file; we require TLS 1.2 or newer.
        Poco::Net::initializeSSL();
        tls_ = std::make_unique<TlsServerContext>(cfg_.resolvePath(cfg_.certFile), cfg_.resolvePath(cfg_.keyFile));
        socket = std::make_unique<Poco::Net::SecureServerSocket>(tls_->context());
    } else {
        socket = std::make_unique<Poco::Net::ServerSocket>();
    }
    try {
        // SO_REUSEADDR only: Poco's bind(addr, true) also sets SO_REUSEPORT,
        // which lets a second process share the port and split the clients.
        socket->bind(addr, true, false);
    } catch (const Poco::Exception& e) {
        if (e.code() == EADDRINUSE || e.message().find("already in use") != std::string::npos ||
            e.displayText().find("already in use") != std::string::npos)
            throw AddressInUse("external_address " + cfg_.externalAddress.text() + ": already in use");
        throw;
    }
    socket->listen(cfg_.http.maxQueued);
    socket_ = std::move(socket);
}

void HttpServer::start(Dispatcher& dispatcher)
{
    bind();
    const HttpConfig& h = cfg_.http;
    // One reference-counted owner, shared by the server and the connections.
    Poco::Net::HTTPServerParams::Ptr params(new Poco::Net::HTTPServerParams);
    params->setMaxThreads(h.maxThreads);
    params->setMaxQueued(h.maxQueued);
    params->setKeepAlive(h.keepAlive);
    params->setKeepAliveTimeout(Poco::Timespan(h.keepAliveTimeoutS, 0));
    params->setMaxKeepAliveRequests(0);
    params->setTimeout(Poco::Timespan(30, 0));
    params->setServerName("jiffyd");
    params->setSoftwareVersion("");
    pool_ = std::make_unique<Poco::ThreadPool>(2, h.maxThreads + 1, 60);
    ConnectionGuard::Limits limits;
    limits.perClient = h.maxConnectionsPerClient;
    limits.headTimeoutMs = h.requestHeadTimeoutMs;
    limits.keepAliveTimeoutMs = h.keepAliveTimeoutS * 1000;
    guard_ = std::make_unique<ConnectionGuard>(limits, metrics_);
    factory_ = new Factory(dispatcher);
    server_ = std::make_unique<Poco::Net::TCPServer>(new GuardedConnectionFactory(params, factory_, *guard_), *pool_,
                                                     *socket_, params);
    server_->start();
}

void HttpServer::stopAll(bool abortCurrent)
{
    if (!server_) return;
    server_->stop();
    static_cast<Factory*>(factory_.get())->stopped(abortCurrent);
}

int HttpServer::drain()
{
    if (!server_) return 0;
    stopAll(false);
    Poco::Timestamp started;
    const Poco::Timestamp::TimeDiff limit = Poco::Timestamp::TimeDiff(cfg_.http.drainTimeoutMs) * 1000;
    while (server_->currentConnections() > 0 && started.elapsed() < limit) Poco::Thread::sleep(20);
    int left = server_->currentConnections();
    if (left > 0) stopAll(true);
    return left;
}

void HttpServer::reloadTls(const std::string& certFile, const std::string& keyFile)
{
    if (!tls_) throw std::invalid_argument("not serving HTTPS (env is not \"prod\")");
    tls_->reload(certFile, keyFile);
}

uint16_t HttpServer::port() const
{
    return server_ ? server_->port() : 0;
}

} // namespace jiffy::host
