#include "http/HttpServer.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Thread.h>
#include <Poco/Timestamp.h>

namespace jiffy::host {
namespace {

class Handler : public Poco::Net::HTTPRequestHandler {
public:
    explicit Handler(Dispatcher& d) : d_(d) {}
    void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override
    {
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

private:
    Dispatcher& d_;
};

} // namespace

HttpServer::HttpServer(const Config& cfg, Dispatcher& dispatcher) : cfg_(cfg), dispatcher_(dispatcher) {}

HttpServer::~HttpServer()
{
    if (server_) server_->stopAll(true);
    if (pool_) pool_->joinAll();
    server_.reset();
    tls_.reset();
}

void HttpServer::start()
{
    const HttpConfig& h = cfg_.http;
    Poco::Net::SocketAddress addr(cfg_.externalAddress.host, cfg_.externalAddress.port);
    Poco::Net::ServerSocket socket;
    if (cfg_.env == "prod") {
        // jiffy serves HTTPS in prod with cert_file/key_file; we require TLS 1.2 or newer.
        Poco::Net::initializeSSL();
        tls_ = std::make_unique<TlsServerContext>(cfg_.resolvePath(cfg_.certFile), cfg_.resolvePath(cfg_.keyFile));
        socket = Poco::Net::SecureServerSocket(tls_->context());
    }
    socket.bind(addr, true);
    socket.listen(h.maxQueued);
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(h.maxThreads);
    params->setMaxQueued(h.maxQueued);
    params->setKeepAlive(h.keepAlive);
    params->setKeepAliveTimeout(Poco::Timespan(h.keepAliveTimeoutS, 0));
    params->setMaxKeepAliveRequests(0);
    params->setTimeout(Poco::Timespan(30, 0));
    params->setServerName("jiffyd");
    params->setSoftwareVersion("");
    pool_ = std::make_unique<Poco::ThreadPool>(2, h.maxThreads + 1, 60);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(dispatcher_), *pool_, socket, params);
    server_->start();
}

int HttpServer::drain()
{
    if (!server_) return 0;
    server_->stopAll(false);
    Poco::Timestamp started;
    const Poco::Timestamp::TimeDiff limit = Poco::Timestamp::TimeDiff(cfg_.http.drainTimeoutMs) * 1000;
    while (server_->currentConnections() > 0 && started.elapsed() < limit) Poco::Thread::sleep(20);
    int left = server_->currentConnections();
    if (left > 0) server_->stopAll(true);
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
