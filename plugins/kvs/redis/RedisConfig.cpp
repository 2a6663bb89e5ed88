#include "RedisConfig.h"

#include <HostPort.h>

#include <algorithm>

namespace jiffy::redis {

namespace {

std::chrono::milliseconds msOption(const jiffy::Host& host, const char* key)
{
    return std::chrono::milliseconds(host.optionInt(key, 1, 600000));
}

/// The pool never holds more connections than either jiffy limit allows:
/// max_active caps connections in use, and since every pooled connection
/// may sit idle, max_idle caps them too. 0 sets no cap (redigo's 0 idle
/// means "close after each use", which a pool of one would turn into
/// "one call at a time").
size_t poolSizeFor(int64_t maxIdle, int64_t maxActive)
{
    size_t size = kMaxPoolSize;
    if (maxActive > 0) size = std::min(size, static_cast<size_t>(maxActive));
    if (maxIdle > 0) size = std::min(size, static_cast<size_t>(maxIdle));
    return size;
}

} // namespace

RedisConfig RedisConfig::read(const jiffy::Host& host)
{
    RedisConfig c;
    std::string protocol = host.optionString("redis_protocol");
    if (protocol != "tcp")
        fail(JIFFY_INVALID, "redis_protocol: only \"tcp\" is supported, got \"" + protocol +
                                "\" (a unix socket path does not fit redis_address, which is host:port)");
    c.address = host.optionString("redis_address");
    {
        support::HostPort hp = support::splitHostPort("redis_address", c.address);
        c.host = hp.host;
        c.port = hp.port;
    }
    c.username = host.configString("username").value_or("");
    c.password = host.configString("password").value_or("");
    if (!c.username.empty() && c.password.empty())
        fail(JIFFY_INVALID, "username: is set but password is empty (AUTH needs both)");
    c.db = host.optionInt("db", 0, 1000000);
    c.connectTimeout = msOption(host, "connect_timeout_ms");
    c.timeout = msOption(host, "timeout_ms");
    c.poolWait = msOption(host, "pool_wait_ms");
    int64_t maxIdle = host.optionInt("max_idle", 0, INT32_MAX);
    int64_t maxActive = host.optionInt("max_active", 0, INT32_MAX);
    c.poolSize = poolSizeFor(maxIdle, maxActive);
    return c;
}

} // namespace jiffy::redis
