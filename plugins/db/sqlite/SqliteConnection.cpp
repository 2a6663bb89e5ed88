#include "SqliteConnection.h"

#include <sqlite3.h>

#include <cctype>
#include <chrono>
#include <thread>
#include <cstring>

namespace jiffy::sqlite {
namespace {

/// Status for an SQLite result code (extended codes distinguish constraints).
jiffy_status statusFor(int rc)
{
    switch (rc) {
    case SQLITE_CONSTRAINT_NOTNULL:
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
    case SQLITE_TOOBIG:
        return JIFFY_INVALID;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
    case SQLITE_FULL: // disk full: nothing wrong with the request, retry once there is room (503)
        return JIFFY_UNAVAILABLE;
    default:
        break;
    }
    switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
        return JIFFY_CONFLICT;
    case SQLITE_ERROR:
        return JIFFY_INVALID;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return JIFFY_UNAVAILABLE;
    default:
        return JIFFY_INTERNAL;
    }
}

bool onlySpace(const char* p)
{
    while (*p) {
        if (!std::isspace(static_cast<unsigned char>(*p)) && *p != ';') return false;
        ++p;
    }
    return true;
}

/// SQLite's multi-thread mode, set once before the first connection opens.
/// Debian builds it serialized: every sqlite3_* call on a connection locks
/// that connection's mutex (hundreds of lock/unlock pairs for a page of
/// rows). A connection here is only ever used by one thread at a time (a
/// pool lease, a transaction, the group-commit writer's own thread), which
/// is what multi-thread mode requires. sqlite3_config() only works before
/// SQLite is initialised: if something else in the process initialised it
/// first, the call is refused and the serialized mode simply stays.
void multiThreadMode()
{
    static const int rc = sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    (void)rc;
}

/// Opens `file` as Poco::Data's SQLite connector did (read-write, created
/// when missing, URI file names allowed), but without it: the connector
/// opened through a Poco active method (one thread per open) and its
/// session layer is never used here, while loading Poco::Data and its SQLite
/// library cost every jiffyd 1.6 MB of resident memory and their load time.
sqlite3* openDatabase(const std::string& file)
{
    multiThreadMode();
    sqlite3* db = nullptr;
    int rc = sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI, nullptr);
    if (rc != SQLITE_OK) {
        std::string why = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
        sqlite3_close_v2(db);
        jiffy::fail(JIFFY_UNAVAILABLE, "cannot open SQLite database \"" + file + "\": " + why);
    }
    return db;
}

} // namespace

SqliteConnection::SqliteConnection(const ConnectionSettings& s)
    : db_(openDatabase(s.file)), cacheLimit_(s.statementCache ? s.statementCache : 1)
{
    // The destructor does not run when this constructor throws: the
    // statements the PRAGMAs below prepared and the handle are released here.
    struct CloseOnThrow {
        SqliteConnection& self;
        bool armed = true;
        ~CloseOnThrow()
        {
            if (armed) self.close();
        }
    } guard{*this};
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, s.busyTimeoutMs);
    if (s.readOnly) run("PRAGMA query_only=ON");
    if (s.wal && s.file != ":memory:" && !s.readOnly) {
        // Switching to WAL needs the file to itself, and SQLite does not call
        // the busy handler for it: instances opening one new file at the same
        // moment retry here, within the busy timeout.
        const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(s.busyTimeoutMs);
        for (;;) {
            try {
                run("PRAGMA journal_mode=WAL");
                break;
            } catch (const jiffy::Error& e) {
                if (e.status() != JIFFY_UNAVAILABLE || std::chrono::steady_clock::now() >= until) throw;
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
        }
    }
    run("PRAGMA synchronous=" + s.synchronous);
    run(s.foreignKeys ? "PRAGMA foreign_keys=ON" : "PRAGMA foreign_keys=OFF");
    guard.armed = false;
}

SqliteConnection::~SqliteConnection()
{
    close();
}

void SqliteConnection::close() noexcept
{
    for (auto& [sql, c] : cache_) sqlite3_finalize(c.stmt);
    cache_.clear();
    lru_.clear();
    sqlite3_close_v2(db_);
    db_ = nullptr;
}

[[noreturn]] void SqliteConnection::raise(int rc, std::string_view sql) const
{
    std::string msg = sqlite3_errmsg(db_);
    std::string head(sql.substr(0, 120));
    jiffy::fail(statusFor(rc), "sqlite: " + msg + " (in: " + head + (sql.size() > 120 ? "..." : "") + ")");
}

SqliteConnection::Cached& SqliteConnection::prepare(std::string_view sql)
{
    auto it = cache_.find(sql);
    if (it != cache_.end()) {
        lru_.splice(lru_.begin(), lru_, it->second.pos);
        return it->second;
    }
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
    if (rc != SQLITE_OK) raise(rc, sql);
    if (!stmt) jiffy::fail(JIFFY_INVALID, "sqlite: empty statement");
    std::string rest(tail, sql.data() + sql.size() - tail);
    if (!onlySpace(rest.c_str())) {
        sqlite3_finalize(stmt);
        jiffy::fail(JIFFY_INVALID,
                    "sqlite: one statement per call, found more after: " + std::string(sql.substr(0, 80)));
    }
    if (cache_.size() >= cacheLimit_) {
        auto victim = cache_.find(lru_.back());
        sqlite3_finalize(victim->second.stmt);
        cache_.erase(victim);
        lru_.pop_back();
    }
    Cached c{stmt, {}, {}, {}, {}};
    const int cols = sqlite3_column_count(stmt);
    for (int i = 0; i < cols; ++i) {
        c.names.emplace_back(sqlite3_column_name(stmt, i));
        const char* decl = sqlite3_column_decltype(stmt, i);
        c.boolColumn.push_back(decl && (strcasecmp(decl, "BOOLEAN") == 0 || strcasecmp(decl, "BOOL") == 0));
    }
    for (const std::string& n : c.names) c.nameValues.emplace_back(n);
    lru_.emplace_front(sql);
    c.pos = lru_.begin();
    return cache_.emplace(std::string_view(lru_.front()), std::move(c)).first->second;
}

