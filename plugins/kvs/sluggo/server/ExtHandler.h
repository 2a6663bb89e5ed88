// Our extension path /x/v1: gob ExtRequest -> ExtReply in binary frames,
// any number of exchanges on one connection until the client closes it, it
// stays idle longer than --idle-timeout, or the server shuts down. Every
// operation is atomic in the store (TTL, add, compare-and-set, incr).
#pragma once

#include "protocol/ExtMessages.h"
#include "server/ServerContext.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/WebSocket.h>

namespace jiffy::sluggo::server {

class ExtHandler : public Poco::Net::HTTPRequestHandler {
public:
    explicit ExtHandler(ServerContext& ctx) : ctx_(ctx) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

    /// The reply to one request (public for unit tests of the semantics).
    static ExtReply execute(ServerContext& ctx, const ExtRequest& request);

private:
    /// Waits until the next request starts to arrive; false on idle
    /// timeout or shutdown.
    bool waitForRequest(Poco::Net::WebSocket& ws);
    void serve(Poco::Net::WebSocket& ws);

    ServerContext& ctx_;
};

} // namespace jiffy::sluggo::server
