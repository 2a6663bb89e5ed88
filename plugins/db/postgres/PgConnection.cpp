#include "PgConnection.h"

#include "PgErrors.h"

#include <libpq-fe.h>

#include <poll.h>

#include <cerrno>
#include <climits>
#include <cstring>

namespace jiffy::postgres {
namespace {

// Dead-peer detection for a server that vanished without closing the socket
// (host down, cable cut): keepalive probes after 10 s idle, 3 × 5 s apart,
// and unacknowledged writes abandoned after 20 s.
const char* const kKeepalivesIdle = "10";
const char* const kKeepalivesInterval = "5";
const char* const kKeepalivesCount = "3";
const char* const kTcpUserTimeoutMs = "20000";
// How much longer than statement_timeout we wait before giving the server up.
constexpr int kGraceMs = 5000;

bool isError(const PGresult* r)
{
    ExecStatusType s = PQresultStatus(r);
    return s == PGRES_FATAL_ERROR || s == PGRES_BAD_RESPONSE || s == PGRES_NONFATAL_ERROR;
}

std::string_view field(const PGresult* r, int code)
{
    const char* f = r ? PQresultErrorField(r, code) : nullptr;
    return f ? std::string_view(f) : std::string_view();
}

std::string withoutPrefix(const std::string& msg)
{
    static const std::string prefix = "postgres: ";
    return msg.compare(0, prefix.size(), prefix) == 0 ? msg.substr(prefix.size()) : msg;
}

} // namespace

std::string ConnectionSettings::where() const
{
    return (host.empty() ? std::string("local socket") : host) + ":" + std::to_string(port) + " (user \"" + user +
           "\", database \"" + database + "\")";
}

void PgConnection::ResultDeleter::operator()(pg_result* r) const
{
    PQclear(r);
}

PgConnection::PgConnection(std::shared_ptr<const ConnectionSettings> settings)
    : settings_(std::move(settings)), cache_(settings_->statementCache)
{
    try {
        connect();
    } catch (...) {
        PQfinish(conn_); // also after a failed attempt: libpq keeps the socket until then
        conn_ = nullptr;
        throw;
    }
}

PgConnection::~PgConnection()
{
    PQfinish(conn_);
}

void PgConnection::onNotice(void* self, const pg_result* notice)
{
    auto* c = static_cast<PgConnection*>(self);
    // A FATAL "notice" is the server's goodbye to an idle session (e.g. 57P01
    // at shutdown, pg_terminate_backend); the socket closes right after it.
    std::string_view severity = field(notice, PG_DIAG_SEVERITY_NONLOCALIZED);
    if (severity == "FATAL" || severity == "PANIC") c->broken_ = true;
    if (c->settings_->logger) c->settings_->logger->debug("postgres notice: " + oneLine(PQresultErrorMessage(notice)));
}

void PgConnection::connect()
{
    const ConnectionSettings& s = *settings_;
    const std::string port = std::to_string(s.port);
    // Keyword/value arrays need no quoting, so any password works.
    std::vector<const char*> keys, values;
    auto add = [&](const char* key, const char* value) {
        keys.push_back(key);
        values.push_back(value);
    };
    add("host", s.host.c_str());
    add("port", port.c_str());
    add("user", s.user.c_str());
    if (!s.password.empty()) add("password", s.password.c_str());
    add("dbname", s.database.c_str());
    add("sslmode", s.sslmode.c_str());
    if (!s.sslrootcert.empty()) add("sslrootcert", s.sslrootcert.c_str());
    // Encryption is sslmode's job; skip libpq's Kerberos credential probe on every connect.
    add("gssencmode", "disable");
    add("application_name", "jiffy");
    add("client_encoding", "UTF8");
    add("keepalives", "1");
    add("keepalives_idle", kKeepalivesIdle);
    add("keepalives_interval", kKeepalivesInterval);
    add("keepalives_count", kKeepalivesCount);
    add("tcp_user_timeout", kTcpUserTimeoutMs);
    add(nullptr, nullptr);

    const std::string where = "postgres: cannot connect to " + s.where() + ": ";
    conn_ = PQconnectStartParams(keys.data(), values.data(), 0);
    if (!conn_) throw std::bad_alloc();
    // Our own poll loop rather than PQconnectdb: a deadline in milliseconds
    // over every address tried (libpq's connect_timeout is whole seconds, per address).
    const auto deadline = Clock::now() + std::chrono::milliseconds(s.connectTimeoutMs);
    PostgresPollingStatusType st = PQstatus(conn_) == CONNECTION_BAD ? PGRES_POLLING_FAILED : PGRES_POLLING_WRITING;
    while (st != PGRES_POLLING_OK) {
        if (st == PGRES_POLLING_FAILED) jiffy::fail(JIFFY_UNAVAILABLE, where + oneLine(PQerrorMessage(conn_)));
        if (!waitSocket(st == PGRES_POLLING_READING ? POLLIN : POLLOUT, deadline))
            jiffy::fail(JIFFY_UNAVAILABLE,
                        where + "no answer within " + std::to_string(s.connectTimeoutMs) + " ms (connect_timeout_ms)");
        st = PQconnectPoll(conn_);
    }
    PQsetNoticeReceiver(conn_, &PgConnection::onNotice, this);

    // Session settings the result conversion relies on: ISO dates, exact
    // floats, hex bytea. SET rather than startup options, so poolers such as
    // PgBouncer accept the connection.
    std::string setup = "SET datestyle = 'ISO'; SET extra_float_digits = 3; SET bytea_output = 'hex'";
    if (s.statementTimeoutMs > 0) setup += "; SET statement_timeout = " + std::to_string(s.statementTimeoutMs);
    if (s.readOnly) setup += "; SET default_transaction_read_only = on";
    try {
        run(setup);
    } catch (const jiffy::Error& e) {
        jiffy::fail(JIFFY_UNAVAILABLE, where + withoutPrefix(e.what()));
    }
}

std::string PgConnection::serverVersion() const
{
    const char* v = conn_ ? PQparameterStatus(conn_, "server_version") : nullptr;
    return v ? v : "?";
}

void PgConnection::warn(const std::string& msg) const
{
    if (settings_->logger) settings_->logger->warning(msg);
}

bool PgConnection::waitSocket(short events, std::optional<Clock::time_point> deadline)
{
    const int fd = PQsocket(conn_);
    if (fd < 0) return true; // no socket: the next libpq call reports why
    for (;;) {
        int timeout = -1;
        if (deadline) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - Clock::now()).count();
            if (left <= 0) return false;
            timeout = left > INT_MAX ? INT_MAX : static_cast<int>(left);
        }
        pollfd p{fd, events, 0};
        int r = ::poll(&p, 1, timeout);
        if (r > 0) return true;
        if (r < 0 && errno != EINTR) return true; // let libpq find out what is wrong
    }
}

