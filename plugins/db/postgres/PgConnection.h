// One PostgreSQL connection, opened with libpq and used by one thread at a
// time (the pool lends it out). Statements are prepared once per connection
// and kept in a bounded LRU cache keyed by SQL text and parameter types;
// every wait on the server is bounded, and a connection that lost its
// server says so (broken()) so the pool drops it instead of reusing it.
#pragma once

#include "PgValues.h"

#include <SqlDatabase.h>
#include <StatementCache.h>

#include <jiffy/db.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct pg_conn;
struct pg_result;

namespace jiffy::postgres {

/// What every connection of one plugin instance is opened with.
struct ConnectionSettings {
    std::string host = "localhost";
    int port = 5432;
    std::string user;
    std::string password; ///< never logged, never in a message
    std::string database;
    std::string sslmode = "disable";
    std::string sslrootcert;
    int connectTimeoutMs = 5000;
    int statementTimeoutMs = 30000; ///< 0 = the server's own setting
    size_t statementCache = 128;
    bool readOnly = false;               ///< SET default_transaction_read_only
    const jiffy::Host* logger = nullptr; ///< receives notices and warnings; may be null

    /// "host:port (user \"u\", database \"d\")": what a connection message names.
    std::string where() const;
};

class PgConnection : public jiffy::support::SqlConnection {
public:
    /// Connects within connectTimeoutMs; throws jiffy::Error(UNAVAILABLE) naming where() and the server's reason.
    explicit PgConnection(std::shared_ptr<const ConnectionSettings> settings);
    ~PgConnection() override;

    // The SqlConnection interface (see SqlDatabase.h).
    void execute(std::string_view sql, const jiffy::ValuesView& params, jiffy::RowWriter& rows,
                 jiffy::ExecResult& result) override;
    /// With the simple protocol: several statements are allowed.
    void run(std::string_view sql) override;
    void begin() override;
    void commit() override;
    void rollback() override;
    bool alive() override;
    bool readyForPool() override;
    std::string serverVersion() const override;

private:
    struct ResultDeleter {
        void operator()(pg_result* r) const;
    };
    using Result = std::unique_ptr<pg_result, ResultDeleter>;
    using Clock = std::chrono::steady_clock;

    void connect();
    static void onNotice(void* self, const pg_result* notice);
    /// Runs parameterless SQL with the simple protocol; throws on error, returns the last result.
    Result simple(std::string_view sql);
    /// Whether `r` says our prepared statement `name` is stale (gone, or its result type changed).
    bool staleStatement(const pg_result* r, const std::string& name) const;
    /// Name of the prepared statement for `key` (SQL + '\0' + signature), preparing it if needed.
    std::string prepared(const std::string& key, std::string_view sql);
    /// Drops `key` from the cache; `deallocate` when the server still has it.
    void forget(const std::string& key, bool deallocate);
    void deallocatePending();
    /// Waits for every result of what was sent; the first error wins, else the last result.
    Result collect(std::string_view sql);
    /// Waits for `events` on the socket; false at the deadline.
    bool waitSocket(short events, std::optional<Clock::time_point> deadline);
    std::optional<Clock::time_point> statementDeadline() const;
    void deliver(pg_result* r, jiffy::RowWriter& rows, jiffy::ExecResult& result);
    [[noreturn]] void raise(const pg_result* r, std::string_view sql);
    [[noreturn]] void lost(std::string_view why, std::string_view sql);
    void checkSent(int ok, std::string_view sql);
    void warn(const std::string& msg) const;

    std::shared_ptr<const ConnectionSettings> settings_;
    pg_conn* conn_ = nullptr;
    /// Why the open transaction is aborted (the failed statement's status and message).
    std::optional<std::pair<jiffy_status, std::string>> aborted_;

    ParamEncoder params_;
    std::vector<std::string> scratch_;
    uint64_t nextName_ = 0;
    jiffy::support::StatementCache<std::string> cache_; ///< statement names by key
    std::vector<std::string> deallocate_;               ///< evicted names not yet DEALLOCATEd
};

} // namespace jiffy::postgres
