// The WebSocket opening handshake checks of golang.org/x/net/websocket's
// server (hybi.go ReadHandshake, then server.go checkOrigin), in the same
// order and with the same answers, so that a client sees jiffy-sluggo
// refuse exactly what Go sluggo refuses:
//   not GET                        -> 405, body "bad method"
//   no "Upgrade: websocket" or no "upgrade" in Connection
//                                  -> 400, body "not websocket protocol"
//   no Sec-WebSocket-Key           -> 400, body "mismatch challenge/response"
//   Sec-WebSocket-Version != 13    -> 400 + "Sec-WebSocket-Version: 13",
//                                     body "missing or bad WebSocket Version"
//   Origin missing or not a URI    -> 403, empty body ("null origin")
//   more than one subprotocol      -> 400 (one is echoed back)
#pragma once

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <string>

namespace jiffy::sluggo::server {

/// Returns true when the upgrade may proceed; otherwise has sent the refusal.
bool checkHandshake(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);

/// Whether Go's url.ParseRequestURI would accept `origin` (an absolute URI
/// with a scheme, or an absolute path; no control characters).
bool isAcceptableOrigin(const std::string& origin);

/// Sends a complete, connection-closing reply with a plain text body.
void sendPlain(Poco::Net::HTTPServerResponse& response, int status, const std::string& body);

} // namespace jiffy::sluggo::server
