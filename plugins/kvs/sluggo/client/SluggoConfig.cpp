#include "client/SluggoConfig.h"

#include <HostPort.h>

namespace jiffy::sluggo {

ClientConfig readConfig(const jiffy::Host& host)
{
    ClientConfig c;
    c.address = host.optionString("sluggo_address");
    support::HostPort hp = support::splitHostPort("sluggo_address", c.address);
    c.host = hp.host;
    c.port = hp.port;
    c.origin = host.optionString("origin");
    if (c.origin.empty())
        fail(JIFFY_INVALID, "origin: must not be empty (Go's websocket server refuses a missing Origin)");
    c.timeout = std::chrono::milliseconds(host.optionInt("timeout_ms", 1, 600000));
    c.connections = static_cast<size_t>(host.optionInt("connections", 1, 64));
    return c;
}

} // namespace jiffy::sluggo
