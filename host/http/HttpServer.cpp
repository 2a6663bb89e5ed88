#include "http/HttpServer.h"

#include "http/HttpConnection.h"

#include <Poco/Net/TCPServerConnectionFactory.h>
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

class ConnectionFactory : public Poco::Net::TCPServerConnectionFactory {
public:
    ConnectionFactory(Poco::Net::HTTPServerParams::Ptr params, Dispatcher& dispatcher, ConnectionGuard& guard,
                      ConnectionsStop& stop)
        : params_(std::move(params)), dispatcher_(dispatcher), guard_(guard), stop_(stop)
    {
    }
    Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override
    {
        return new HttpConnection(socket, params_, dispatcher_, guard_, stop_);
    }

private:
    Poco::Net::HTTPServerParams::Ptr params_;
    Dispatcher& dispatcher_;
    ConnectionGuard& guard_;
    ConnectionsStop& stop_;
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
    server_ = std::make_unique<Poco::Net::TCPServer>(new ConnectionFactory(params, dispatcher, *guard_, stop_), *pool_,
                                                     *socket_, params);
    server_->start();
}

void HttpServer::stopAll(bool abortCurrent)
{
    if (!server_) return;
    server_->stop();
    stop_.stopped.notify(this, abortCurrent);
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
