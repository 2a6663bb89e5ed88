// The host's side of the opaque handles in abi.h: what a plugin instance's
// `jiffy_host*` points to and a transaction handle (the request/response a
// route plugin reads and writes live with the HTTP layer, http/Exchange.h).
// The host API functions (HostApi.cpp) are the only code that casts these back.
#pragma once

#include "http/Exchange.h"

#include <jiffy/abi.h>

#include <Poco/JSON/Object.h>
#include <Poco/Logger.h>

#include <string>

namespace jiffy::host {

struct Config;
class DbInstance;
class KvsInstance;
class CacheBus;
class MetricsRegistry;
class ClusterState;

/// The shared services the host API reaches. Filled as instances start:
/// the DB first, then the KVS, so a route plugin finds both.
struct HostServices {
    const Config* config = nullptr;
    DbInstance* db = nullptr;
    KvsInstance* kvs = nullptr;
    CacheBus* cache = nullptr;
    MetricsRegistry* metrics = nullptr;
    const ClusterState* cluster = nullptr; ///< null: no cluster (term 0, never leader)
};

} // namespace jiffy::host

/// One plugin instance as the host sees it (opaque to plugins).
struct jiffy_host {
    jiffy::host::HostServices* services = nullptr;
    std::string label; ///< "kvs/redis", "routes/models", for logs
    Poco::Logger* logger = nullptr;
    Poco::JSON::Object::Ptr config; ///< the plugin's config, defaults applied
};

/// A transaction opened through jiffy_host_api.db_begin.
struct jiffy_txn {
    jiffy::host::DbInstance* db = nullptr;
    jiffy_db_conn* conn = nullptr;
};
