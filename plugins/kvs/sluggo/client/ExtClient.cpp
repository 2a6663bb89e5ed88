#include "client/ExtClient.h"

#include "gob/GobWire.h"
#include "protocol/Protocol.h"
#include "protocol/WsMessage.h"

namespace jiffy::sluggo {

namespace {

constexpr size_t kMaxReply = 64u << 20;
using Clock = std::chrono::steady_clock;

} // namespace

ExtClient::ExtClient(const WsConnector& connector, size_t connections)
    : connector_(connector), pool_([this] { return open(); }, connections, connector.config().timeout)
{
}

std::unique_ptr<ExtClient::Connection> ExtClient::open()
{
    auto c = std::make_unique<Connection>();
    try {
        c->ws = connector_.open(kPathExtension);
    } catch (const HandshakeRefused& e) {
        if (e.status() == 404) throw NoExtensions(e.what());
        throw;
    }
    return c;
}

ExtReply ExtClient::exchange(Connection& c, const ExtRequest& request)
{
    std::string during = "extension " + request.op;
    try {
        sendMessage(*c.ws, encodeExtRequest(request), true);
        std::optional<WsMessage> msg = receiveMessage(*c.ws, kMaxReply);
        if (!msg)
            fail(JIFFY_UNAVAILABLE,
                 "sluggo at " + connector_.config().address + " closed the connection (" + during + ")");
        c.lastUsed = Clock::now();
        c.used = true;
        return decodeExtReply(msg->data);
    } catch (const gob::GobError& e) {
        fail(JIFFY_INTERNAL,
             "sluggo at " + connector_.config().address + " sent an undecodable reply (" + during + "): " + e.what());
    } catch (...) {
        connector_.rethrow(during);
    }
}

ExtReply ExtClient::hello()
{
    ExtRequest q;
    q.op = std::string(ext::kHello);
    ExtReply r = call(q, true);
    if (r.idleMs > 0) reuseWithinMs_ = std::max<int64_t>(1, std::min<int64_t>(r.idleMs / 2, 10000));
    return r;
}

ExtReply ExtClient::call(const ExtRequest& request, bool idempotent)
{
    // At most: one stale connection dropped, one retry after a failure on a
    // reused connection, one fresh attempt.
    for (int attempt = 0;; ++attempt) {
        support::Lease<Connection> lease(pool_);
        bool reused = lease->used;
        if (reused && Clock::now() - lease->lastUsed > std::chrono::milliseconds(reuseWithinMs_.load()) &&
            attempt < 2) {
            lease.broken();
            continue;
        }
        try {
            return exchange(*lease, request);
        } catch (const jiffy::Error& e) {
            lease.broken();
            bool transport = e.status() == JIFFY_UNAVAILABLE || e.status() == JIFFY_TIMEOUT;
            if (!(transport && reused && idempotent && attempt < 2)) throw;
        }
    }
}

} // namespace jiffy::sluggo