bool SqliteConnection::inTransaction() const
{
    return sqlite3_get_autocommit(db_) == 0;
}

void SqliteConnection::run(std::string_view sql)
{
    jiffy::RowWriter none(nullptr);
    jiffy::ExecResult r;
    execute(sql, jiffy::ValuesView(nullptr, 0), none, r);
}

void SqliteConnection::execute(std::string_view sql, const jiffy::ValuesView& params, jiffy::RowWriter& rows,
                               jiffy::ExecResult& result)
{
    Cached& prepared = prepare(sql);
    sqlite3_stmt* stmt = prepared.stmt;
    struct Reset {
        sqlite3_stmt* s;
        ~Reset()
        {
            sqlite3_reset(s);
            sqlite3_clear_bindings(s);
        }
    } reset{stmt};

    int expected = sqlite3_bind_parameter_count(stmt);
    if (static_cast<size_t>(expected) != params.size())
        jiffy::fail(JIFFY_INVALID, "sqlite: statement takes " + std::to_string(expected) + " parameters, got " +
                                       std::to_string(params.size()));
    for (size_t i = 0; i < params.size(); ++i) {
        const jiffy_value& v = params[i];
        int pos = static_cast<int>(i + 1);
        int rc = SQLITE_OK;
        switch (v.type) {
        case JIFFY_TYPE_NULL:
            rc = sqlite3_bind_null(stmt, pos);
            break;
        case JIFFY_TYPE_INT:
        case JIFFY_TYPE_BOOL:
            rc = sqlite3_bind_int64(stmt, pos, v.i);
            break;
        case JIFFY_TYPE_DOUBLE:
            rc = sqlite3_bind_double(stmt, pos, v.d);
            break;
        case JIFFY_TYPE_TEXT:
            rc = sqlite3_bind_text64(stmt, pos, v.data ? v.data : "", v.size, SQLITE_TRANSIENT, SQLITE_UTF8);
            break;
        case JIFFY_TYPE_BLOB:
            rc = sqlite3_bind_blob64(stmt, pos, v.data ? v.data : "", v.size, SQLITE_TRANSIENT);
            break;
        default:
            jiffy::fail(JIFFY_INVALID, "sqlite: parameter " + std::to_string(pos) + " has unknown type");
        }
        if (rc != SQLITE_OK) raise(rc, sql);
    }

    const int cols = static_cast<int>(prepared.names.size());
    const std::vector<bool>& boolColumn = prepared.boolColumn;
    bool announced = false;
    // A row sink may run another statement on this connection: that one gets its own cells.
    std::vector<jiffy::Value> nestedValues;
    std::vector<jiffy::Value>& values = depth_ ? nestedValues : values_;
    struct Depth {
        int& d;
        explicit Depth(int& x) : d(x) { ++d; }
        ~Depth() { --d; }
    } depth(depth_);
    int64_t fetched = 0;
    for (;;) {
        int rc = sqlite3_step(stmt);
        if (rc == SQLITE_DONE) break;
        if (rc != SQLITE_ROW) raise(rc, sql);
        ++fetched;
        if (!rows.wanted()) continue;
        if (!announced) {
            rows.columns(prepared.nameValues);
            announced = true;
        }
        values.assign(static_cast<size_t>(cols), jiffy::Value());
        for (int c = 0; c < cols; ++c) {
            jiffy::Value& out = values[static_cast<size_t>(c)];
            switch (sqlite3_column_type(stmt, c)) {
            case SQLITE_INTEGER:
                out = boolColumn[static_cast<size_t>(c)]
                          ? jiffy::Value(sqlite3_column_int64(stmt, c) != 0)
                          : jiffy::Value(static_cast<long long>(sqlite3_column_int64(stmt, c)));
                break;
            case SQLITE_FLOAT:
                out = jiffy::Value(sqlite3_column_double(stmt, c));
                break;
            case SQLITE_TEXT:
                out = jiffy::Value(std::string_view(reinterpret_cast<const char*>(sqlite3_column_text(stmt, c)),
                                                    static_cast<size_t>(sqlite3_column_bytes(stmt, c))));
                break;
            case SQLITE_BLOB: {
                const void* p = sqlite3_column_blob(stmt, c);
                size_t n = static_cast<size_t>(sqlite3_column_bytes(stmt, c));
                out = jiffy::Value(jiffy::Blob{std::string_view(p ? static_cast<const char*>(p) : "", n)});
                break;
            }
            default:
                break;
            }
        }
        rows.row(values);
    }
    if (rows.wanted() && !announced) rows.columns(prepared.nameValues);
    if (sqlite3_stmt_readonly(stmt)) {
        result.rowsAffected = fetched;
    } else {
        result.rowsAffected = sqlite3_changes64(db_);
        result.lastInsertId = sqlite3_last_insert_rowid(db_);
    }
}

} // namespace jiffy::sqlite
