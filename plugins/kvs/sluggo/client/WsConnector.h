// Opens WebSocket connections to the configured sluggo and turns every
// failure into a jiffy::Error that names the address and the cause:
// JIFFY_TIMEOUT when the server did not answer in time, JIFFY_UNAVAILABLE
// when it cannot be reached. A handshake the server answers with an HTTP
// status (404: no such path) is reported as HandshakeRefused instead, so
// the caller can tell "no extensions here" from "server down".
#pragma once

#include "client/SluggoConfig.h"

#include <Poco/Net/WebSocket.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace jiffy::sluggo {

class HandshakeRefused : public std::runtime_error {
public:
    HandshakeRefused(int status, const std::string& what) : std::runtime_error(what), status_(status) {}
    int status() const { return status_; }

private:
    int status_;
};

class WsConnector {
public:
    explicit WsConnector(const ClientConfig& config) : config_(config) {}

    /// A connected WebSocket on `path` with send/receive timeouts set.
    std::unique_ptr<Poco::Net::WebSocket> open(std::string_view path) const;

    /// Maps the exception being handled (call inside a catch block) to a
    /// jiffy::Error about `during`, e.g. "get of a key".
    [[noreturn]] void rethrow(const std::string& during) const;

    const ClientConfig& config() const { return config_; }

private:
    const ClientConfig& config_;
};

} // namespace jiffy::sluggo
