// One MySQL / MariaDB connection, opened with Connector/C and used by one
// thread at a time (the pool lends it out). Statements are prepared once
// per connection (server-side, binary protocol) and kept in a bounded LRU
// cache keyed by SQL text; every wait on the server is bounded by the
// connect/read/write timeouts, and a connection that lost its server says
// so (broken()) so the pool drops it instead of reusing it.
#pragma once

#include "MysqlValues.h"

#include <SqlDatabase.h>
#include <StatementCache.h>

#include <jiffy/db.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace jiffy::mysql {

/// What every connection of one plugin instance is opened with.
struct ConnectionSettings {
    std::string host = "localhost";
    int port = 3306;
    std::string socket; ///< Unix socket path; empty = TCP to host:port
    std::string user;
    std::string password; ///< never logged, never in a message
    std::string database;
    std::string sslMode =
        "disable";     ///< disable, require (encrypted), verify-full (and the server's certificate checked)
    std::string sslCa; ///< CA file for verify-full; empty = the system's
    int connectTimeoutS = 5;
    int readTimeoutS = 60;
    int writeTimeoutS = 60;
    int statementTimeoutMs = 30000; ///< 0 = the server's own setting
    size_t statementCache = 128;
    bool readOnly = false;               ///< SET SESSION TRANSACTION READ ONLY
    const jiffy::Host* logger = nullptr; ///< may be null

    /// "host:port (user \"u\", database \"d\")": what a connection message names.
    std::string where() const;
};

class MysqlConnection : public jiffy::support::SqlConnection {
public:
    /// Connects within connectTimeoutS; throws jiffy::Error(UNAVAILABLE) naming where() and the server's reason.
    explicit MysqlConnection(std::shared_ptr<const ConnectionSettings> settings);
    ~MysqlConnection() override;

    // The SqlConnection interface (see SqlDatabase.h).
    void execute(std::string_view sql, const jiffy::ValuesView& params, jiffy::RowWriter& rows,
                 jiffy::ExecResult& result) override;
    void run(std::string_view sql) override;
    void begin() override;
    void commit() override;
    void rollback() override;
    bool alive() override;
    bool readyForPool() override;
    std::string serverVersion() const override;
    bool isMariadb() const;
    /// The default character set of the connected database (e.g. "utf8mb4").
    std::string databaseCharset();

private:
    struct StmtCloser {
        void operator()(MYSQL_STMT* s) const;
    };
    using Stmt = std::unique_ptr<MYSQL_STMT, StmtCloser>;

    void connect();
    /// The prepared statement for `sql`, preparing (and caching) it if needed.
    MYSQL_STMT* prepared(std::string_view sql);
    void forget(const std::string& sql);
    void deliver(MYSQL_STMT* st, std::string_view sql, jiffy::RowWriter& rows, jiffy::ExecResult& result);
    [[noreturn]] void raise(unsigned error, const char* sqlstate, const char* message, std::string_view sql);
    [[noreturn]] void raiseStmt(MYSQL_STMT* st, std::string_view sql);
    [[noreturn]] void raiseConn(std::string_view sql);

    std::shared_ptr<const ConnectionSettings> settings_;
    MYSQL* conn_ = nullptr;
    bool inTransaction_ = false;
    /// Why the open transaction can no longer commit (a deadlock rolled it back).
    std::optional<std::pair<jiffy_status, std::string>> aborted_;
    std::chrono::steady_clock::time_point started_{};

    ParamBinder params_;
    ResultBinder results_;
    jiffy::support::StatementCache<Stmt> cache_; ///< keyed by SQL text
};

} // namespace jiffy::mysql