std::optional<PgConnection::Clock::time_point> PgConnection::statementDeadline() const
{
    if (settings_->statementTimeoutMs <= 0) return std::nullopt; // TCP keepalives still bound a dead peer
    return Clock::now() + std::chrono::milliseconds(settings_->statementTimeoutMs + kGraceMs);
}

void PgConnection::checkSent(int ok, std::string_view sql)
{
    if (ok) return;
    if (PQstatus(conn_) == CONNECTION_BAD) lost(PQerrorMessage(conn_), sql);
    broken_ = true;
    jiffy::fail(JIFFY_INTERNAL, describe("", std::string("cannot send: ") + PQerrorMessage(conn_), sql));
}

[[noreturn]] void PgConnection::lost(std::string_view why, std::string_view sql)
{
    broken_ = true;
    jiffy::fail(JIFFY_UNAVAILABLE,
                describe("", "connection to " + settings_->where() + " lost: " + std::string(why), sql));
}

PgConnection::Result PgConnection::collect(std::string_view sql)
{
    const auto deadline = statementDeadline();
    Result keep;
    for (;;) {
        while (PQisBusy(conn_)) {
            if (!waitSocket(POLLIN, deadline)) {
                broken_ = true; // the answer may still come: this connection cannot be reused
                jiffy::fail(JIFFY_TIMEOUT, describe("",
                                                    "no answer from " + settings_->where() + " within " +
                                                        std::to_string(settings_->statementTimeoutMs + kGraceMs) +
                                                        " ms; connection dropped",
                                                    sql));
            }
            if (!PQconsumeInput(conn_)) lost(PQerrorMessage(conn_), sql);
        }
        Result r(PQgetResult(conn_));
        if (!r) break;
        ExecStatusType st = PQresultStatus(r.get());
        if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT || st == PGRES_COPY_BOTH) {
            broken_ = true; // closing the connection is the one sure way out of COPY
            jiffy::fail(JIFFY_UNSUPPORTED, describe("", "COPY FROM STDIN / TO STDOUT is not supported", sql));
        }
        if (!keep || (isError(r.get()) && !isError(keep.get()))) keep = std::move(r);
    }
    if (PQstatus(conn_) == CONNECTION_BAD) broken_ = true;
    return keep;
}

