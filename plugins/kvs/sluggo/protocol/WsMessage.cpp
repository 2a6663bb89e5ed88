#include "protocol/WsMessage.h"

#include <Poco/Buffer.h>
#include <Poco/Net/NetException.h>

#include <climits>

namespace jiffy::sluggo {

namespace {

using WS = Poco::Net::WebSocket;

/// A message may come in fragments, interleaved with control frames; more
/// frames than this for one message is abuse, not a real peer.
constexpr int kMaxFramesPerMessage = 1024;

} // namespace

std::optional<WsMessage> receiveMessage(WS& ws, size_t maxBytes)
{
    // Poco refuses a frame whose header announces more than this before
    // reading or allocating its payload.
    ws.setMaxPayloadSize(maxBytes > static_cast<size_t>(INT_MAX) ? INT_MAX : static_cast<int>(maxBytes));
    WsMessage msg;
    bool started = false;
    for (int frames = 0; frames < kMaxFramesPerMessage; ++frames) {
        Poco::Buffer<char> frame(0);
        int flags = 0;
        int n = 0;
        try {
            n = ws.receiveFrame(frame, flags);
        } catch (const Poco::Net::WebSocketException& e) {
            bool big = e.code() == WS::WS_ERR_PAYLOAD_TOO_BIG;
            throw WsProtocolError(big ? "message over the " + std::to_string(maxBytes) + "-byte limit"
                                      : "malformed frame: " + e.displayText(),
                                  big);
        }
        if (n == 0 && flags == 0) {
            if (started) throw WsProtocolError("connection closed in the middle of a message");
            return std::nullopt;
        }
        int op = flags & WS::FRAME_OP_BITMASK;
        if (op == WS::FRAME_OP_PING) {
            ws.sendFrame(frame.begin(), n, WS::FRAME_FLAG_FIN | WS::FRAME_OP_PONG);
            continue;
        }
        if (op == WS::FRAME_OP_PONG) continue;
        if (op == WS::FRAME_OP_CLOSE) {
            if (started) throw WsProtocolError("close frame in the middle of a message");
            return std::nullopt;
        }
        if (op == WS::FRAME_OP_TEXT || op == WS::FRAME_OP_BINARY) {
            if (started) throw WsProtocolError("new message started before the previous one ended");
            started = true;
            msg.binary = op == WS::FRAME_OP_BINARY;
        } else if (op != WS::FRAME_OP_CONT || !started) {
            throw WsProtocolError("unexpected frame opcode " + std::to_string(op));
        }
        if (static_cast<size_t>(n) > maxBytes - msg.data.size())
            throw WsProtocolError("message over the " + std::to_string(maxBytes) + "-byte limit", true);
        msg.data.append(frame.begin(), static_cast<size_t>(n));
        if (flags & WS::FRAME_FLAG_FIN) return msg;
    }
    throw WsProtocolError("more than " + std::to_string(kMaxFramesPerMessage) + " frames for one message");
}

void sendMessage(WS& ws, std::string_view data, bool binary)
{
    if (data.size() > static_cast<size_t>(INT_MAX)) throw WsProtocolError("message too large to send", true);
    int flags = binary ? WS::FRAME_BINARY : WS::FRAME_TEXT;
    int sent = ws.sendFrame(data.data(), static_cast<int>(data.size()), flags);
    if (sent < static_cast<int>(data.size()))
        throw Poco::IOException("short write: " + std::to_string(sent) + " of " + std::to_string(data.size()) +
                                " bytes");
}

} // namespace jiffy::sluggo
