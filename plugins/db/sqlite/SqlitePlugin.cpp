// The SQLite DB plugin: a pool of SqliteConnection behind jiffy_db_vtable.
#include "GroupCommitWriter.h"
#include "SqliteConnection.h"

#include <ConnectionPool.h>

#include <jiffy/db.hpp>

#include <filesystem>
#include <memory>

namespace {

using jiffy::sqlite::ConnectionSettings;
using jiffy::sqlite::GroupCommitWriter;
using jiffy::sqlite::SqliteConnection;
using Pool = jiffy::support::ConnectionPool<SqliteConnection>;
using Lease = jiffy::support::Lease<SqliteConnection>;

const jiffy_option kOptions[] = {
    jiffy::option("name", JIFFY_OPT_PATH, false, "\"jiffy.db\"",
                  "database file (jiffy's database.name); \":memory:\" for a throw-away database"),
    jiffy::option("pool_size", JIFFY_OPT_INT, false, "16", "connections kept open (1-64)"),
    jiffy::option("busy_timeout_ms", JIFFY_OPT_INT, false, "5000",
                  "how long a statement waits for a lock, and a request for a free connection"),
    jiffy::option("wal", JIFFY_OPT_BOOL, false, "true", "write-ahead logging: readers never block the writer"),
    jiffy::option("synchronous", JIFFY_OPT_STRING, false, "\"FULL\"",
                  "PRAGMA synchronous: FULL survives power loss, NORMAL only process crashes"),
    jiffy::option("foreign_keys", JIFFY_OPT_BOOL, false, "true", "enforce foreign keys"),
    jiffy::option("statement_cache", JIFFY_OPT_INT, false, "128", "prepared statements kept per connection"),
    jiffy::option("group_commit", JIFFY_OPT_BOOL, false, "true",
                  "autocommit writes go through one writer connection that commits waiting ones together"),
    jiffy::option("group_commit_max", JIFFY_OPT_INT, false, "256", "statements at most in one group commit (1-10000)"),
    jiffy::option("read_only", JIFFY_OPT_BOOL, false, "false",
                  "open an existing database for reading only (jiffyd --check-config uses it)"),
    jiffy::option("ormLogActive", JIFFY_OPT_BOOL, false, "false", "log every statement (jiffy's key)"),
};

const jiffy_db_dialect kDialect = {
    sizeof(jiffy_db_dialect),
    "sqlite",
    JIFFY_PLACEHOLDER_QUESTION,
    JIFFY_DB_RETURNING | JIFFY_DB_ADD_COLUMN | JIFFY_DB_TRANSACTIONAL_DDL,
    "INTEGER",
    "REAL",
    "TEXT",
    "BOOLEAN",
    "BLOB",
    "TEXT",
    "INTEGER PRIMARY KEY AUTOINCREMENT",
};

class SqliteDatabase : public jiffy::Database {
public:
    SqliteDatabase(const jiffy::Host& host, std::string_view) : host_(host)
    {
        ConnectionSettings s;
        s.file = host.optionString("name");
        int64_t pool = host.optionInt("pool_size", 1, 64);
        s.busyTimeoutMs = static_cast<int>(host.optionInt("busy_timeout_ms", 0, 3600000));
        s.wal = host.optionBool("wal");
        s.synchronous = synchronous(host);
        s.foreignKeys = host.optionBool("foreign_keys");
        s.statementCache = static_cast<size_t>(host.optionInt("statement_cache", 1, 100000));
        logSql_ = host.optionBool("ormLogActive");
        s.readOnly = host.optionBool("read_only");
        if (isFile(s.file)) {
            requireDirectory(s.file);
            // Read-only never creates the file.
            std::error_code ec;
            if (s.readOnly && !std::filesystem::exists(s.file, ec))
                jiffy::fail(JIFFY_NOT_FOUND, "name: \"" + s.file + "\" does not exist yet");
        }
        if (s.file == ":memory:" && pool > 1) {
            host.info("name is \":memory:\": using one connection, as each would see its own database");
            pool = 1;
        }
        const bool group = host.optionBool("group_commit");
        const auto groupMax = static_cast<size_t>(host.optionInt("group_commit_max", 1, 10000));
        // One writer needs its own connection to the same file: not for a
        // throw-away in-memory database (each connection sees its own).
        if (group && !s.readOnly && isFile(s.file)) writer_ = std::make_unique<GroupCommitWriter>(s, groupMax);
        pool_ = std::make_unique<Pool>([s] { return std::make_unique<SqliteConnection>(s); }, static_cast<size_t>(pool),
                                       std::chrono::milliseconds(s.busyTimeoutMs));
        // /metrics: connections lent out and callers waiting for one, after every change.
        host.metricSet("jiffy_db_pool_size", static_cast<double>(pool));
        pool_->setObserver([host](size_t inUse, size_t waiting) {
            host.metricSet("jiffy_db_pool_in_use", static_cast<double>(inUse));
            host.metricSet("jiffy_db_pool_waiting", static_cast<double>(waiting));
        });
        // Open one connection now so a bad path fails at start, not on the first request.
        Lease probe(*pool_);
        probe->run("SELECT 1");
        host.info("SQLite database " + s.file + " (pool " + std::to_string(pool) + ", synchronous " + s.synchronous +
                  (s.wal ? ", WAL" : "") + (s.readOnly ? ", read-only" : "") + (writer_ ? ", group commit)" : ")"));
        readOnly_ = s.readOnly;
    }

