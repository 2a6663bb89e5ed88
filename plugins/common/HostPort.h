// "host:port" / "[v6]:port" split into parts, for plugins whose config
// names a server. The host has checked the form already (JIFFY_OPT_ADDRESS);
// this refuses whatever slips through, naming the config key.
#pragma once

#include <jiffy/plugin.hpp>

#include <cstdint>
#include <string>

namespace jiffy::support {

struct HostPort {
    std::string host;
    uint16_t port = 0;
};

/// Splits `text`; throws jiffy::Error(JIFFY_INVALID) naming `key` when malformed.
inline HostPort splitHostPort(const std::string& key, const std::string& text)
{
    HostPort out;
    std::string portText;
    if (!text.empty() && text[0] == '[') {
        size_t close = text.find(']');
        if (close != std::string::npos && close + 1 < text.size() && text[close + 1] == ':') {
            out.host = text.substr(1, close - 1);
            portText = text.substr(close + 2);
        }
    } else {
        size_t colon = text.rfind(':');
        if (colon != std::string::npos && text.find(':') == colon) {
            out.host = text.substr(0, colon);
            portText = text.substr(colon + 1);
        }
    }
    unsigned long p = 0;
    if (!portText.empty() && portText.size() <= 5 && portText.find_first_not_of("0123456789") == std::string::npos)
        p = std::stoul(portText);
    if (out.host.empty() || p == 0 || p > 65535)
        fail(JIFFY_INVALID, key + ": expected \"host:port\", got \"" + text + "\"");
    out.port = static_cast<uint16_t>(p);
    return out;
}

} // namespace jiffy::support
