#include "server/ExtHandler.h"

#include "gob/GobWire.h"
#include "protocol/Protocol.h"
#include "protocol/WsMessage.h"
#include "server/Handshake.h"

#include <Poco/Net/NetException.h>
#include <Poco/Timespan.h>

namespace jiffy::sluggo::server {

namespace {

/// How often a waiting connection looks at the shutdown flag.
constexpr std::chrono::milliseconds kPollSlice{200};

Poco::Timespan span(std::chrono::milliseconds ms)
{
    return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms.count()) * 1000);
}

ExtReply reply(std::string_view status, std::string message = {})
{
    ExtReply r;
    r.status = std::string(status);
    r.message = std::move(message);
    return r;
}

std::string_view statusOf(Outcome o)
{
    switch (o) {
    case Outcome::Ok:
        return ext::kOk;
    case Outcome::NotFound:
        return ext::kNotFound;
    case Outcome::Conflict:
        return ext::kConflict;
    case Outcome::Full:
        return ext::kFull;
    case Outcome::Invalid:
        return ext::kInvalid;
    case Outcome::Closed:
        return ext::kUnavailable;
    }
    return ext::kError;
}

ExtReply fromResult(const OpResult& r)
{
    ExtReply out = reply(statusOf(r.outcome), r.message);
    out.value = r.value;
    out.number = r.number;
    return out;
}

} // namespace

ExtReply ExtHandler::execute(ServerContext& ctx, const ExtRequest& q)
{
    if (q.op == ext::kHello) {
        ExtReply r = reply(ext::kOk, "jiffy-sluggo");
        r.number = kExtensionVersion;
        r.features = std::string(ext::kFeatures);
        r.idleMs = ctx.settings.idleTimeout.count();
        return r;
    }
    if (q.key.empty()) return reply(ext::kInvalid, "key is empty");
    OpResult r;
    if (q.op == ext::kGet) return fromResult(ctx.store.get(q.key));
    if (q.op == ext::kSet)
        r = ctx.store.set(q.key, q.value, q.ttlMs);
    else if (q.op == ext::kAdd)
        r = ctx.store.add(q.key, q.value, q.ttlMs);
    else if (q.op == ext::kCas)
        r = ctx.store.compareAndSet(q.key, q.expected, q.value, q.ttlMs);
    else if (q.op == ext::kDel)
        r = ctx.store.remove(q.key);
    else if (q.op == ext::kIncr)
        r = ctx.store.incr(q.key, q.delta);
    else
        return reply(ext::kInvalid, "unknown op \"" + q.op + "\"");
    if (r.outcome == Outcome::Ok) ctx.afterWrite();
    if (r.outcome == Outcome::Full) ctx.warnFull(r.message);
    return fromResult(r);
}

void ExtHandler::handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response)
{
    ActiveHandler active(ctx_);
    if (!checkHandshake(request, response)) return;
    try {
        Poco::Net::WebSocket ws(request, response);
        ws.setReceiveTimeout(span(ctx_.settings.ioTimeout));
        ws.setSendTimeout(span(ctx_.settings.ioTimeout));
        serve(ws);
        try {
            ws.shutdown();
        } catch (const Poco::Exception&) {
        }
    } catch (const Poco::Exception& e) {
        if (ctx_.log.debug())
            ctx_.log.debug("extension connection from " + request.clientAddress().toString() + ": " + e.displayText());
    } catch (const std::exception& e) {
        ctx_.log.warning("extension connection from " + request.clientAddress().toString() + " failed: " + e.what());
    }
}

void ExtHandler::serve(Poco::Net::WebSocket& ws)
{
    // The first request is read at once: it may already sit in Poco's
    // handshake buffer, where polling the socket would not see it.
    for (bool first = true; first || waitForRequest(ws); first = false) {
        std::optional<WsMessage> msg;
        try {
            msg = receiveMessage(ws, ctx_.settings.maxMessage);
        } catch (const WsProtocolError& e) {
            // The frame stream is no longer in step: answer, then hang up.
            sendMessage(ws, encodeExtReply(reply(e.tooLarge() ? ext::kInvalid : ext::kError, e.what())), true);
            return;
        }
        if (!msg) return;
        ExtReply r;
        try {
            r = execute(ctx_, decodeExtRequest(msg->data));
        } catch (const gob::GobError& e) {
            r = reply(ext::kInvalid, std::string("undecodable request: ") + e.what());
        }
        sendMessage(ws, encodeExtReply(r), true);
    }
}

bool ExtHandler::waitForRequest(Poco::Net::WebSocket& ws)
{
    auto deadline = std::chrono::steady_clock::now() + ctx_.settings.idleTimeout;
    while (!ctx_.stopping.load()) {
        if (ws.poll(span(kPollSlice), Poco::Net::Socket::SELECT_READ | Poco::Net::Socket::SELECT_ERROR)) return true;
        if (std::chrono::steady_clock::now() >= deadline) return false;
    }
    return false;
}

} // namespace jiffy::sluggo::server
