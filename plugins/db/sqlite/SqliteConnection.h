// One SQLite connection on the sqlite3 C API, with a bounded cache of prepared
// statements so a statement is compiled once per connection, not per
// request, and every cell keeps its exact storage type.
#pragma once

#include <jiffy/db.hpp>

#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace jiffy::sqlite {

struct ConnectionSettings {
    std::string file;
    int busyTimeoutMs = 5000;
    bool wal = true;
    std::string synchronous = "NORMAL";
    bool foreignKeys = true;
    size_t statementCache = 128;
    bool readOnly = false; ///< PRAGMA query_only, no journal-mode change
};

class SqliteConnection : public jiffy::DbConnection {
public:
    /// Opens the database file; throws jiffy::Error(UNAVAILABLE) naming it.
    explicit SqliteConnection(const ConnectionSettings& settings);
    ~SqliteConnection() override;
    SqliteConnection(const SqliteConnection&) = delete;
    SqliteConnection& operator=(const SqliteConnection&) = delete;

    /// Runs one statement with bound parameters; see jiffy_db_vtable.execute.
    void execute(std::string_view sql, const jiffy::ValuesView& params, jiffy::RowWriter& rows,
                 jiffy::ExecResult& result);
    /// Runs a parameterless statement, discarding rows.
    void run(std::string_view sql);
    /// False once SQLite ended the transaction itself (some errors roll it back whole).
    bool inTransaction() const;

private:
    [[noreturn]] void raise(int rc, std::string_view sql) const;
    /// Finalizes every cached statement, then closes the handle.
    void close() noexcept;

    sqlite3* db_ = nullptr; ///< owned: closed by the destructor
    size_t cacheLimit_;
    std::list<std::string> lru_; ///< most recently used first
    /// A prepared statement and what every execution of it needs, found once.
    struct Cached {
        sqlite3_stmt* stmt;
        std::list<std::string>::iterator pos;
        std::vector<std::string> names;       ///< column names (owned here)
        std::vector<jiffy::Value> nameValues; ///< the same as TEXT values, for the row sink
        std::vector<bool> boolColumn;         ///< declared BOOLEAN: read back as booleans
    };
    Cached& prepare(std::string_view sql);
    /// Keyed by views of the SQL texts held in lru_, so a lookup copies nothing.
    std::unordered_map<std::string_view, Cached> cache_;
    std::vector<jiffy::Value> values_; ///< one row's cells, reused
    int depth_ = 0;                    ///< executions in progress (a row sink may start another)
};

} // namespace jiffy::sqlite