PgConnection::Result PgConnection::simple(std::string_view sql)
{
    if (broken_) lost("closed earlier", sql);
    std::string text(sql);
    checkSent(PQsendQuery(conn_, text.c_str()), sql);
    Result r = collect(sql);
    if (!r || isError(r.get())) raise(r.get(), sql);
    return r;
}

void PgConnection::run(std::string_view sql)
{
    simple(sql);
}

[[noreturn]] void PgConnection::raise(const pg_result* r, std::string_view sql)
{
    std::string_view sqlstate = field(r, PG_DIAG_SQLSTATE);
    std::string message(field(r, PG_DIAG_MESSAGE_PRIMARY));
    if (message.empty()) message = r ? PQresultErrorMessage(r) : PQerrorMessage(conn_);
    if (PQstatus(conn_) == CONNECTION_BAD || sessionLost(sqlstate)) {
        broken_ = true;
        jiffy::fail(JIFFY_UNAVAILABLE,
                    describe(sqlstate, "connection to " + settings_->where() + " lost: " + message, sql));
    }
    jiffy_status status = statusForSqlState(sqlstate);
    if (r && PQresultStatus(r) == PGRES_BAD_RESPONSE) {
        broken_ = true; // the protocol is out of step
        status = JIFFY_INTERNAL;
    }
    std::string msg = describe(sqlstate, message, sql);
    if (PQtransactionStatus(conn_) == PQTRANS_INERROR && !aborted_) aborted_.emplace(status, msg);
    jiffy::fail(status, msg);
}

bool PgConnection::staleStatement(const pg_result* r, const std::string& name) const
{
    std::string_view sqlstate = field(r, PG_DIAG_SQLSTATE);
    // ALTER TABLE changed what `SELECT *` returns: the server will not re-plan it silently.
    if (sqlstate == "0A000") return field(r, PG_DIAG_SOURCE_FUNCTION) == "RevalidateCachedQuery";
    // Our statement vanished (DISCARD ALL / DEALLOCATE ALL ran on this session).
    if (sqlstate == "26000")
        return field(r, PG_DIAG_MESSAGE_PRIMARY).find("\"" + name + "\"") != std::string_view::npos;
    return false;
}

void PgConnection::forget(const std::string& key, bool deallocate)
{
    std::optional<std::string> name = cache_.take(key);
    if (name && deallocate) deallocate_.push_back(std::move(*name));
}

