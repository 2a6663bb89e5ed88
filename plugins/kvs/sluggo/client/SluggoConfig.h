// The plugin's config keys, read once at create() and checked.
#pragma once

#include <jiffy/plugin.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace jiffy::sluggo {

struct ClientConfig {
    std::string address = "127.0.0.1:4444"; ///< sluggo_address as given
    std::string host = "127.0.0.1";
    uint16_t port = 4444;
    std::string origin = "http://localhost/";
    std::chrono::milliseconds timeout{3000};
    size_t connections = 2;
};

/// Reads the plugin's config through the host; throws jiffy::Error
/// (JIFFY_INVALID) naming the key and the bad value.
ClientConfig readConfig(const jiffy::Host& host);

} // namespace jiffy::sluggo
