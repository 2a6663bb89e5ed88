// Go sluggo's five paths: /set, /get, /delete, /flush, /isalive. One
// message in, one reply out, connection closed — as wssrv/server.go does,
// with the same replies: "true"/"false" as text frames, or a gob Article
// for /get. Where Go sluggo would hang (unknown op) or panic (a key
// mismatch), we answer "false" instead.
#pragma once

#include "server/ServerContext.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/WebSocket.h>

#include <string>

namespace jiffy::sluggo::server {

enum class GoPath { Set, Get, Delete, Flush, IsAlive };

class GoHandler : public Poco::Net::HTTPRequestHandler {
public:
    GoHandler(ServerContext& ctx, GoPath path) : ctx_(ctx), path_(path) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
    /// Reads and applies the one request and sets `reply`; false when the
    /// peer went away before sending anything (nothing to answer).
    bool serve(Poco::Net::WebSocket& ws, std::string& reply);
    std::string answer(const std::string& message);

    ServerContext& ctx_;
    GoPath path_;
};

} // namespace jiffy::sluggo::server
