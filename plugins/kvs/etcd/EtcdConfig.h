// What the etcd plugin reads from group_leader_kvs.etcd, checked once at
// create() so that a bad value is reported by name before any traffic.
#pragma once

#include <jiffy/plugin.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace jiffy::etcd {

struct Endpoint {
    std::string text; ///< "host:port" as configured, used in every message
    std::string host;
    uint16_t port = 0;
};

struct EtcdConfig {
    std::vector<Endpoint> endpoints; ///< tried in turn, starting with the last one that answered
    std::string prefix = "jiffy/";   ///< prepended to every key
    std::string user;                ///< empty = no etcd authentication
    std::string password;
    bool tls = false; ///< https; on when `tls` is true or any of the files below is set
    std::string caFile, certFile, keyFile;
    std::chrono::milliseconds connectTimeout{1000};
    std::chrono::milliseconds timeout{3000}; ///< per request, sending and reading the reply
    size_t idlePerEndpoint = 16;             ///< kept-alive connections per endpoint

    /// Reads and checks the options; throws jiffy::Error(JIFFY_INVALID) naming the key.
    static EtcdConfig read(const jiffy::Host& host);
    /// "a:1, b:2" for messages.
    std::string describe() const;
};

} // namespace jiffy::etcd
