#include "server/GoHandler.h"

#include "gob/GobWire.h"
#include "protocol/Protocol.h"
#include "protocol/WsMessage.h"
#include "server/Handshake.h"

#include <Poco/Net/NetException.h>
#include <Poco/Timespan.h>

namespace jiffy::sluggo::server {

namespace {

Poco::Timespan span(std::chrono::milliseconds ms)
{
    return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms.count()) * 1000);
}

/// After the reply: a close frame (what RFC 6455 asks; Go just drops the
/// TCP connection, which its clients cannot tell apart), errors ignored.
void finish(Poco::Net::WebSocket& ws)
{
    try {
        ws.shutdown();
    } catch (const Poco::Exception&) {
    }
}

} // namespace

void GoHandler::handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response)
{
    ActiveHandler active(ctx_);
    if (!checkHandshake(request, response)) return;
    try {
        Poco::Net::WebSocket ws(request, response);
        ws.setReceiveTimeout(span(ctx_.settings.ioTimeout));
        ws.setSendTimeout(span(ctx_.settings.ioTimeout));
        std::string reply(kReplyTrue);
        // /isalive answers at once without reading (Go: IsAliveHandler).
        if (path_ != GoPath::IsAlive && !serve(ws, reply)) return;
        // Go's x/net Conn.Write sends every reply as a text frame, gob included.
        sendMessage(ws, reply, false);
        finish(ws);
    } catch (const Poco::Exception& e) {
        if (ctx_.log.debug())
            ctx_.log.debug("connection from " + request.clientAddress().toString() + ": " + e.displayText());
    } catch (const std::exception& e) {
        ctx_.log.warning("request from " + request.clientAddress().toString() + " failed: " + e.what());
    }
}

bool GoHandler::serve(Poco::Net::WebSocket& ws, std::string& reply)
{
    std::optional<WsMessage> msg;
    try {
        msg = receiveMessage(ws, ctx_.settings.maxMessage);
    } catch (const WsProtocolError& e) {
        // Go answers "false" to a read error; a broken frame leaves nothing
        // readable behind, so the connection ends after this reply.
        if (ctx_.log.debug()) ctx_.log.debug(std::string("unreadable request: ") + e.what());
        reply = std::string(kReplyFalse);
        return true;
    } catch (const Poco::TimeoutException&) {
        reply = std::string(kReplyFalse);
        return true;
    }
    if (!msg) return false;
    reply = answer(msg->data);
    return true;
}

std::string GoHandler::answer(const std::string& message)
{
    Article request;
    try {
        request = decodeArticle(message);
    } catch (const gob::GobError& e) {
        if (ctx_.log.debug()) ctx_.log.debug(std::string("undecodable Article: ") + e.what());
        return std::string(kReplyFalse);
    }
    std::string why;
    std::optional<Article> done = ctx_.store.applyGo(request, why);
    if (!done) {
        // A full store is worth a warning even without debug logging; the
        // reply itself can only be Go's "false".
        if (why.rfind("store is full", 0) == 0)
            ctx_.warnFull(why);
        else if (ctx_.log.debug())
            ctx_.log.debug("refused " + request.op + ": " + why);
        return std::string(kReplyFalse);
    }
    if (request.op != kOpGet) ctx_.afterWrite();
    if (ctx_.log.debug())
        ctx_.log.debug("op " + request.op + " on a key of " + std::to_string(request.key.size()) + " bytes");
    if (path_ == GoPath::Get) {
        // Go replies with the Article when its key matches the request's or
        // is empty (a miss); anything else made Go panic.
        if (done->key == request.key || done->key.empty()) return encodeArticle(*done);
        return std::string(kReplyFalse);
    }
    return std::string(done->key == request.key ? kReplyTrue : kReplyFalse);
}

} // namespace jiffy::sluggo::server
