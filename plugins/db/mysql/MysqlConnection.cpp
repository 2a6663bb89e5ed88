#include "MysqlConnection.h"

#include "MysqlErrors.h"

#include <poll.h>

#include <cctype>
#include <cstdio>

namespace jiffy::mysql {
namespace {

// ER_NEED_REPREPARE: a table the statement uses changed under it.
constexpr unsigned kNeedReprepare = 1615;
constexpr unsigned kLockDeadlock = 1213;
// CR_NEW_STMT_METADATA: the result of a cached statement gained or lost
// columns (ALTER TABLE); the client refuses it after the server ran it.
constexpr unsigned kNewStmtMetadata = 2057;

/// True for a statement that only reads, so running it again changes nothing.
bool readsOnly(std::string_view sql)
{
    size_t i = sql.find_first_not_of(" \t\r\n(");
    if (i == std::string_view::npos) return false;
    std::string word;
    for (; i < sql.size() && std::isalpha(static_cast<unsigned char>(sql[i])); ++i)
        word += static_cast<char>(std::toupper(static_cast<unsigned char>(sql[i])));
    return word == "SELECT" || word == "SHOW" || word == "WITH";
}

// Session settings every statement relies on: "double quotes" are
// identifiers (the models plugin and the auth tables quote that way),
// backslashes in literals are plain characters (as in standard SQL, so
// LIKE ... ESCAPE '\' means what it says), || concatenates, and bad data
// is an error instead of a warning with a truncated value.
const char* const kSqlMode = "ANSI_QUOTES,PIPES_AS_CONCAT,NO_BACKSLASH_ESCAPES,STRICT_ALL_TABLES,NO_ZERO_IN_DATE,"
                             "NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION";

std::string withoutPrefix(const std::string& msg)
{
    static const std::string prefix = "mysql: ";
    return msg.compare(0, prefix.size(), prefix) == 0 ? msg.substr(prefix.size()) : msg;
}

struct ResultFree {
    void operator()(MYSQL_RES* r) const { mysql_free_result(r); }
};

} // namespace

std::string ConnectionSettings::where() const
{
    return (socket.empty() ? host + ":" + std::to_string(port) : socket) + " (user \"" + user + "\", database \"" +
           database + "\")";
}

void MysqlConnection::StmtCloser::operator()(MYSQL_STMT* s) const
{
    mysql_stmt_close(s);
}

MysqlConnection::MysqlConnection(std::shared_ptr<const ConnectionSettings> settings)
    : settings_(std::move(settings)), cache_(settings_->statementCache)
{
    try {
        connect();
    } catch (...) {
        mysql_close(conn_);
        conn_ = nullptr;
        throw;
    }
}

MysqlConnection::~MysqlConnection()
{
    cache_.clear(); // closes the statements while the connection still exists
    mysql_close(conn_);
}

void MysqlConnection::connect()
{
    const ConnectionSettings& s = *settings_;
    conn_ = mysql_init(nullptr);
    if (!conn_) throw std::bad_alloc();
    unsigned connectTimeout = static_cast<unsigned>(s.connectTimeoutS);
    unsigned readTimeout = static_cast<unsigned>(s.readTimeoutS);
    unsigned writeTimeout = static_cast<unsigned>(s.writeTimeoutS);
    unsigned protocol = s.socket.empty() ? MYSQL_PROTOCOL_TCP : MYSQL_PROTOCOL_SOCKET;
    unsigned localInfile = 0;
    mysql_optionsv(conn_, MYSQL_OPT_CONNECT_TIMEOUT, &connectTimeout);
    mysql_optionsv(conn_, MYSQL_OPT_READ_TIMEOUT, &readTimeout);
    mysql_optionsv(conn_, MYSQL_OPT_WRITE_TIMEOUT, &writeTimeout);
    // "localhost" means TCP, as in jiffy (Go's driver); `socket` picks a Unix socket.
    mysql_optionsv(conn_, MYSQL_OPT_PROTOCOL, &protocol);
    mysql_optionsv(conn_, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    mysql_optionsv(conn_, MYSQL_OPT_LOCAL_INFILE, &localInfile);
    if (s.sslMode != "disable") {
        my_bool on = 1;
        mysql_optionsv(conn_, MYSQL_OPT_SSL_ENFORCE, &on); // no TLS, no connection
        if (s.sslMode == "verify-full") {
            mysql_optionsv(conn_, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &on); // chain and host name
            if (!s.sslCa.empty()) mysql_optionsv(conn_, MYSQL_OPT_SSL_CA, s.sslCa.c_str());
        }
    }

    const std::string where = "mysql: cannot connect to " + s.where() + ": ";
    // CLIENT_FOUND_ROWS: an UPDATE counts the rows it matched, not only those it changed
    // (as SQLite and PostgreSQL do), so "updated 0 rows" means "no such row".
    if (!mysql_real_connect(conn_, s.socket.empty() ? s.host.c_str() : nullptr, s.user.c_str(),
                            s.password.empty() ? nullptr : s.password.c_str(), s.database.c_str(),
                            static_cast<unsigned>(s.port), s.socket.empty() ? nullptr : s.socket.c_str(),
                            CLIENT_FOUND_ROWS))
        jiffy::fail(statusForError(mysql_errno(conn_), mysql_sqlstate(conn_)) == JIFFY_INTERNAL ? JIFFY_INTERNAL
                                                                                                : JIFFY_UNAVAILABLE,
                    where + std::to_string(mysql_errno(conn_)) + " " + oneLine(mysql_error(conn_)));

    // Connector/C falls back to plain text when the server offers no TLS, whatever was asked: check.
    if (s.sslMode != "disable" && !mysql_get_ssl_cipher(conn_))
        jiffy::fail(JIFFY_UNAVAILABLE, where + "the server offers no TLS and ssl_mode is " + s.sslMode);

    std::string setup = std::string("SET SESSION sql_mode = '") + kSqlMode +
                        "', time_zone = '+00:00', default_storage_engine = 'InnoDB'";
    if (s.statementTimeoutMs > 0) {
        char buf[64];
        if (isMariadb())
            std::snprintf(buf, sizeof buf, ", max_statement_time = %.3f", s.statementTimeoutMs / 1000.0);
        else
            std::snprintf(buf, sizeof buf, ", max_execution_time = %d", s.statementTimeoutMs); // MySQL: SELECT only
        setup += buf;
    }
    try {
        run(setup);
        if (s.readOnly) run("SET SESSION TRANSACTION READ ONLY");
    } catch (const jiffy::Error& e) {
        jiffy::fail(JIFFY_UNAVAILABLE, where + withoutPrefix(e.what()));
    }
}

std::string MysqlConnection::serverVersion() const
{
    const char* v = conn_ ? mysql_get_server_info(conn_) : nullptr;
    return v ? v : "?";
}

bool MysqlConnection::isMariadb() const
{
    return serverVersion().find("MariaDB") != std::string::npos;
}

std::string MysqlConnection::databaseCharset()
{
    const std::string sql = "SELECT @@character_set_database";
    if (mysql_real_query(conn_, sql.data(), sql.size())) raiseConn(sql);
    std::unique_ptr<MYSQL_RES, ResultFree> r(mysql_store_result(conn_));
    if (!r) raiseConn(sql);
    MYSQL_ROW row = mysql_fetch_row(r.get());
    return row && row[0] ? row[0] : "";
}

[[noreturn]] void MysqlConnection::raise(unsigned error, const char* sqlstate, const char* message,
                                         std::string_view sql)
{
    const std::string state = sqlstate ? sqlstate : "";
    if (connectionLost(error)) {
        broken_ = true;
        const auto tookMs =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started_).count();
        if (tookMs + 100 >= settings_->readTimeoutS * 1000LL)
            jiffy::fail(JIFFY_TIMEOUT, describe(error, state,
                                                "no answer from " + settings_->where() + " within " +
                                                    std::to_string(settings_->readTimeoutS) +
                                                    " s (read_timeout_s); connection dropped",
                                                sql));
        jiffy::fail(JIFFY_UNAVAILABLE,
                    describe(error, state,
                             "connection to " + settings_->where() + " lost: " + (message ? message : "") +
                                 (inTransaction_ ? "; the server rolled back the open transaction" : ""),
                             sql));
    }
    jiffy_status status = statusForError(error, state);
    std::string msg = describe(error, state, message ? message : "", sql);
    if (error == kLockDeadlock && inTransaction_ && !aborted_) aborted_.emplace(JIFFY_CONFLICT, msg);
    if (status == JIFFY_INTERNAL && error >= 2000 && error < 3000) broken_ = true; // the protocol is out of step
    jiffy::fail(status, msg);
}

[[noreturn]] void MysqlConnection::raiseStmt(MYSQL_STMT* st, std::string_view sql)
{
    raise(mysql_stmt_errno(st), mysql_stmt_sqlstate(st), mysql_stmt_error(st), sql);
}

[[noreturn]] void MysqlConnection::raiseConn(std::string_view sql)
{
    raise(mysql_errno(conn_), mysql_sqlstate(conn_), mysql_error(conn_), sql);
}

void MysqlConnection::run(std::string_view sql)
{
    if (broken_) raise(2006, "HY000", "closed earlier", sql);
    started_ = std::chrono::steady_clock::now();
    if (mysql_real_query(conn_, sql.data(), static_cast<unsigned long>(sql.size()))) raiseConn(sql);
    for (;;) {
        std::unique_ptr<MYSQL_RES, ResultFree> r(mysql_store_result(conn_));
        if (!r && mysql_field_count(conn_) != 0) raiseConn(sql);
        int next = mysql_next_result(conn_);
        if (next > 0) raiseConn(sql);
        if (next < 0) break;
    }
}

void MysqlConnection::forget(const std::string& sql)
{
    cache_.take(sql); // the statement is closed as it goes
}

MYSQL_STMT* MysqlConnection::prepared(std::string_view sql)
{
    std::string key(sql);
    if (Stmt* cached = cache_.find(key)) return cached->get();
    cache_.makeRoom(); // closed at once: COM_STMT_CLOSE has no answer, so it is safe inside a transaction too
    Stmt st(mysql_stmt_init(conn_));
    if (!st) raiseConn(sql);
    my_bool updateMaxLength = 1; // exact buffer sizes for stored results
    mysql_stmt_attr_set(st.get(), STMT_ATTR_UPDATE_MAX_LENGTH, &updateMaxLength);
    if (mysql_stmt_prepare(st.get(), sql.data(), static_cast<unsigned long>(sql.size()))) raiseStmt(st.get(), sql);
    return cache_.add(key, std::move(st)).get();
}

void MysqlConnection::execute(std::string_view sql, const jiffy::ValuesView& params, jiffy::RowWriter& rows,
                              jiffy::ExecResult& result)
{
    if (broken_) raise(2006, "HY000", "closed earlier; the server rolled back any open transaction", sql);
    if (sql.find('\0') != std::string_view::npos) jiffy::fail(JIFFY_INVALID, "mysql: statement contains a NUL byte");
    started_ = std::chrono::steady_clock::now();
    for (int attempt = 0;; ++attempt) {
        MYSQL_STMT* st = prepared(sql);
        const unsigned long expected = mysql_stmt_param_count(st);
        if (expected != params.size())
            jiffy::fail(JIFFY_INVALID, describe(0, "",
                                                "statement takes " + std::to_string(expected) + " parameters, got " +
                                                    std::to_string(params.size()),
                                                sql));
        params_.bind(params);
        if (expected && mysql_stmt_bind_param(st, params_.binds())) raiseStmt(st, sql);
        if (mysql_stmt_execute(st)) {
            // A table changed under a cached statement: prepare it afresh (nothing ran).
            if (mysql_stmt_errno(st) == kNeedReprepare && attempt == 0) {
                forget(std::string(sql));
                continue;
            }
            if (mysql_stmt_errno(st) == kNewStmtMetadata) {
                forget(std::string(sql));
                if (attempt == 0 && readsOnly(sql)) continue; // a query: prepare afresh and run it again
                jiffy::fail(JIFFY_INTERNAL,
                            describe(kNewStmtMetadata, "",
                                     "the statement ran, but the columns of its result changed since it was "
                                     "prepared (ALTER TABLE), so its result is lost; it is prepared afresh next time",
                                     sql));
            }
            raiseStmt(st, sql);
        }
        return deliver(st, sql, rows, result);
    }
}

void MysqlConnection::deliver(MYSQL_STMT* st, std::string_view sql, jiffy::RowWriter& rows, jiffy::ExecResult& result)
{
    const unsigned fields = mysql_stmt_field_count(st);
    if (fields == 0) {
        result.rowsAffected = static_cast<int64_t>(mysql_stmt_affected_rows(st));
        result.lastInsertId = static_cast<int64_t>(mysql_stmt_insert_id(st));
        return;
    }
    // Whatever happens below, the statement must end with no result pending.
    struct FreeResult {
        MYSQL_STMT* st;
        ~FreeResult()
        {
            mysql_stmt_free_result(st);
            while (mysql_stmt_more_results(st) && mysql_stmt_next_result(st) == 0) mysql_stmt_free_result(st);
        }
    } freeResult{st};
    if (mysql_stmt_store_result(st)) raiseStmt(st, sql);
    int64_t count = static_cast<int64_t>(mysql_stmt_num_rows(st));
    if (rows.wanted()) {
        std::unique_ptr<MYSQL_RES, ResultFree> meta(mysql_stmt_result_metadata(st));
        if (!meta) raiseStmt(st, sql);
        const MYSQL_FIELD* f = mysql_fetch_fields(meta.get());
        std::vector<std::string> names;
        names.reserve(fields);
        for (unsigned c = 0; c < fields; ++c) names.emplace_back(f[c].name, f[c].name_length);
        rows.columns(names);
        results_.prepare(f, fields);
        if (mysql_stmt_bind_result(st, results_.binds())) raiseStmt(st, sql);
        for (;;) {
            int rc = mysql_stmt_fetch(st);
            if (rc == MYSQL_NO_DATA) break;
            if (rc == 1) raiseStmt(st, sql);
            if (rc == MYSQL_DATA_TRUNCATED) results_.refetchTruncated(st);
            rows.row(results_.values());
        }
    }
    result.rowsAffected = count;
    result.lastInsertId = static_cast<int64_t>(mysql_stmt_insert_id(st)); // INSERT ... RETURNING (MariaDB)
}

void MysqlConnection::begin()
{
    aborted_.reset();
    run("START TRANSACTION");
    inTransaction_ = true;
}

void MysqlConnection::commit()
{
    if (broken_) {
        inTransaction_ = false;
        raise(2006, "HY000", "during the transaction; the server rolled it back", "COMMIT");
    }
    if (aborted_) {
        auto why = *aborted_;
        aborted_.reset();
        run("ROLLBACK");
        inTransaction_ = false;
        jiffy::fail(why.first,
                    "mysql: transaction rolled back because a statement in it failed: " + withoutPrefix(why.second));
    }
    run("COMMIT");
    inTransaction_ = false;
}

void MysqlConnection::rollback()
{
    aborted_.reset();
    inTransaction_ = false;
    if (broken_) return; // a closed session has no transaction left
    try {
        run("ROLLBACK");
    } catch (const jiffy::Error&) {
        if (!broken_) throw;
    }
}

bool MysqlConnection::alive()
{
    if (broken_ || !conn_) return false;
    // An idle connection has nothing to read: the server speaks only when
    // asked, except to say goodbye (shutdown, KILL, wait_timeout) before it
    // closes the socket. Anything readable means the session is over.
    pollfd p{static_cast<int>(mysql_get_socket(conn_)), POLLIN, 0};
    if (p.fd < 0 || ::poll(&p, 1, 0) != 0) broken_ = true;
    return !broken_;
}

bool MysqlConnection::readyForPool()
{
    try {
        if (broken_) return false;
        unsigned status = 0;
        mariadb_get_infov(conn_, MARIADB_CONNECTION_SERVER_STATUS, &status);
        if (inTransaction_ || (status & SERVER_STATUS_IN_TRANS)) {
            if (settings_->logger)
                settings_->logger->warning("mysql: a statement left a transaction open on a pooled connection; "
                                           "rolling it back (use begin/commit for transactions)");
            run("ROLLBACK");
            inTransaction_ = false;
        }
        aborted_.reset();
        return !broken_;
    } catch (...) {
        return false;
    }
}

} // namespace jiffy::mysql
