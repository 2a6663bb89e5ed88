#include "client/SluggoConfig.h"

#include <HostPort.h>

namespace jiffy::sluggo {

ClientConfig readConfig(const jiffy::Host& host)
{
    ClientConfig c;
    c.address = host.configString("sluggo_address").value_or(c.address);
    support::HostPort hp = support::splitHostPort("sluggo_address", c.address);
    c.host = hp.host;
    c.port = hp.port;
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
