// Reading and writing whole WebSocket messages with Poco, bounded: one data
// message may arrive in several frames (we reassemble, RFC 6455 §5.4), pings
// are answered, and nothing larger than the caller's limit is accepted or
// allocated. Shared by the client plugin and the server.
#pragma once

#include <Poco/Net/WebSocket.h>

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace jiffy::sluggo {

/// A broken or oversized message (not a network failure: those stay Poco
/// exceptions so callers can tell "peer is gone" from "peer misbehaved").
class WsProtocolError : public std::runtime_error {
public:
    WsProtocolError(const std::string& what, bool tooLarge = false) : std::runtime_error(what), tooLarge_(tooLarge) {}
    bool tooLarge() const { return tooLarge_; }

private:
    bool tooLarge_;
};

struct WsMessage {
    std::string data;
    bool binary = false; ///< false: text frame (what Go's x/net sends)
};

/// Reads one data message of at most `maxBytes`. Returns nullopt when the
/// peer closed (close frame or end of stream) before a message began.
/// Throws WsProtocolError for a malformed or oversized message, and Poco
/// exceptions (TimeoutException, NetException) for network failures.
std::optional<WsMessage> receiveMessage(Poco::Net::WebSocket& ws, size_t maxBytes);

/// Sends `data` as one final text or binary frame; throws on a short write.
void sendMessage(Poco::Net::WebSocket& ws, std::string_view data, bool binary);

} // namespace jiffy::sluggo
