// The ceiling the bench measures jiffyd against: a bare Poco HTTPServer with
// jiffyd's thread and keep-alive settings, answering every request with a
// fixed JSON body (the size of one library row). No routing, no auth, no
// database: what Poco's thread-per-connection server costs on this machine.
//   jiffy-bench-ceiling PORT [THREADS]
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <string>

namespace {

const std::string kBody = R"({"id":1,"href":"http://127.0.0.1/library/1","name":"L1","city":"C1"})";

class Fixed : public Poco::Net::HTTPRequestHandler {
public:
    void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override
    {
        req.stream().ignore(std::numeric_limits<std::streamsize>::max());
        resp.setContentType("application/json");
        resp.setContentLength(static_cast<std::streamsize>(kBody.size()));
        resp.sendBuffer(kBody.data(), kBody.size());
    }
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override
    {
        return new Fixed;
    }
};

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::cerr << "usage: jiffy-bench-ceiling PORT [THREADS]\n";
        return 64;
    }
    const int threads = argc > 2 ? std::atoi(argv[2]) : 32; // jiffyd's http.max_threads default
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(std::atoi(argv[1]))),
                                   512);
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(threads);
    params->setMaxQueued(512);
    params->setKeepAlive(true);
    params->setKeepAliveTimeout(Poco::Timespan(10, 0));
    params->setMaxKeepAliveRequests(0);
    Poco::ThreadPool pool(2, threads + 1, 60);
    Poco::Net::HTTPServer server(new Factory, pool, socket, params);
    server.start();
    int sig = 0;
    sigwait(&set, &sig);
    server.stopAll(true);
    return 0;
}
