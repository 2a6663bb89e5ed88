// The MySQL / MariaDB DB plugin: a bounded pool of MysqlConnection behind jiffy_db_vtable.
#include "MysqlConnection.h"

#include <SqlDatabase.h>

#include <jiffy/db.hpp>

#include <memory>
#include <mutex>

namespace {

using jiffy::mysql::ConnectionSettings;
using jiffy::mysql::MysqlConnection;

const jiffy_option kOptions[] = {
    jiffy::option("host", JIFFY_OPT_STRING, false, "\"localhost\"",
                  "server host name or address, over TCP (jiffy's key)"),
    jiffy::option("port", JIFFY_OPT_INT, false, "3306", "server port (jiffy's key)"),
    jiffy::option("usr", JIFFY_OPT_STRING, true, nullptr, "user name (jiffy's key)"),
    jiffy::option("password", JIFFY_OPT_STRING, false, "\"\"", "password; empty = none (jiffy's key; never logged)"),
    jiffy::option("name", JIFFY_OPT_STRING, true, nullptr, "database name (jiffy's key)"),
    jiffy::option("ormLogActive", JIFFY_OPT_BOOL, false, "false", "log every statement (jiffy's key)"),
    jiffy::option("socket", JIFFY_OPT_PATH, false, nullptr, "Unix socket file; when set, host and port are unused"),
    jiffy::option("pool_size", JIFFY_OPT_INT, false, "10", "connections kept open at most (1-256)"),
    jiffy::option("pool_wait_ms", JIFFY_OPT_INT, false, "5000",
                  "how long a request waits for a free connection before JIFFY_TIMEOUT"),
    jiffy::option("connect_timeout_s", JIFFY_OPT_INT, false, "5",
                  "seconds opening a connection may take before JIFFY_UNAVAILABLE"),
    jiffy::option("read_timeout_s", JIFFY_OPT_INT, false, "60",
                  "seconds to wait for an answer before JIFFY_TIMEOUT; must exceed statement_timeout_ms"),
    jiffy::option("write_timeout_s", JIFFY_OPT_INT, false, "60", "seconds a send may block before JIFFY_UNAVAILABLE"),
    jiffy::option("statement_timeout_ms", JIFFY_OPT_INT, false, "30000",
                  "server-side limit per statement (JIFFY_TIMEOUT); 0 = the server's own setting"),
    jiffy::option("read_only", JIFFY_OPT_BOOL, false, "false",
                  "every transaction read-only (jiffyd --check-config uses it)"),
    jiffy::option("statement_cache", JIFFY_OPT_INT, false, "128", "prepared statements kept per connection"),
    jiffy::option("ssl_mode", JIFFY_OPT_STRING, false, "\"disable\"",
                  "disable (jiffy's choice), require (TLS) or verify-full (TLS, certificate and host name checked)"),
    jiffy::option("ssl_ca", JIFFY_OPT_PATH, false, nullptr,
                  "CA certificate file for verify-full; default: the system's"),
};

// No RETURNING: MySQL has none and MariaDB only for INSERT and DELETE, so
// callers read last_insert_id (same connection) instead. DDL commits
// implicitly. VARCHAR(255) as jiffy (sqac) declares strings on MySQL: it
// can carry UNIQUE, indexes and keys, which TEXT cannot without a length.
const jiffy_db_dialect kDialect = {
    sizeof(jiffy_db_dialect),
    "mysql",
    JIFFY_PLACEHOLDER_QUESTION,
    JIFFY_DB_ADD_COLUMN,
    "BIGINT",
    "DOUBLE",
    "VARCHAR(255)",
    "BOOLEAN",
    "LONGBLOB",
    "DATETIME",
    "BIGINT AUTO_INCREMENT PRIMARY KEY",
};

/// Holds the client library initialised while any instance lives:
/// mysql_init() is not thread-safe before mysql_library_init(), and the
/// library's global state is freed with the last instance (the plugin may
/// be unloaded and loaded again).
class LibraryUse {
public:
    LibraryUse()
    {
        std::lock_guard<std::mutex> lock(mutex());
        if (users() == 0 && mysql_library_init(0, nullptr, nullptr))
            jiffy::fail(JIFFY_INTERNAL, "mysql: cannot initialise the client library");
        ++users();
    }
    ~LibraryUse()
    {
        std::lock_guard<std::mutex> lock(mutex());
        if (--users() == 0) mysql_library_end();
    }
    LibraryUse(const LibraryUse&) = delete;
    LibraryUse& operator=(const LibraryUse&) = delete;

private:
    static std::mutex& mutex()
    {
        static std::mutex m;
        return m;
    }
    static int& users()
    {
        static int n = 0;
        return n;
    }
};

// LibraryUse first: it outlives every connection of the pool.
class MysqlDatabase : private LibraryUse, public jiffy::support::PooledSqlDatabase {
public:
    MysqlDatabase(const jiffy::Host& host, std::string_view)
        : PooledSqlDatabase(host, "mysql", host.optionBool("ormLogActive"))
    {
        auto s = std::make_shared<ConnectionSettings>();
        s->host = host.optionString("host");
        s->port = static_cast<int>(host.optionInt("port", 1, 65535));
        s->socket = host.configString("socket").value_or("");
        s->user = host.optionString("usr");
        s->password = host.optionString("password");
        s->database = host.optionString("name");
        s->sslMode = host.optionString("ssl_mode");
        if (s->sslMode != "disable" && s->sslMode != "require" && s->sslMode != "verify-full")
            jiffy::fail(JIFFY_INVALID,
                        "ssl_mode: expected disable, require or verify-full, got \"" + s->sslMode + "\"");
        s->sslCa = host.configString("ssl_ca").value_or("");
        s->connectTimeoutS = static_cast<int>(host.optionInt("connect_timeout_s", 1, 3600));
        s->readTimeoutS = static_cast<int>(host.optionInt("read_timeout_s", 1, 86400));
        s->writeTimeoutS = static_cast<int>(host.optionInt("write_timeout_s", 1, 86400));
        s->statementTimeoutMs = static_cast<int>(host.optionInt("statement_timeout_ms", 0, 86400000));
        if (s->statementTimeoutMs > 0 && s->readTimeoutS * 1000LL <= s->statementTimeoutMs)
            jiffy::fail(JIFFY_INVALID, "read_timeout_s: must exceed statement_timeout_ms (" +
                                           std::to_string(s->statementTimeoutMs) +
                                           " ms) so the server's own limit "
                                           "answers first, got " +
                                           std::to_string(s->readTimeoutS) + " s");
        s->statementCache = static_cast<size_t>(host.optionInt("statement_cache", 1, 10000));
        s->readOnly = host.optionBool("read_only");
        s->logger = &host_;
        const auto poolSize = static_cast<size_t>(host.optionInt("pool_size", 1, 256));
        const auto poolWait = std::chrono::milliseconds(host.optionInt("pool_wait_ms", 0, 600000));
        openPool([s] { return std::make_unique<MysqlConnection>(s); }, poolSize, poolWait, s->where());

        // Open one connection now, so a wrong address, user, password or
        // database stops the start with the server's own reason.
        std::string version, charset;
        {
            Lease probe(*this);
            version = probe->serverVersion();
            charset = static_cast<MysqlConnection*>(probe.get())->databaseCharset();
        }
        if (charset != "utf8mb4")
            host.warning("mysql: database \"" + s->database + "\" has default character set " + charset +
                         ": new tables get it too; utf8mb4 stores all of Unicode (ALTER DATABASE ... CHARACTER SET "
                         "utf8mb4)");
        host.info("MySQL " + version + " at " + s->where() + ", pool " + std::to_string(poolSize) + ", ssl_mode " +
                  s->sslMode + ", statement timeout " +
                  (s->statementTimeoutMs ? std::to_string(s->statementTimeoutMs) + " ms" : std::string("from server")));
    }

    jiffy_db_dialect dialect() override { return kDialect; }
};

} // namespace

JIFFY_DB_PLUGIN(MysqlDatabase, "mysql", "1.0.0", JIFFY_CAP_THREAD_SAFE | JIFFY_CAP_TRANSACTIONS | JIFFY_CAP_PERSISTENT,
                kOptions)