void PgConnection::deallocatePending()
{
    std::string sql;
    for (const auto& name : deallocate_) sql += (sql.empty() ? "DEALLOCATE " : "; DEALLOCATE ") + name;
    deallocate_.clear();
    try {
        run(sql); // only outside a transaction, so a failure cannot abort the caller's work
    } catch (const jiffy::Error& e) {
        if (broken_) throw;
        // A name already gone (DISCARD ALL): nothing is left to free.
        if (settings_->logger) settings_->logger->debug(std::string("postgres: ") + e.what());
    }
}

std::string PgConnection::prepared(const std::string& key, std::string_view sql)
{
    if (const std::string* cached = cache_.find(key)) return *cached;
    // The server catches too few parameters; too many it would accept when they are typed.
    const size_t highest = highestParameter(sql);
    if (static_cast<size_t>(params_.count()) > highest)
        jiffy::fail(JIFFY_INVALID, describe("",
                                            "statement takes " + std::to_string(highest) + " parameters, got " +
                                                std::to_string(params_.count()),
                                            sql));
    if (std::optional<std::string> evicted = cache_.makeRoom()) deallocate_.push_back(std::move(*evicted));
    if (!deallocate_.empty() && PQtransactionStatus(conn_) == PQTRANS_IDLE) deallocatePending();

    std::string name = "jiffy_" + std::to_string(++nextName_);
    // `key` is the SQL followed by a NUL, so its c_str() is the statement alone.
    checkSent(PQsendPrepare(conn_, name.c_str(), key.c_str(), params_.count(), params_.types()), sql);
    Result r = collect(sql);
    if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) raise(r.get(), sql);
    return cache_.add(key, std::move(name));
}

void PgConnection::execute(std::string_view sql, const jiffy::ValuesView& params, jiffy::RowWriter& rows,
                           jiffy::ExecResult& result)
{
    if (broken_) lost("closed earlier; the server rolled back any open transaction", sql);
    if (sql.find('\0') != std::string_view::npos) jiffy::fail(JIFFY_INVALID, "postgres: statement contains a NUL byte");
    params_.encode(params);
    std::string key;
    key.reserve(sql.size() + 1 + params_.signature().size());
    key.append(sql).push_back('\0');
    key.append(params_.signature());

    const bool autocommit = PQtransactionStatus(conn_) == PQTRANS_IDLE;
    for (int attempt = 0;; ++attempt) {
        const std::string name = prepared(key, sql);
        checkSent(PQsendQueryPrepared(conn_, name.c_str(), params_.count(), params_.values(), params_.lengths(),
                                      params_.formats(), 0),
                  sql);
        Result r = collect(sql);
        ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
        if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return deliver(r.get(), rows, result);
        if (st == PGRES_EMPTY_QUERY) jiffy::fail(JIFFY_INVALID, "postgres: empty statement");
        if (r && staleStatement(r.get(), name)) {
            forget(key, field(r.get(), PG_DIAG_SQLSTATE) != "26000");
            // Nothing ran: outside a transaction, prepare afresh and run it again.
            if (autocommit && attempt == 0) continue;
            std::string msg = describe(field(r.get(), PG_DIAG_SQLSTATE), field(r.get(), PG_DIAG_MESSAGE_PRIMARY), sql) +
                              "; retry the transaction";
            if (!aborted_) aborted_.emplace(JIFFY_CONFLICT, msg);
            jiffy::fail(JIFFY_CONFLICT, msg);
        }
        raise(r.get(), sql);
    }
}

