// The part of a SQL DB plugin that does not depend on the server's client
// library: a connection interface (SqlConnection) and a jiffy::Database that
// lends such connections out of a bounded pool (PooledSqlDatabase), dropping
// idle ones the server closed (a restart) before anything is sent on them.
// The PostgreSQL and MySQL plugins derive from these.
#pragma once

#include "ConnectionPool.h"

#include <jiffy/db.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace jiffy::support {

/// One connection to a SQL server, used by one thread at a time (the pool lends it out).
class SqlConnection : public jiffy::DbConnection {
public:
    SqlConnection() = default;
    SqlConnection(const SqlConnection&) = delete;
    SqlConnection& operator=(const SqlConnection&) = delete;

    /// Runs one statement with bound parameters; see jiffy_db_vtable.execute.
    virtual void execute(std::string_view sql, const jiffy::ValuesView& params, jiffy::RowWriter& rows,
                         jiffy::ExecResult& result) = 0;
    /// Runs one parameterless statement with the text protocol, discarding any rows.
    virtual void run(std::string_view sql) = 0;

    virtual void begin() = 0;
    /// Commits; fails (and rolls back) when the transaction can no longer commit
    /// (an earlier statement aborted it, a deadlock rolled it back).
    virtual void commit() = 0;
    /// Rolls back; a connection already lost counts as rolled back.
    virtual void rollback() = 0;

    /// False once the session is gone; the pool must drop the connection.
    bool broken() const { return broken_; }
    /// Without a round trip: false when the server closed the connection while it sat idle.
    virtual bool alive() = 0;
    /// Brings an idle-in-pool connection back to "no transaction"; false if it must be dropped.
    virtual bool readyForPool() = 0;
    /// The server's version string, e.g. "15.4" or "10.11.6-MariaDB-0+deb12u1".
    virtual std::string serverVersion() const = 0;

protected:
    bool broken_ = false;
};

/// A jiffy::Database over a pool of SqlConnection. A derived plugin reads its
/// settings, then calls openPool(); everything else is served here.
class PooledSqlDatabase : public jiffy::Database {
public:
    using Pool = ConnectionPool<SqlConnection>;

    void execute(jiffy::DbConnection* conn, std::string_view sql, const jiffy::ValuesView& params,
                 jiffy::RowWriter& rows, jiffy::ExecResult& result) override
    {
        if (logSql_) host_.info("sql: " + std::string(sql));
        if (conn) return static_cast<SqlConnection*>(conn)->execute(sql, params, rows, result);
        Lease lease(*this);
        lease->execute(sql, params, rows, result);
    }

    jiffy::DbConnection* begin() override
    {
        std::unique_ptr<SqlConnection> c = take();
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
        Lease lease(*this, static_cast<SqlConnection*>(conn));
        lease->commit();
    }

    void rollback(jiffy::DbConnection* conn) override
    {
        Lease lease(*this, static_cast<SqlConnection*>(conn));
        lease->rollback();
    }

    void health() override
    {
        Lease lease(*this);
        lease->run("SELECT 1");
    }

protected:
    /// `name` starts every message ("postgres"); `logSql` logs each statement at info.
    PooledSqlDatabase(const jiffy::Host& host, std::string name, bool logSql)
        : host_(host), name_(std::move(name)), logSql_(logSql)
    {
    }

    /// Creates the pool; `where` names the server in messages (settings' where()).
    void openPool(Pool::Opener open, size_t size, std::chrono::milliseconds wait, std::string where)
    {
        where_ = std::move(where);
        pool_ = std::make_unique<Pool>(std::move(open), size, wait);
    }

    /// /metrics: the pool's size, connections lent out and callers waiting for one.
    void reportPoolMetrics()
    {
        host_.metricSet("jiffy_db_pool_size", static_cast<double>(pool_->size()));
        pool_->setObserver([host = host_](size_t inUse, size_t waiting) {
            host.metricSet("jiffy_db_pool_in_use", static_cast<double>(inUse));
            host.metricSet("jiffy_db_pool_waiting", static_cast<double>(waiting));
        });
    }

    /// A pooled connection for one scope, given back (or dropped) at its end.
    class Lease {
    public:
        explicit Lease(PooledSqlDatabase& db) : db_(db), conn_(db.take()) {}
        Lease(PooledSqlDatabase& db, SqlConnection* held) : db_(db), conn_(held) {}
        ~Lease() { db_.release(std::move(conn_)); }
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        SqlConnection* operator->() { return conn_.get(); }
        SqlConnection* get() { return conn_.get(); }

    private:
        PooledSqlDatabase& db_;
        std::unique_ptr<SqlConnection> conn_;
    };

    jiffy::Host host_;

private:
    /// A connection that is still open: idle ones the server closed (a
    /// restart) are dropped here, before anything is sent on them.
    std::unique_ptr<SqlConnection> take()
    {
        // Each round drops one dead idle connection; with none left the pool opens a fresh one.
        for (size_t round = 0; round <= pool_->size(); ++round) {
            std::unique_ptr<SqlConnection> c = pool_->take();
            if (c->alive()) return c;
            host_.info(name_ + ": dropping a connection the server closed");
            pool_->give(std::move(c), false);
        }
        jiffy::fail(JIFFY_UNAVAILABLE, name_ + ": every connection to " + where_ + " was closed by the server");
    }

    void release(std::unique_ptr<SqlConnection> c)
    {
        if (!c) return;
        bool keep = c->readyForPool();
        pool_->give(std::move(c), keep);
    }

    std::string name_;
    bool logSql_ = false;
    std::string where_;
    std::unique_ptr<Pool> pool_;
};

} // namespace jiffy::support
