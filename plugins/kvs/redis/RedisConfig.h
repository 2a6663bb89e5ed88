// What the redis plugin reads from group_leader_kvs.redis, checked once at
// create() so that a bad value is reported by name before any traffic.
#pragma once

#include <jiffy/plugin.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace jiffy::redis {

/// Upper bound of the connection pool whatever max_active says: jiffyd's
/// request threads bound concurrent KVS calls far below this, and redigo's
/// 12000 would only let a burst exhaust the server's maxclients.
constexpr size_t kMaxPoolSize = 128;

struct RedisConfig {
    std::string address; ///< "host:port" as configured, used in every message
    std::string host;
    uint16_t port = 6379;
    std::string username; ///< ACL user (Redis 6+); empty = AUTH with the password only
    std::string password; ///< empty = no AUTH
    int64_t db = 0;       ///< SELECT this database after connecting (0 = leave the default)
    std::chrono::milliseconds connectTimeout{2000};
    std::chrono::milliseconds timeout{2000}; ///< per reply
    std::chrono::milliseconds poolWait{2000};
    size_t poolSize = 1;

    /// Reads and checks the options; throws jiffy::Error(JIFFY_INVALID) naming the key.
    static RedisConfig read(const jiffy::Host& host);
};


} // namespace jiffy::redis
