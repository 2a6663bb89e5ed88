#include "support/SluggoTestServer.h"

#include <Poco/Buffer.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <csignal>

namespace jiffy::test {

std::string sluggoBinary()
{
    return JIFFY_TEST_SLUGGO;
}

namespace {

std::vector<std::string> expand(const std::vector<std::string>& in, const std::string& dir)
{
    std::vector<std::string> out;
    for (std::string a : in) {
        size_t at = a.find("{dir}");
        if (at != std::string::npos) a.replace(at, 5, dir);
        out.push_back(a);
    }
    return out;
}

} // namespace

SluggoTestServer::SluggoTestServer(std::vector<std::string> extraArgs)
    : TcpServer(sluggoBinary(), nullptr), extra_(std::make_shared<std::vector<std::string>>(std::move(extraArgs)))
{
    std::shared_ptr<std::vector<std::string>> extra = extra_;
    args_ = [extra](uint16_t port, const std::string& dir) {
        std::vector<std::string> a{"-a", "127.0.0.1:" + std::to_string(port)};
        for (std::string& x : expand(*extra, dir)) a.push_back(x);
        return a;
    };
}

void SluggoTestServer::kill()
{
    if (!proc_) return;
    proc_->signal(SIGKILL);
    proc_->wait(5000);
    proc_.reset();
}

std::string SluggoTestServer::pluginConfig(int timeoutMs) const
{
    return "{\"sluggo_address\": \"" + address() + "\", \"timeout_ms\": " + std::to_string(timeoutMs) + "}";
}

std::unique_ptr<Poco::Net::WebSocket> openWs(uint16_t port, const std::string& path, const std::string& origin)
{
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    session.setTimeout(Poco::Timespan(5, 0));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path, Poco::Net::HTTPMessage::HTTP_1_1);
    request.set("Origin", origin);
    Poco::Net::HTTPResponse response;
    auto ws = std::make_unique<Poco::Net::WebSocket>(session, request, response);
    ws->setReceiveTimeout(Poco::Timespan(5, 0));
    return ws;
}

WsReply exchangeOn(Poco::Net::WebSocket& ws, const std::string& message, bool binary)
{
    ws.sendFrame(message.data(), static_cast<int>(message.size()),
                 binary ? Poco::Net::WebSocket::FRAME_BINARY : Poco::Net::WebSocket::FRAME_TEXT);
    WsReply r;
    Poco::Buffer<char> buf(0);
    int flags = 0;
    int n = ws.receiveFrame(buf, flags);
    if (n == 0 && flags == 0) return r;
    r.opcode = flags & Poco::Net::WebSocket::FRAME_OP_BITMASK;
    r.received = r.opcode != Poco::Net::WebSocket::FRAME_OP_CLOSE;
    r.data.assign(buf.begin(), static_cast<size_t>(n));
    return r;
}

WsReply goExchange(uint16_t port, const std::string& path, const std::string* message)
{
    std::unique_ptr<Poco::Net::WebSocket> ws = openWs(port, path);
    if (message) return exchangeOn(*ws, *message, false);
    WsReply r;
    Poco::Buffer<char> buf(0);
    int flags = 0;
    int n = ws->receiveFrame(buf, flags);
    r.opcode = flags & Poco::Net::WebSocket::FRAME_OP_BITMASK;
    r.received = n > 0 || flags != 0;
    r.data.assign(buf.begin(), static_cast<size_t>(n));
    return r;
}

std::string rawTcp(uint16_t port, const std::string& bytes, size_t limit, int timeoutMs)
{
    Poco::Net::StreamSocket s;
    s.connect(Poco::Net::SocketAddress("127.0.0.1", port), Poco::Timespan(2, 0));
    s.setReceiveTimeout(Poco::Timespan(0, 200000));
    if (!bytes.empty()) s.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
    std::string out;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    char buf[1024];
    while (out.size() < limit && std::chrono::steady_clock::now() < deadline) {
        try {
            int n = s.receiveBytes(buf, sizeof buf);
            if (n <= 0) break;
            out.append(buf, static_cast<size_t>(n));
        } catch (const Poco::TimeoutException&) {
        } catch (const Poco::Exception&) {
            break; // reset by the server: what we have is the answer
        }
    }
    return out;
}

} // namespace jiffy::test
