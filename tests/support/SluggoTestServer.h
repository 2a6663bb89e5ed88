// jiffy-sluggo for tests: a TcpServer running build/bin/jiffy-sluggo on a
// free loopback port, and a raw WebSocket client that talks exactly like
// Go's sluggo client (new connection, Origin, one text frame, one reply).
#pragma once

#include "support/TestServers.h"

#include <Poco/Net/WebSocket.h>

#include <memory>
#include <string>
#include <vector>

namespace jiffy::test {

/// Path of the server binary under test.
std::string sluggoBinary();

class SluggoTestServer : public TcpServer {
public:
    /// `extraArgs` follow "-a 127.0.0.1:<port>"; "{dir}" in them becomes the
    /// server's temp directory (e.g. "--snapshot", "{dir}/store.snap").
    explicit SluggoTestServer(std::vector<std::string> extraArgs = {});
    /// Arguments for the next start() (e.g. restart with --no-extensions).
    void setExtraArgs(std::vector<std::string> extraArgs) { *extra_ = std::move(extraArgs); }
    /// Kills the server with SIGKILL: no shutdown code runs.
    void kill();
    /// {"sluggo_address": ..., "timeout_ms": ...} for the plugin.
    std::string pluginConfig(int timeoutMs = 2000) const;

private:
    std::shared_ptr<std::vector<std::string>> extra_;
};

struct WsReply {
    bool received = false; ///< false: the server closed without a reply
    std::string data;
    int opcode = 0; ///< Poco::Net::WebSocket::FRAME_OP_*
};

/// A WebSocket on ws://127.0.0.1:port<path> with Origin http://localhost/.
std::unique_ptr<Poco::Net::WebSocket> openWs(uint16_t port, const std::string& path,
                                             const std::string& origin = "http://localhost/");
/// Sends `message` (if any) as one text frame, as Go's x/net does, and reads the one reply.
WsReply goExchange(uint16_t port, const std::string& path, const std::string* message);
/// One request/reply on an open connection; `binary` picks the frame type.
WsReply exchangeOn(Poco::Net::WebSocket& ws, const std::string& message, bool binary);
/// Sends raw bytes on a new TCP connection and returns what comes back until
/// the server closes (at most `limit` bytes, `timeoutMs` overall).
std::string rawTcp(uint16_t port, const std::string& bytes, size_t limit = 4096, int timeoutMs = 3000);

} // namespace jiffy::test
