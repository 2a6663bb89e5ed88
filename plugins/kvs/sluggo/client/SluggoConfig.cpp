#include "client/SluggoConfig.h"

namespace jiffy::sluggo {

void splitAddress(const std::string& address, std::string& host, uint16_t& port)
{
    size_t colon = address.rfind(':');
    std::string portText = colon == std::string::npos ? "" : address.substr(colon + 1);
    unsigned long p = 0;
    bool digits =
        !portText.empty() && portText.size() <= 5 && portText.find_first_not_of("0123456789") == std::string::npos;
    if (digits) p = std::stoul(portText);
    host = colon == std::string::npos ? "" : address.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (!digits || p == 0 || p > 65535 || host.empty())
        fail(JIFFY_INVALID, "sluggo_address: expected \"host:port\", got \"" + address + "\"");
    port = static_cast<uint16_t>(p);
}

ClientConfig readConfig(const jiffy::Host& host)
{
    ClientConfig c;
    c.address = host.configString("sluggo_address").value_or(c.address);
    splitAddress(c.address, c.host, c.port);
    c.origin = host.configString("origin").value_or(c.origin);
    if (c.origin.empty())
        fail(JIFFY_INVALID, "origin: must not be empty (Go's websocket server refuses a missing Origin)");
    int64_t timeout = host.configInt("timeout_ms", c.timeout.count());
    if (timeout < 1 || timeout > 600000)
        fail(JIFFY_INVALID, "timeout_ms: expected 1 to 600000, got " + std::to_string(timeout));
    c.timeout = std::chrono::milliseconds(timeout);
    int64_t connections = host.configInt("connections", static_cast<int64_t>(c.connections));
    if (connections < 1 || connections > 64)
        fail(JIFFY_INVALID, "connections: expected 1 to 64, got " + std::to_string(connections));
    c.connections = static_cast<size_t>(connections);
    return c;
}

} // namespace jiffy::sluggo
