// What the memcached plugin reads from group_leader_kvs.memcached, checked
// once at create() so that a bad value is reported by name.
#pragma once

#include <jiffy/plugin.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace jiffy::memcache {

struct ServerAddress {
    std::string text; ///< as configured
    std::string host;
    uint16_t port = 11211;
};

struct MemcachedConfig {
    std::vector<ServerAddress> servers;
    std::chrono::milliseconds connectTimeout{1000};
    std::chrono::milliseconds timeout{1000}; ///< per reply (poll and socket timeouts)
    std::chrono::milliseconds poolWait{2000};
    int64_t retryTimeoutS = 1; ///< a server seen down is not tried again for this long
    size_t poolSize = 16;

    /// "a:1, b:2" for messages.
    std::string describe() const;
    /// Reads and checks the options; throws jiffy::Error(JIFFY_INVALID) naming the key.
    static MemcachedConfig read(const jiffy::Host& host);
};

} // namespace jiffy::memcache
