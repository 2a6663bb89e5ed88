// The sluggo wire protocol in one place: Go sluggo's paths and replies, and
// our extension, which a Go client never sees.
//
// Go protocol (github.com/1414C/sluggo, golang.org/x/net/websocket):
//   - a new WebSocket connection per request; the handshake must carry an
//     Origin header (x/net refuses a missing one with 403);
//   - the client writes ONE message, a gob Article, as a text frame (x/net's
//     Conn.Write uses PayloadType TextFrame although gob is binary);
//   - /set, /delete, /flush answer the text "true" (or "false" when the
//     message could not be read or decoded); /get answers a gob Article;
//     /isalive answers "true" without reading anything.
//
// Extension (jiffy-sluggo only): path /x/v1, gob ExtRequest -> ExtReply in
// binary frames, many exchanges per connection. A Go sluggo answers the
// handshake with 404, which is how a client learns it has none.
#pragma once

#include <cstddef>
#include <string_view>

namespace jiffy::sluggo {

inline constexpr std::string_view kPathSet = "/set";
inline constexpr std::string_view kPathGet = "/get";
inline constexpr std::string_view kPathDelete = "/delete";
inline constexpr std::string_view kPathFlush = "/flush";
inline constexpr std::string_view kPathIsAlive = "/isalive";
inline constexpr std::string_view kPathExtension = "/x/v1";

inline constexpr std::string_view kReplyTrue = "true";
inline constexpr std::string_view kReplyFalse = "false";

/// The Origin sluggo's Go client sends.
inline constexpr std::string_view kDefaultOrigin = "http://localhost/";

/// Go sluggo reads a request with one 1024-byte Read: a longer message is
/// cut and fails to decode ("false"). Our server takes more; a client talking
/// to an unknown server uses this to explain a refusal.
inline constexpr size_t kGoReadBuffer = 1024;

/// Extension version announced by HELLO.
inline constexpr int kExtensionVersion = 1;

} // namespace jiffy::sluggo
