// The PostgreSQL DB plugin: a bounded pool of PgConnection behind jiffy_db_vtable.
#include "PgConnection.h"

#include <SqlDatabase.h>

#include <jiffy/db.hpp>

#include <memory>

namespace {

using jiffy::postgres::ConnectionSettings;
using jiffy::postgres::PgConnection;

const jiffy_option kOptions[] = {
    jiffy::option("host", JIFFY_OPT_STRING, false, "\"localhost\"", "server host name or address (jiffy's key)"),
    jiffy::option("port", JIFFY_OPT_INT, false, "5432", "server port (jiffy's key)"),
    jiffy::option("usr", JIFFY_OPT_STRING, true, nullptr, "user name (jiffy's key)"),
    jiffy::option("password", JIFFY_OPT_STRING, false, "\"\"", "password; empty = none (jiffy's key; never logged)"),
    jiffy::option("name", JIFFY_OPT_STRING, true, nullptr, "database name (jiffy's key)"),
    jiffy::option("ormLogActive", JIFFY_OPT_BOOL, false, "false", "log every statement (jiffy's key)"),
    jiffy::option("pool_size", JIFFY_OPT_INT, false, "10", "connections kept open at most (1-256)"),
    jiffy::option("pool_wait_ms", JIFFY_OPT_INT, false, "5000",
                  "how long a request waits for a free connection before JIFFY_TIMEOUT"),
    jiffy::option("connect_timeout_ms", JIFFY_OPT_INT, false, "5000",
                  "how long opening a connection may take before JIFFY_UNAVAILABLE"),
    jiffy::option("statement_timeout_ms", JIFFY_OPT_INT, false, "30000",
                  "server-side limit per statement (JIFFY_TIMEOUT); 0 = the server's own setting"),
    jiffy::option("sslmode", JIFFY_OPT_STRING, false, "\"disable\"",
                  "disable (jiffy's choice), allow, prefer, require, verify-ca or verify-full"),
    jiffy::option("sslrootcert", JIFFY_OPT_PATH, false, nullptr, "CA certificate file for verify-ca / verify-full"),
    jiffy::option("read_only", JIFFY_OPT_BOOL, false, "false",
                  "every transaction read-only (jiffyd --check-config uses it)"),
    jiffy::option("statement_cache", JIFFY_OPT_INT, false, "128", "prepared statements kept per connection"),
};

const jiffy_db_dialect kDialect = {
    sizeof(jiffy_db_dialect),
    "postgres",
    JIFFY_PLACEHOLDER_DOLLAR,
    JIFFY_DB_RETURNING | JIFFY_DB_ADD_COLUMN | JIFFY_DB_TRANSACTIONAL_DDL,
    "BIGINT",
    "DOUBLE PRECISION",
    "TEXT",
    "BOOLEAN",
    "BYTEA",
    "TIMESTAMPTZ",
    "BIGSERIAL PRIMARY KEY",
};

class PostgresDatabase : public jiffy::support::PooledSqlDatabase {
public:
    PostgresDatabase(const jiffy::Host& host, std::string_view)
        : PooledSqlDatabase(host, "postgres", host.optionBool("ormLogActive"))
    {
        auto s = std::make_shared<ConnectionSettings>();
        s->host = host.optionString("host");
        s->port = static_cast<int>(host.optionInt("port", 1, 65535));
        s->user = host.optionString("usr");
        s->password = host.optionString("password");
        s->database = host.optionString("name");
        s->sslmode = host.optionString("sslmode");
        if (s->sslmode != "disable" && s->sslmode != "allow" && s->sslmode != "prefer" && s->sslmode != "require" &&
            s->sslmode != "verify-ca" && s->sslmode != "verify-full")
            jiffy::fail(JIFFY_INVALID, "sslmode: expected disable, allow, prefer, require, verify-ca or verify-full, "
                                       "got \"" +
                                           s->sslmode + "\"");
        s->sslrootcert = host.configString("sslrootcert").value_or("");
        s->connectTimeoutMs = static_cast<int>(host.optionInt("connect_timeout_ms", 100, 600000));
        s->statementTimeoutMs = static_cast<int>(host.optionInt("statement_timeout_ms", 0, 86400000));
        s->statementCache = static_cast<size_t>(host.optionInt("statement_cache", 1, 10000));
        s->readOnly = host.optionBool("read_only");
        s->logger = &host_;
        const auto poolSize = static_cast<size_t>(host.optionInt("pool_size", 1, 256));
        const auto poolWait = std::chrono::milliseconds(host.optionInt("pool_wait_ms", 0, 600000));
        openPool([s] { return std::make_unique<PgConnection>(s); }, poolSize, poolWait, s->where());
        reportPoolMetrics();

        // Open one connection now, so a wrong address, user, password or
        // database stops the start with the server's own reason.
        std::string version = Lease(*this)->serverVersion();
        host.info("PostgreSQL " + version + " at " + s->where() + ", pool " + std::to_string(poolSize) + ", sslmode " +
                  s->sslmode + ", statement timeout " +
                  (s->statementTimeoutMs ? std::to_string(s->statementTimeoutMs) + " ms" : std::string("from server")));
    }

    jiffy_db_dialect dialect() override { return kDialect; }
};

} // namespace

JIFFY_DB_PLUGIN(PostgresDatabase, "postgres", "1.0.0",
                JIFFY_CAP_THREAD_SAFE | JIFFY_CAP_TRANSACTIONS | JIFFY_CAP_PERSISTENT, kOptions)
