// The Go sluggo protocol as a client: one WebSocket connection per request,
// one gob Article sent as a text frame (as Go's x/net does), one reply read.
// Works against Go sluggo and against jiffy-sluggo in any mode.
#pragma once

#include "client/WsConnector.h"

#include <optional>
#include <string>
#include <string_view>

namespace jiffy::sluggo {

class GoClient {
public:
    explicit GoClient(const WsConnector& connector) : connector_(connector) {}

    /// The stored value, or nullopt when the key is absent. Presence is the
    /// reply's Key matching ours (a miss returns the zero Article), so an
    /// empty value is told apart from a missing key.
    std::optional<std::string> get(std::string_view key) const;
    /// Stores Article{Key, Op "AU", Valid true, Value} exactly as Go's
    /// wscl.AddUpdCacheEntry does.
    void set(std::string_view key, std::string_view value) const;
    /// Deletes (the server answers "true" whether or not the key existed).
    void remove(std::string_view key) const;
    /// /isalive answers "true".
    void isAlive() const;

private:
    /// Sends `request` (nothing when null) on a new connection to `path` and
    /// returns the one reply.
    std::string exchange(std::string_view path, const std::string* request, const std::string& during) const;
    /// Throws unless `reply` is "true".
    void expectTrue(const std::string& reply, size_t requestSize, const std::string& during) const;

    const WsConnector& connector_;
};

} // namespace jiffy::sluggo
