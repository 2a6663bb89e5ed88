// The validated configuration of one jiffyd process: jiffy's keys, unchanged
// in meaning, plus our own (plugins_dir, routes, http). Built only by
// ConfigLoader; read-only afterwards, so the request path never parses config.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace jiffy::host {

/// "host:port" split into parts.
struct Address {
    std::string host;
    uint16_t port = 0;
    std::string text() const
    {
        return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
    }
};

/// jiffy's `database` object; `raw` (defaults of the plugin not yet applied)
/// is what the DB plugin receives.
struct DatabaseConfig {
    std::string dialect; ///< db_dialect: "sqlite", "postgres" or "mysql" (aliases already mapped)
    std::string plugin;  ///< ours: plugin name or file; default = dialect
    Poco::JSON::Object::Ptr raw;
};

/// The active entry of `group_leader_kvs`.
struct KvsConfig {
    std::string entry;  ///< key under group_leader_kvs, e.g. "local_standalone"
    std::string plugin; ///< plugin name ("standalone", "redis", ...) or a file path
    Poco::JSON::Object::Ptr raw;
};

/// One entry of our `routes` array: a route plugin and its options.
struct RoutePluginConfig {
    std::string plugin; ///< plugin name or file path
    std::string path;   ///< JSON path of the entry, e.g. "routes[1]"
    Poco::JSON::Object::Ptr raw;
};

/// jiffy's `logging` object (its lw switches, each type on its own) plus
/// ours (format, output, rotation, request log, repeat limiting).
struct LoggingConfig {
    // jiffy's keys, as lw means them
    bool active = true;        ///< false: nothing but fatal messages
    bool callLocation = false; ///< file:line on info and warning (always on error/debug/trace)
    bool colorMsgTypes = true; ///< coloured type labels (ours: only when the output is a terminal)
    bool infoMsgs = true;
    bool warningMsgs = true;
    bool errorMsgs = true;
    bool debugMsgs = false;
    bool traceMsgs = false;
    // ours
    std::string format = "text";    ///< "text" or "json" (one JSON object a line)
    std::string output = "stderr";  ///< "stderr" or a file path (rotated)
    int64_t rotateBytes = 10 << 20; ///< rotate the file when it exceeds this size
    int keep = 5;                   ///< rotated files kept besides the current one
    bool requests = true;           ///< one line per request (jiffyd.request)
    double requestSample = 1.0;     ///< share of 1xx-3xx requests logged (4xx/5xx: all, rate-limited)
    int repeatBurst = 10;           ///< similar warnings/errors passed per window, then suppressed
    int repeatIntervalS = 60;       ///< the window
};

/// Our `http` object: limits of the HTTP server.
struct HttpConfig {
    int64_t maxBodyBytes = 1 << 20; ///< larger bodies answer 413
    int maxThreads = 32;            ///< worker threads
    int maxQueued = 512;            ///< accepted connections waiting for a thread
    bool keepAlive = true;
    int keepAliveTimeoutS = 10;
    int drainTimeoutMs = 10000;       ///< how long SIGTERM waits for in-flight requests
    int maxConnectionsPerClient = 16; ///< open connections one client address may hold; 0 = no limit
    int requestHeadTimeoutMs = 10000; ///< time to a complete request head; 0 = no limit
};

/// Our `auth` object: users, passwords, tokens and login throttling.
struct AuthConfig {
    bool enabled = true;                         ///< false: every route is open (a loud warning at start)
    bool openRegistration = true;                ///< POST /usr without a token (jiffy's), limited as below
    std::vector<std::string> registrationGroups; ///< the only groups a self-registered user may join ("Super" never)
    bool registrationActive = false;     ///< self-registered users are active at once (else an admin activates them)
    std::string adminPassword;           ///< admin's first password (auth.admin_password or admin_password_file)
    std::string passwordHash = "bcrypt"; ///< "bcrypt" or "argon2id" for new hashes
    int bcryptCost = 12;                 ///< 10-16
    int argon2TimeCost = 2;              ///< OWASP: t=2, m=19 MiB, p=1
    int argon2MemoryKiB = 19456;
    int argon2Parallelism = 1;
    int loginMaxFailures = 5;            ///< failed logins per email before a lockout
    int loginMaxFailuresPerAddress = 30; ///< failed logins per client address before a lockout
    int loginWindowS = 300;              ///< failures older than this are forgotten
    int loginLockoutS = 300;             ///< how long a lockout lasts (429 with Retry-After)
    int tokenLeewayS = 30;               ///< clock skew accepted on exp/nbf/iat
    int tokenCacheSize = 10000;          ///< verified tokens kept (by their bytes) until they expire
    int cacheRefreshS =
        60; ///< reload users and grants this often: the safety net under the cluster bus's invalidations
};

/// One entry of jiffy's `service_activations`.
struct ServiceActivation {
    std::string serviceName;
    bool serviceActive = false;
};

/// Everything jiffyd reads from its config file.
struct Config {
    std::string sourceFile; ///< file it came from ("" = built-in defaults)
    std::string baseDir;    ///< directory relative paths are resolved against
    std::string dataDir;    ///< what ${JIFFY_DATA_DIR} expanded to ("" if unused); created at start

    Address externalAddress{"127.0.0.1", 8080};
    Address internalAddress{"127.0.0.1", 7070};
    std::string env = "def";
    uint32_t pingCycle = 1;
    uint64_t failureThreshold = 5;
    std::string pepper = "secret-pepper-key"; ///< jiffy's sample value when absent; refused in env "prod"
    std::string hmacKey;                      ///< hmac_Key (or hmac_Key_file): the cluster's shared secret

    DatabaseConfig database;
    KvsConfig kvs;
    LoggingConfig logging;
    HttpConfig http;
    AuthConfig auth;

    std::string certFile, keyFile;
    std::map<std::string, std::string> jwtKeyFiles; ///< e.g. "ecdsa384_priv_key_file" -> path
    std::string jwtSignMethod = "ES384";
    uint32_t jwtLifetimeMinutes = 120;
    std::vector<ServiceActivation> serviceActivations;

    std::string pluginsDir; ///< ours: first place to look for plugins
    std::vector<RoutePluginConfig> routes;

    Poco::JSON::Object::Ptr root;      ///< the whole file after ${VAR} expansion
    std::vector<std::string> warnings; ///< non-fatal findings (unknown keys, ...)

    /// True when `name` is listed active in service_activations.
    bool serviceActive(const std::string& name) const;
    /// `path` made absolute against baseDir.
    std::string resolvePath(const std::string& path) const;
};

} // namespace jiffy::host
