// The plugin's config keys, read once at create() and checked.
#pragma once

#include <jiffy/plugin.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace jiffy::sluggo {

/// The options as read; their defaults are the option table's (SluggoPlugin.cpp).
struct ClientConfig {
    std::string address; ///< sluggo_address as given
    std::string host;
    uint16_t port = 0;
    std::string origin;
    std::chrono::milliseconds timeout{0};
    size_t connections = 0;
};

/// Reads the plugin's config through the host; throws jiffy::Error
/// (JIFFY_INVALID) naming the key and the bad value.
ClientConfig readConfig(const jiffy::Host& host);

} // namespace jiffy::sluggo
