// The PostgreSQL DB plugin: a bounded pool of PgConnection behind jiffy_db_vtable.
#include "PgConnection.h"

#include <ConnectionPool.h>

#include <jiffy/db.hpp>

#include <memory>

namespace {

using jiffy::postgres::ConnectionSettings;
using jiffy::postgres::PgConnection;
using Pool = jiffy::support::ConnectionPool<PgConnection>;

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

class PostgresDatabase : public jiffy::Database {
public:
    PostgresDatabase(const jiffy::Host& host, std::string_view) : host_(host)
    {
        auto s = std::make_shared<ConnectionSettings>();
        s->host = host.configString("host").value_or("localhost");
        s->port = static_cast<int>(host.configInt("port", 5432, 1, 65535));
        s->user = host.configString("usr").value_or("");
        s->password = host.configString("password").value_or("");
        s->database = host.configString("name").value_or("");
        s->sslmode = host.configString("sslmode").value_or("disable");
        if (s->sslmode != "disable" && s->sslmode != "allow" && s->sslmode != "prefer" && s->sslmode != "require" &&
            s->sslmode != "verify-ca" && s->sslmode != "verify-full")
            jiffy::fail(JIFFY_INVALID, "sslmode: expected disable, allow, prefer, require, verify-ca or verify-full, "
                                       "got \"" +
                                           s->sslmode + "\"");
        s->sslrootcert = host.configString("sslrootcert").value_or("");
        s->connectTimeoutMs = static_cast<int>(host.configInt("connect_timeout_ms", 5000, 100, 600000));
        s->statementTimeoutMs = static_cast<int>(host.configInt("statement_timeout_ms", 30000, 0, 86400000));
        s->statementCache = static_cast<size_t>(host.configInt("statement_cache", 128, 1, 10000));
        s->readOnly = host.configBool("read_only", false);
        s->logger = &host_;
        const auto poolSize = static_cast<size_t>(host.configInt("pool_size", 10, 1, 256));
        const auto poolWait = std::chrono::milliseconds(host.configInt("pool_wait_ms", 5000, 0, 600000));
        logSql_ = host.configBool("ormLogActive", false);
        settings_ = s;
        pool_ = std::make_unique<Pool>([s] { return std::make_unique<PgConnection>(s); }, poolSize, poolWait);
        // /metrics: connections lent out and callers waiting for one, after every change.
        host.metricSet("jiffy_db_pool_size", static_cast<double>(poolSize));
        pool_->setObserver([host](size_t inUse, size_t waiting) {
            host.metricSet("jiffy_db_pool_in_use", static_cast<double>(inUse));
            host.metricSet("jiffy_db_pool_waiting", static_cast<double>(waiting));
        });

        // Open one connection now, so a wrong address, user, password or
        // database stops the start with the server's own reason.
        auto probe = take();
        std::string version = probe->serverVersion();
        release(std::move(probe));
        host.info("PostgreSQL " + version + " at " + s->where() + ", pool " + std::to_string(poolSize) + ", sslmode " +
                  s->sslmode + ", statement timeout " +
                  (s->statementTimeoutMs ? std::to_string(s->statementTimeoutMs) + " ms" : std::string("from server")));
    }

    jiffy_db_dialect dialect() override { return kDialect; }

    void execute(jiffy::DbConnection* conn, std::string_view sql, const jiffy::ValuesView& params,
                 jiffy::RowWriter& rows, jiffy::ExecResult& result) override
    {
        if (logSql_) host_.info("sql: " + std::string(sql));
        if (conn) return static_cast<PgConnection*>(conn)->execute(sql, params, rows, result);
        Lease lease(*this);
        lease->execute(sql, params, rows, result);
    }

    jiffy::DbConnection* begin() override
    {
        std::unique_ptr<PgConnection> c = take();
        try {
            c->begin();
        } catch (...) {
            release(std::move(c));
            throw;
        }
        return c.release();
    }

    void commit(jiffy::DbConnection* conn) override
    {
        Lease lease(*this, static_cast<PgConnection*>(conn));
        lease->commit();
    }

    void rollback(jiffy::DbConnection* conn) override
    {
        Lease lease(*this, static_cast<PgConnection*>(conn));
        lease->rollback();
    }

    void health() override
    {
        Lease lease(*this);
        lease->run("SELECT 1");
    }

private:
    /// A pooled connection for one scope, given back (or dropped) at its end.
    class Lease {
    public:
        explicit Lease(PostgresDatabase& db) : db_(db), conn_(db.take()) {}
        Lease(PostgresDatabase& db, PgConnection* held) : db_(db), conn_(held) {}
        ~Lease() { db_.release(std::move(conn_)); }
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        PgConnection* operator->() { return conn_.get(); }

    private:
        PostgresDatabase& db_;
        std::unique_ptr<PgConnection> conn_;
    };

    /// A connection that is still open: idle ones the server closed (a
    /// restart) are dropped here, before anything is sent on them.
    std::unique_ptr<PgConnection> take()
    {
        // Each round drops one dead idle connection; with none left the pool opens a fresh one.
        for (size_t round = 0; round <= pool_->size(); ++round) {
            std::unique_ptr<PgConnection> c = pool_->take();
            if (c->alive()) return c;
            host_.info("postgres: dropping a connection the server closed");
            pool_->give(std::move(c), false);
        }
        jiffy::fail(JIFFY_UNAVAILABLE,
                    "postgres: every connection to " + settings_->where() + " was closed by the server");
    }

    void release(std::unique_ptr<PgConnection> c)
    {
        if (!c) return;
        bool keep = c->readyForPool();
        pool_->give(std::move(c), keep);
    }

    jiffy::Host host_;
    bool logSql_ = false;
    std::shared_ptr<const ConnectionSettings> settings_;
    std::unique_ptr<Pool> pool_;
};

} // namespace

JIFFY_DB_PLUGIN(PostgresDatabase, "postgres", "1.0.0",
                JIFFY_CAP_THREAD_SAFE | JIFFY_CAP_TRANSACTIONS | JIFFY_CAP_PERSISTENT, kOptions)
