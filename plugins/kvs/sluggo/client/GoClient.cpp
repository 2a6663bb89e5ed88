#include "client/GoClient.h"

#include "gob/GobWire.h"
#include "protocol/Article.h"
#include "protocol/Protocol.h"
#include "protocol/WsMessage.h"

namespace jiffy::sluggo {

namespace {

/// Largest reply we accept: a stored value plus its Article around it.
constexpr size_t kMaxReply = 64u << 20;

} // namespace

std::string GoClient::exchange(std::string_view path, const std::string* request, const std::string& during) const
{
    try {
        std::unique_ptr<Poco::Net::WebSocket> ws = connector_.open(path);
        if (request) sendMessage(*ws, *request, false);
        std::optional<WsMessage> reply = receiveMessage(*ws, kMaxReply);
        // The server closes after its reply (Go drops the TCP connection):
        // nothing more to say, so no close handshake of our own.
        ws->close();
        if (!reply) {
            std::string hint = request && request->size() > kGoReadBuffer
                                   ? " (a Go sluggo reads at most 1024 bytes per message; this one is " +
                                         std::to_string(request->size()) + ")"
                                   : "";
            fail(JIFFY_UNAVAILABLE, "sluggo at " + connector_.config().address +
                                        " closed the connection without a reply (" + during + ")" + hint);
        }
        return std::move(reply->data);
    } catch (...) {
        connector_.rethrow(during);
    }
}

void GoClient::expectTrue(const std::string& reply, size_t requestSize, const std::string& during) const
{
    if (reply == kReplyTrue) return;
    std::string where = "sluggo at " + connector_.config().address + " refused the " + during;
    if (requestSize > kGoReadBuffer)
        fail(JIFFY_TOO_LARGE, where + ": the message is " + std::to_string(requestSize) +
                                  " bytes and a Go sluggo reads at most 1024 (use jiffy-sluggo with extensions)");
    fail(JIFFY_INTERNAL, where + " (reply \"" + reply.substr(0, 16) + "\": store full or message not understood)");
}

std::optional<std::string> GoClient::get(std::string_view key) const
{
    Article request;
    request.key = std::string(key);
    request.op = std::string(kOpGet);
    std::string msg = encodeArticle(request);
    std::string reply = exchange(kPathGet, &msg, "get");
    Article found;
    try {
        found = decodeArticle(reply);
    } catch (const gob::GobError& e) {
        fail(JIFFY_INTERNAL, "sluggo at " + connector_.config().address + " sent an undecodable reply to a get: " +
                                 (reply == kReplyFalse ? std::string("\"false\"") : std::string(e.what())));
    }
    if (found.key != key) return std::nullopt;
    return std::move(found.value);
}

void GoClient::set(std::string_view key, std::string_view value) const
{
    Article a;
    a.key = std::string(key);
    a.op = std::string(kOpAddUpdate);
    a.valid = true;
    a.value = std::string(value);
    std::string msg = encodeArticle(a);
    expectTrue(exchange(kPathSet, &msg, "set"), msg.size(), "set");
}

void GoClient::remove(std::string_view key) const
{
    Article a;
    a.key = std::string(key);
    a.op = std::string(kOpDelete);
    std::string msg = encodeArticle(a);
    expectTrue(exchange(kPathDelete, &msg, "delete"), msg.size(), "delete");
}

void GoClient::isAlive() const
{
    expectTrue(exchange(kPathIsAlive, nullptr, "liveness check"), 0, "liveness check");
}

} // namespace jiffy::sluggo