    /// `jiffyd --check-config`: the checks of the constructor that need no file opened.
    static void check(const jiffy::Host& host, std::string_view)
    {
        synchronous(host);
        std::string file = host.optionString("name");
        if (isFile(file)) requireDirectory(file);
    }

    jiffy_db_dialect dialect() override { return kDialect; }

    void execute(jiffy::DbConnection* conn, std::string_view sql, const jiffy::ValuesView& params,
                 jiffy::RowWriter& rows, jiffy::ExecResult& result) override
    {
        if (logSql_) host_.info("sql: " + std::string(sql));
        if (conn) return static_cast<SqliteConnection*>(conn)->execute(sql, params, rows, result);
        if (writer_ && GroupCommitWriter::mayWrite(sql)) return writer_->execute(sql, params, rows, result);
        Lease lease(*pool_);
        lease->execute(sql, params, rows, result);
    }

    jiffy::DbConnection* begin() override
    {
        std::unique_ptr<SqliteConnection> c = pool_->take();
        try {
            // IMMEDIATE takes the write lock now, so a transaction never fails
            // later trying to upgrade a read lock.
            c->run(readOnly_ ? "BEGIN" : "BEGIN IMMEDIATE");
        } catch (...) {
            pool_->give(std::move(c));
            throw;
        }
        return c.release();
    }

    void commit(jiffy::DbConnection* conn) override { finish(conn, "COMMIT"); }
    void rollback(jiffy::DbConnection* conn) override { finish(conn, "ROLLBACK"); }

    void health() override
    {
        Lease lease(*pool_);
        lease->run("SELECT 1");
    }

private:
    /// The `synchronous` option, checked.
    static std::string synchronous(const jiffy::Host& host)
    {
        std::string sync = host.optionString("synchronous");
        if (sync != "OFF" && sync != "NORMAL" && sync != "FULL" && sync != "EXTRA")
            jiffy::fail(JIFFY_INVALID, "synchronous: expected OFF, NORMAL, FULL or EXTRA, got \"" + sync + "\"");
        return sync;
    }
    /// False for ":memory:" and "file:" URIs, which name no file of their own.
    static bool isFile(const std::string& name) { return name != ":memory:" && name.rfind("file:", 0) != 0; }
    /// A missing directory is a configuration error, found now: SQLite would
    /// only report "unable to open" after the busy timeout.
    static void requireDirectory(const std::string& file)
    {
        std::filesystem::path dir = std::filesystem::path(file).parent_path();
        std::error_code ec;
        if (!dir.empty() && !std::filesystem::is_directory(dir, ec))
            jiffy::fail(JIFFY_INVALID, "name: the directory of \"" + file + "\" does not exist");
    }

    void finish(jiffy::DbConnection* conn, const char* verb)
    {
        std::unique_ptr<SqliteConnection> c(static_cast<SqliteConnection*>(conn));
        try {
            c->run(verb);
        } catch (...) {
            try {
                c->run("ROLLBACK");
            } catch (...) {
                // already rolled back by SQLite
            }
            pool_->give(std::move(c));
            throw;
        }
        pool_->give(std::move(c));
    }

    jiffy::Host host_;
    bool logSql_ = false;
    bool readOnly_ = false;
    std::unique_ptr<GroupCommitWriter> writer_; ///< null: writes take a pooled connection
    std::unique_ptr<Pool> pool_;
};

} // namespace

JIFFY_DB_PLUGIN(SqliteDatabase, "sqlite", "1.0.0",
                JIFFY_CAP_THREAD_SAFE | JIFFY_CAP_TRANSACTIONS | JIFFY_CAP_PERSISTENT, kOptions)