void PgConnection::deliver(pg_result* r, jiffy::RowWriter& rows, jiffy::ExecResult& result)
{
    const int nrows = PQntuples(r);
    if (rows.wanted()) {
        const int ncols = PQnfields(r);
        std::vector<std::string> names;
        std::vector<CellKind> kinds;
        names.reserve(static_cast<size_t>(ncols));
        kinds.reserve(static_cast<size_t>(ncols));
        for (int c = 0; c < ncols; ++c) {
            names.emplace_back(PQfname(r, c));
            kinds.push_back(cellKindFor(PQftype(r, c)));
        }
        rows.columns(names);
        scratch_.resize(static_cast<size_t>(ncols));
        std::vector<jiffy::Value> values(static_cast<size_t>(ncols));
        for (int i = 0; i < nrows; ++i) {
            for (int c = 0; c < ncols; ++c) {
                auto col = static_cast<size_t>(c);
                if (PQgetisnull(r, i, c)) {
                    values[col] = jiffy::Value();
                    continue;
                }
                values[col] = convertCell(kinds[col], PQgetvalue(r, i, c), static_cast<size_t>(PQgetlength(r, i, c)),
                                          scratch_[col]);
            }
            rows.row(values);
        }
    }
    // "INSERT 0 3", "UPDATE 2", "SELECT 5" carry a count; DDL has none.
    const char* count = PQcmdTuples(r);
    if (count && *count)
        result.rowsAffected = std::strtoll(count, nullptr, 10);
    else
        result.rowsAffected = PQresultStatus(r) == PGRES_TUPLES_OK ? nrows : 0;
    result.lastInsertId = 0; // PostgreSQL has no rowid: use RETURNING
}

void PgConnection::begin()
{
    aborted_.reset();
    run("BEGIN");
}

void PgConnection::commit()
{
    if (broken_) lost("during the transaction; the server rolled it back", "COMMIT");
    if (PQtransactionStatus(conn_) == PQTRANS_INERROR) {
        auto why = aborted_.value_or(std::make_pair(jiffy_status{JIFFY_INVALID}, std::string("a statement failed")));
        aborted_.reset();
        run("ROLLBACK");
        jiffy::fail(why.first,
                    "postgres: transaction rolled back because a statement in it failed: " + withoutPrefix(why.second));
    }
    Result r = simple("COMMIT");
    // COMMIT of a transaction the server already aborted answers "ROLLBACK".
    if (std::strcmp(PQcmdStatus(r.get()), "ROLLBACK") == 0)
        jiffy::fail(JIFFY_CONFLICT, "postgres: COMMIT rolled the transaction back");
}

void PgConnection::rollback()
{
    aborted_.reset();
    if (broken_) return; // a closed session has no transaction left
    try {
        run("ROLLBACK");
    } catch (const jiffy::Error&) {
        if (!broken_) throw;
    }
}

bool PgConnection::alive()
{
    if (broken_ || PQstatus(conn_) != CONNECTION_OK) return false;
    // An idle connection has nothing to read unless the server said goodbye
    // (57P01 at shutdown, then end of file) or sent a notice / notification.
    // libpq sees the end of file only on a read after the goodbye, so read
    // while there is something to read (a few rounds at most).
    for (int round = 0; round < 4; ++round) {
        pollfd p{PQsocket(conn_), POLLIN, 0};
        if (::poll(&p, 1, 0) <= 0) break; // nothing pending: as good as we can tell without a round trip
        if (!PQconsumeInput(conn_) || PQstatus(conn_) != CONNECTION_OK) broken_ = true;
        // Parsing (not reading) runs onNotice, which spots a FATAL goodbye.
        while (PGnotify* n = PQnotifies(conn_)) PQfreemem(n);
        if (broken_) return false;
    }
    return true;
}

bool PgConnection::readyForPool()
{
    try {
        if (broken_ || PQstatus(conn_) != CONNECTION_OK) return false;
        if (PQtransactionStatus(conn_) != PQTRANS_IDLE) {
            warn("postgres: a statement left a transaction open on a pooled connection; rolling it back "
                 "(use begin/commit for transactions)");
            run("ROLLBACK");
        }
        aborted_.reset();
        if (!deallocate_.empty()) deallocatePending();
        return !broken_ && PQtransactionStatus(conn_) == PQTRANS_IDLE;
    } catch (...) {
        return false;
    }
}

} // namespace jiffy::postgres
