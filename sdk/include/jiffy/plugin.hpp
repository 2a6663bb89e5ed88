// jiffy/plugin.hpp — C++ side of the plugin contract, for plugin authors.
//
// Header-only; uses only the standard library and abi.h. A plugin is an
// ordinary C++ class; the kind headers (kvs.hpp, db.hpp, routes.hpp) turn it
// into the C tables of abi.h with noexcept thunks, and JIFFY_*_PLUGIN macros
// export the one entry symbol. Inside the plugin, report failures by throwing
// jiffy::Error (or any std::exception, which becomes JIFFY_INTERNAL); the
// thunks turn them into statuses. Calls to the host that fail throw
// jiffy::Error with the host's status and message.
#ifndef JIFFY_PLUGIN_HPP
#define JIFFY_PLUGIN_HPP

#include "jiffy/abi.h"

#include <cstdint>
#include <cstring>
#include <functional>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

/// The host API entry `field` of table `api`, or nullptr when the host's
/// table is older than the field (struct_size) or leaves it NULL. Every
/// wrapper below reads the host table through it, so a plugin built with a
/// newer SDK degrades to "unsupported" on an older host instead of reading
/// past the end of its table.
#define JIFFY_HOST_ENTRY(api, field) (JIFFY_HAS_FIELD(api, jiffy_host_api, field) ? (api)->field : nullptr)

namespace jiffy {

/// An error carrying a jiffy_status; thrown inside plugins, turned into a
/// status by guard() at the boundary.
class Error : public std::runtime_error {
public:
    Error(jiffy_status status, const std::string& message) : std::runtime_error(message), status_(status) {}
    /// The status this error maps to.
    jiffy_status status() const noexcept { return status_; }

private:
    jiffy_status status_;
};

/// A request a route handler refuses with 400 and `{"error": what()}` (the
/// models plugin and the host's auth routes answer it so). Unlike Error it
/// never crosses the boundary: the handler that throws it must catch it.
class BadRequest : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

/// Throws Error(status, message).
[[noreturn]] inline void fail(jiffy_status status, const std::string& message)
{
    throw Error(status, message);
}

/// Runs `f` and converts any exception into a status written to `err`:
/// jiffy::Error keeps its status, std::bad_alloc and other exceptions become
/// JIFFY_INTERNAL. This is the one exception→status adapter of the plugin side.
template <class F> jiffy_status guard(jiffy_error* err, F&& f) noexcept
{
    try {
        f();
        return JIFFY_OK;
    } catch (const Error& e) {
        return jiffy_error_set(err, e.status(), e.what(), std::strlen(e.what()));
    } catch (const std::bad_alloc&) {
        static const char msg[] = "out of memory";
        return jiffy_error_set(err, JIFFY_INTERNAL, msg, sizeof msg - 1);
    } catch (const std::exception& e) {
        return jiffy_error_set(err, JIFFY_INTERNAL, e.what(), std::strlen(e.what()));
    } catch (...) {
        static const char msg[] = "unknown exception";
        return jiffy_error_set(err, JIFFY_INTERNAL, msg, sizeof msg - 1);
    }
}

/// A caller-owned jiffy_error ready for a call (plugins calling the host, the
/// host calling plugins).
struct ErrorBuffer {
    jiffy_error e;
    ErrorBuffer() { jiffy_error_init(&e); }
    jiffy_error* get() { return &e; }
    /// The callee's message for a failed call, or the status's name when it wrote none.
    std::string message(jiffy_status status) const
    {
        return e.message[0] ? std::string(e.message) : std::string(jiffy_status_name(status));
    }
    /// Throws Error(status, message(status)) unless status is JIFFY_OK.
    void check(jiffy_status status) const
    {
        if (status != JIFFY_OK) throw Error(status, message(status));
    }
};

/// A jiffy_sink appending to a std::string.
inline jiffy_sink stringSink(std::string& out)
{
    jiffy_sink s{};
    s.struct_size = sizeof s;
    s.ctx = &out;
    s.write = [](void* ctx, const void* data, size_t len) -> jiffy_status {
        try {
            static_cast<std::string*>(ctx)->append(static_cast<const char*>(data), len);
            return JIFFY_OK;
        } catch (...) {
            return JIFFY_INTERNAL;
        }
    };
    return s;
}

/// Writes `data` to a caller's sink; throws if the sink asks to stop.
inline void writeTo(const jiffy_sink* sink, std::string_view data)
{
    jiffy_status s = sink->write(sink->ctx, data.data(), data.size());
    if (s != JIFFY_OK) throw Error(s, "the output sink refused the data");
}

/// Marks bytes for a BLOB parameter (a string_view alone binds as TEXT).
struct Blob {
    std::string_view bytes;
};

/// A typed SQL parameter or cell, borrowing any text it holds.
struct Value {
    jiffy_value v;

    Value() : v(make(JIFFY_TYPE_NULL)) {}
    Value(std::nullptr_t) : Value() {}
    Value(bool b) : v(make(JIFFY_TYPE_BOOL)) { v.i = b ? 1 : 0; }
    Value(int x) : v(make(JIFFY_TYPE_INT)) { v.i = x; }
    Value(long x) : v(make(JIFFY_TYPE_INT)) { v.i = static_cast<int64_t>(x); }
    Value(long long x) : v(make(JIFFY_TYPE_INT)) { v.i = static_cast<int64_t>(x); }
    Value(unsigned x) : v(make(JIFFY_TYPE_INT)) { v.i = x; }
    Value(unsigned long x) : v(make(JIFFY_TYPE_INT)) { v.i = static_cast<int64_t>(x); }
    Value(unsigned long long x) : v(make(JIFFY_TYPE_INT)) { v.i = static_cast<int64_t>(x); }
    Value(double x) : v(make(JIFFY_TYPE_DOUBLE)) { v.d = x; }
    Value(std::string_view s) : v(make(JIFFY_TYPE_TEXT))
    {
        v.data = s.data();
        v.size = s.size();
    }
    Value(const char* s) : Value(std::string_view(s)) {}
    Value(const std::string& s) : Value(std::string_view(s)) {}
    Value(Blob b) : v(make(JIFFY_TYPE_BLOB))
    {
        v.data = b.bytes.data();
        v.size = b.bytes.size();
    }
    explicit Value(const jiffy_value& raw) : v(make(raw.type))
    {
        v.i = raw.i;
        v.d = raw.d;
        v.data = raw.data;
        v.size = raw.size;
    }

private:
    static jiffy_value make(int32_t type)
    {
        jiffy_value x{};
        x.struct_size = sizeof x;
        x.type = type;
        return x;
    }
};
static_assert(sizeof(Value) == sizeof(jiffy_value), "Value must be layout-compatible with jiffy_value");

/// A read-only view of an array of jiffy_value with the producer's stride.
class ValuesView {
public:
    ValuesView(const jiffy_value* base, size_t count) : base_(base), count_(count) {}
    size_t size() const { return count_; }
    const jiffy_value& operator[](size_t i) const { return *jiffy_value_at(base_, i); }
    bool isNull(size_t i) const { return (*this)[i].type == JIFFY_TYPE_NULL; }
    int64_t getInt(size_t i) const { return (*this)[i].i; }
    double getDouble(size_t i) const
    {
        const jiffy_value& x = (*this)[i];
        return x.type == JIFFY_TYPE_DOUBLE ? x.d : static_cast<double>(x.i);
    }
    bool getBool(size_t i) const { return (*this)[i].i != 0; }
    std::string_view getText(size_t i) const
    {
        const jiffy_value& x = (*this)[i];
        return x.data ? std::string_view(x.data, x.size) : std::string_view();
    }

private:
    const jiffy_value* base_;
    size_t count_;
};

/// Makes a jiffy_option entry for an options table.
constexpr jiffy_option option(const char* name, int32_t type, bool required, const char* defaultJson, const char* help)
{
    return jiffy_option{sizeof(jiffy_option), name, type, required ? 1 : 0, defaultJson, help};
}

/// Result of a compare-and-set.
enum class CasResult { Swapped, Conflict, NotFound };

/// Column-callback type used by Host::execute: one call per row.
using RowFn = std::function<void(const ValuesView& row)>;

/// A jiffy_row_sink that calls `fn` once per row. An exception thrown by
/// `fn` stops the query: the sink returns its status (jiffy::Error) or
/// JIFFY_INTERNAL, and error() keeps its message.
class RowCallback {
public:
    explicit RowCallback(const RowFn& fn) : fn_(fn)
    {
        sink_.struct_size = sizeof sink_;
        sink_.ctx = this;
        sink_.columns = [](void*, const jiffy_value*, size_t) -> jiffy_status { return JIFFY_OK; };
        sink_.row = [](void* c, const jiffy_value* values, size_t n) -> jiffy_status {
            auto* self = static_cast<RowCallback*>(c);
            try {
                self->fn_(ValuesView(values, n));
                return JIFFY_OK;
            } catch (const Error& e) {
                self->error_ = e.what();
                return e.status();
            } catch (const std::exception& e) {
                self->error_ = e.what();
                return JIFFY_INTERNAL;
            } catch (...) {
                self->error_ = "unknown exception in row callback";
                return JIFFY_INTERNAL;
            }
        };
    }
    RowCallback(const RowCallback&) = delete;
    RowCallback& operator=(const RowCallback&) = delete;
    /// The sink to pass, or nullptr when `fn` is empty (no rows wanted).
    const jiffy_row_sink* sink() const { return fn_ ? &sink_ : nullptr; }
    /// The message of the exception that stopped the query, "" if none.
    const std::string& error() const { return error_; }

private:
    const RowFn& fn_;
    jiffy_row_sink sink_{};
    std::string error_;
};

/// What a statement did.
struct ExecResult {
    int64_t rowsAffected = -1;
    int64_t lastInsertId = 0;
};

/// The database dialect, copied out of the host.
struct Dialect {
    std::string name;
    int32_t placeholder = JIFFY_PLACEHOLDER_QUESTION;
    uint32_t flags = 0;
    std::string typeInt, typeDouble, typeText, typeBool, typeBlob, typeTimestamp, primaryKey;

    /// The placeholder for the n-th (1-based) parameter.
    std::string placeholderFor(size_t n) const
    {
        return placeholder == JIFFY_PLACEHOLDER_DOLLAR ? "$" + std::to_string(n) : std::string("?");
    }
};

class Host;

/// A transaction opened with Host::begin(); rolled back unless committed.
class Transaction {
public:
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    Transaction(Transaction&& o) noexcept : host_(o.host_), txn_(o.txn_) { o.txn_ = nullptr; }
    ~Transaction();
    /// Runs a statement inside the transaction.
    ExecResult execute(std::string_view sql, const std::vector<Value>& params, const RowFn& onRow = {});
    /// Commits; the transaction is finished afterwards whatever the outcome.
    void commit();
    /// Rolls back; the transaction is finished afterwards.
    void rollback();

private:
    friend class Host;
    Transaction(const Host* host, jiffy_txn* txn) : host_(host), txn_(txn) {}
    const Host* host_;
    jiffy_txn* txn_;
};

/// The host as seen from a plugin instance: a typed wrapper of jiffy_host_api.
class Host {
public:
    Host(const jiffy_host_api* api, jiffy_host* host) : api_(api), host_(host) {}

    const jiffy_host_api* api() const { return api_; }
    jiffy_host* handle() const { return host_; }

    // --- logging
    void log(int32_t level, std::string_view msg) const
    {
        if (JIFFY_HOST_ENTRY(api_, log)) JIFFY_HOST_ENTRY(api_, log)(host_, level, msg.data(), msg.size());
    }
    bool logEnabled(int32_t level) const
    {
        return JIFFY_HOST_ENTRY(api_, log_enabled) && JIFFY_HOST_ENTRY(api_, log_enabled)(host_, level);
    }
    void debug(std::string_view m) const { log(JIFFY_LOG_DEBUG, m); }
    void info(std::string_view m) const { log(JIFFY_LOG_INFO, m); }
    void warning(std::string_view m) const { log(JIFFY_LOG_WARNING, m); }
    void error(std::string_view m) const { log(JIFFY_LOG_ERROR, m); }

    // --- configuration
    /// JSON text at `path` ("" = whole object), or nullopt when absent.
    std::optional<std::string> configJson(std::string_view path, int32_t scope = JIFFY_CONFIG_PLUGIN) const
    {
        return configCall(JIFFY_HOST_ENTRY(api_, config_json), path, scope);
    }
    /// A scalar at `path` as text (strings unquoted), or nullopt when absent.
    std::optional<std::string> configString(std::string_view path, int32_t scope = JIFFY_CONFIG_PLUGIN) const
    {
        return configCall(JIFFY_HOST_ENTRY(api_, config_scalar), path, scope);
    }

    // Options the plugin's table declares (the usual way): the host has
    // checked their types and applied the table's defaults before create()
    // and check() run, so the table is the one place a default is stated and
    // these accessors take none. They read the plugin's own config object.
    // A key absent there can only mean the table gives it neither a default
    // nor `required`: they throw JIFFY_INVALID naming the key. For an option
    // whose absence means something (no default in the table), use
    // configString() / configJson(), which answer nullopt. Header-only: they
    // work with every host, 1.0 included (a 1.0 host applies defaults too).

    /// Since SDK 1.1. The string (or path, address, number as text) value of option `key`.
    std::string optionString(std::string_view key) const { return declared(key, configString(key)); }
    /// Since SDK 1.1. The JSON text of option `key` (lists, objects).
    std::string optionJson(std::string_view key) const { return declared(key, configJson(key)); }
    /// Since SDK 1.1. Integer option `key`; JIFFY_INVALID naming it when not an integer.
    int64_t optionInt(std::string_view key) const { return toInt(key, optionString(key)); }
    /// Since SDK 1.1. Integer option `key` in [min, max]; JIFFY_INVALID naming it otherwise.
    int64_t optionInt(std::string_view key, int64_t min, int64_t max) const
    {
        return inRange(key, optionInt(key), min, max);
    }
    /// Since SDK 1.1. Boolean option `key`; JIFFY_INVALID naming it when not true/false.
    bool optionBool(std::string_view key) const { return toBool(key, optionString(key)); }

    // Keys read with a fallback of the caller's (a key the table does not
    // declare with a default). Prefer the option*() accessors above.

    /// An integer at `path`, `fallback` when absent.
    int64_t configInt(std::string_view path, int64_t fallback) const
    {
        auto s = configString(path);
        return s ? toInt(path, *s) : fallback;
    }
    /// An integer at `path` in [min, max], `fallback` when absent; JIFFY_INVALID naming it otherwise.
    int64_t configInt(std::string_view path, int64_t fallback, int64_t min, int64_t max) const
    {
        return inRange(path, configInt(path, fallback), min, max);
    }
    /// A boolean at `path`, `fallback` when absent.
    bool configBool(std::string_view path, bool fallback) const
    {
        auto s = configString(path);
        return s ? toBool(path, *s) : fallback;
    }

    // --- database
    Dialect dialect() const
    {
        require(JIFFY_HOST_ENTRY(api_, db_dialect), "db_dialect");
        jiffy_db_dialect d{};
        d.struct_size = sizeof d;
        ErrorBuffer eb;
        eb.check(JIFFY_HOST_ENTRY(api_, db_dialect)(host_, &d, eb.get()));
        Dialect out;
        out.name = str(d.name);
        out.placeholder = d.placeholder;
        out.flags = d.flags;
        out.typeInt = str(d.type_int);
        out.typeDouble = str(d.type_double);
        out.typeText = str(d.type_text);
        out.typeBool = str(d.type_bool);
        out.typeBlob = str(d.type_blob);
        out.typeTimestamp = str(d.type_timestamp);
        out.primaryKey = str(d.primary_key);
        return out;
    }
    /// Runs one statement (autocommit); `onRow` is called once per result row.
    ExecResult execute(std::string_view sql, const std::vector<Value>& params, const RowFn& onRow = {}) const
    {
        return executeIn(nullptr, sql, params, onRow);
    }
    /// Opens a transaction.
    Transaction begin() const
    {
        require(JIFFY_HOST_ENTRY(api_, db_begin), "db_begin");
        ErrorBuffer eb;
        jiffy_txn* t = nullptr;
        eb.check(JIFFY_HOST_ENTRY(api_, db_begin)(host_, &t, eb.get()));
        return Transaction(this, t);
    }

    // --- key/value store
    std::optional<std::string> kvsGet(std::string_view key) const
    {
        require(JIFFY_HOST_ENTRY(api_, kvs_get), "kvs_get");
        std::string out;
        jiffy_sink s = stringSink(out);
        ErrorBuffer eb;
        jiffy_status st = JIFFY_HOST_ENTRY(api_, kvs_get)(host_, key.data(), key.size(), &s, eb.get());
        if (st == JIFFY_NOT_FOUND) return std::nullopt;
        eb.check(st);
        return out;
    }
    void kvsSet(std::string_view key, std::string_view value, int64_t ttlMs = 0) const
    {
        require(JIFFY_HOST_ENTRY(api_, kvs_set), "kvs_set");
        ErrorBuffer eb;
        eb.check(JIFFY_HOST_ENTRY(api_, kvs_set)(host_, key.data(), key.size(), value.data(), value.size(), ttlMs,
                                                 eb.get()));
    }
    /// false when the key already exists.
    bool kvsAdd(std::string_view key, std::string_view value, int64_t ttlMs = 0) const
    {
        require(JIFFY_HOST_ENTRY(api_, kvs_add), "kvs_add");
        ErrorBuffer eb;
        jiffy_status st =
            JIFFY_HOST_ENTRY(api_, kvs_add)(host_, key.data(), key.size(), value.data(), value.size(), ttlMs, eb.get());
        if (st == JIFFY_CONFLICT) return false;
        eb.check(st);
        return true;
    }
    CasResult kvsCompareAndSet(std::string_view key, std::string_view expected, std::string_view value,
                               int64_t ttlMs = 0) const
    {
        require(JIFFY_HOST_ENTRY(api_, kvs_compare_and_set), "kvs_compare_and_set");
        ErrorBuffer eb;
        jiffy_status st =
            JIFFY_HOST_ENTRY(api_, kvs_compare_and_set)(host_, key.data(), key.size(), expected.data(), expected.size(),
                                                        value.data(), value.size(), ttlMs, eb.get());
        if (st == JIFFY_CONFLICT) return CasResult::Conflict;
        if (st == JIFFY_NOT_FOUND) return CasResult::NotFound;
        eb.check(st);
        return CasResult::Swapped;
    }
    /// false when the key was absent.
    bool kvsRemove(std::string_view key) const
    {
        require(JIFFY_HOST_ENTRY(api_, kvs_remove), "kvs_remove");
        ErrorBuffer eb;
        jiffy_status st = JIFFY_HOST_ENTRY(api_, kvs_remove)(host_, key.data(), key.size(), eb.get());
        if (st == JIFFY_NOT_FOUND) return false;
        eb.check(st);
        return true;
    }
    int64_t kvsIncr(std::string_view key, int64_t delta = 1) const
    {
        require(JIFFY_HOST_ENTRY(api_, kvs_incr), "kvs_incr");
        ErrorBuffer eb;
        int64_t r = 0;
        eb.check(JIFFY_HOST_ENTRY(api_, kvs_incr)(host_, key.data(), key.size(), delta, &r, eb.get()));
        return r;
    }

    // --- caches
    void cacheInvalidate(std::string_view cache, std::string_view key) const
    {
        require(JIFFY_HOST_ENTRY(api_, cache_invalidate), "cache_invalidate");
        ErrorBuffer eb;
        eb.check(JIFFY_HOST_ENTRY(api_, cache_invalidate)(host_, cache.data(), cache.size(), key.data(), key.size(),
                                                          eb.get()));
    }
    void cacheSubscribe(std::string_view cache, void (*fn)(void*, const char*, size_t), void* ctx) const
    {
        require(JIFFY_HOST_ENTRY(api_, cache_subscribe), "cache_subscribe");
        ErrorBuffer eb;
        eb.check(JIFFY_HOST_ENTRY(api_, cache_subscribe)(host_, cache.data(), cache.size(), fn, ctx, eb.get()));
    }

    // --- metrics
    void metricAdd(std::string_view name, double delta = 1) const
    {
        if (JIFFY_HOST_ENTRY(api_, metric_add))
            JIFFY_HOST_ENTRY(api_, metric_add)(host_, name.data(), name.size(), delta);
    }
    void metricSet(std::string_view name, double value) const
    {
        if (JIFFY_HOST_ENTRY(api_, metric_set))
            JIFFY_HOST_ENTRY(api_, metric_set)(host_, name.data(), name.size(), value);
    }

    /// The cluster's leadership term as this instance sees it (abi.h
    /// cluster_term); nullopt from a host older than ABI 1.1.
    std::optional<uint64_t> clusterTerm() const
    {
        if (!JIFFY_HOST_ENTRY(api_, cluster_term)) return std::nullopt;
        return JIFFY_HOST_ENTRY(api_, cluster_term)(host_);
    }
    /// Whether this instance holds the leader lease now (abi.h is_leader);
    /// nullopt from a host older than ABI 1.1.
    std::optional<bool> isLeader() const
    {
        if (!JIFFY_HOST_ENTRY(api_, is_leader)) return std::nullopt;
        return JIFFY_HOST_ENTRY(api_, is_leader)(host_) != 0;
    }

private:
    friend class Transaction;

    static std::string str(const char* s) { return s ? std::string(s) : std::string(); }

    static std::string declared(std::string_view key, std::optional<std::string> value)
    {
        if (!value)
            fail(JIFFY_INVALID, std::string(key) +
                                    ": no value, and the plugin's option table declares neither a default "
                                    "nor `required` for it (a bug of the plugin)");
        return std::move(*value);
    }
    static int64_t toInt(std::string_view key, const std::string& s)
    {
        try {
            size_t used = 0;
            long long v = std::stoll(s, &used);
            if (used == s.size()) return v;
        } catch (...) {
        }
        fail(JIFFY_INVALID, std::string(key) + ": expected an integer, got \"" + s + "\"");
    }
    static int64_t inRange(std::string_view key, int64_t v, int64_t min, int64_t max)
    {
        if (v < min || v > max)
            fail(JIFFY_INVALID, std::string(key) + ": must be between " + std::to_string(min) + " and " +
                                    std::to_string(max) + ", got " + std::to_string(v));
        return v;
    }
    static bool toBool(std::string_view key, const std::string& s)
    {
        if (s == "true") return true;
        if (s == "false") return false;
        fail(JIFFY_INVALID, std::string(key) + ": expected true or false, got \"" + s + "\"");
    }

    template <class Fn> static void require(Fn fn, const char* what)
    {
        if (!fn) fail(JIFFY_UNSUPPORTED, std::string("the host does not offer ") + what);
    }

    using ConfigFn = jiffy_status (*)(jiffy_host*, int32_t, const char*, size_t, const jiffy_sink*, jiffy_error*);
    std::optional<std::string> configCall(ConfigFn fn, std::string_view path, int32_t scope) const
    {
        require(fn, "config lookups");
        std::string out;
        jiffy_sink s = stringSink(out);
        ErrorBuffer eb;
        jiffy_status st = fn(host_, scope, path.data(), path.size(), &s, eb.get());
        if (st == JIFFY_NOT_FOUND) return std::nullopt;
        eb.check(st);
        return out;
    }

    ExecResult executeIn(jiffy_txn* txn, std::string_view sql, const std::vector<Value>& params,
                         const RowFn& onRow) const
    {
        require(JIFFY_HOST_ENTRY(api_, db_execute), "db_execute");
        RowCallback rows(onRow);
        jiffy_exec_info info{};
        info.struct_size = sizeof info;
        ErrorBuffer eb;
        const jiffy_value* p = params.empty() ? nullptr : &params.front().v;
        jiffy_status st = JIFFY_HOST_ENTRY(api_, db_execute)(host_, txn, sql.data(), sql.size(), p, params.size(),
                                                             rows.sink(), &info, eb.get());
        if (st != JIFFY_OK && !rows.error().empty()) throw Error(st, rows.error());
        eb.check(st);
        return ExecResult{info.rows_affected, info.last_insert_id};
    }

    const jiffy_host_api* api_;
    jiffy_host* host_;
};

inline Transaction::~Transaction()
{
    if (txn_) {
        ErrorBuffer eb;
        if (auto fn = JIFFY_HOST_ENTRY(host_->api_, db_rollback)) fn(host_->host_, txn_, eb.get());
    }
}

inline ExecResult Transaction::execute(std::string_view sql, const std::vector<Value>& params, const RowFn& onRow)
{
    if (!txn_) fail(JIFFY_INVALID, "transaction already finished");
    return host_->executeIn(txn_, sql, params, onRow);
}

inline void Transaction::commit()
{
    if (!txn_) fail(JIFFY_INVALID, "transaction already finished");
    jiffy_txn* t = txn_;
    txn_ = nullptr;
    ErrorBuffer eb;
    auto fn = JIFFY_HOST_ENTRY(host_->api_, db_commit);
    eb.check(fn ? fn(host_->host_, t, eb.get()) : JIFFY_UNSUPPORTED);
}

inline void Transaction::rollback()
{
    if (!txn_) return;
    jiffy_txn* t = txn_;
    txn_ = nullptr;
    ErrorBuffer eb;
    auto fn = JIFFY_HOST_ENTRY(host_->api_, db_rollback);
    eb.check(fn ? fn(host_->host_, t, eb.get()) : JIFFY_UNSUPPORTED);
}

namespace detail {

/// An instance as the thunks see it: the host wrapper plus the author's object.
template <class T> struct Instance {
    Host host;
    T impl;
    // impl gets the stored host, so a plugin may keep a reference to it.
    Instance(const Host& h, std::string_view config) : host(h), impl(host, config) {}
};

template <class T>
jiffy_status create(const jiffy_host_api* api, jiffy_host* host, const char* config, size_t len, void** state,
                    jiffy_error* err) noexcept
{
    return guard(err, [&] {
        *state = new Instance<T>(Host(api, host), std::string_view(config ? config : "", config ? len : 0));
    });
}

/// True when T declares `static void check(const jiffy::Host&, std::string_view config)`.
template <class T, class = void> struct HasCheck : std::false_type {
};
template <class T>
struct HasCheck<T, std::void_t<decltype(T::check(std::declval<const Host&>(), std::string_view()))>> : std::true_type {
};

/// The descriptor's check() thunk (ABI 1.1): T::check throws jiffy::Error (or
/// anything) for a bad config; guard() turns that into a status.
template <class T>
jiffy_status check(const jiffy_host_api* api, jiffy_host* host, const char* config, size_t len,
                   jiffy_error* err) noexcept
{
    return guard(err, [&] { T::check(Host(api, host), std::string_view(config ? config : "", config ? len : 0)); });
}

template <class T> void destroy(void* state) noexcept
{
    try {
        delete static_cast<Instance<T>*>(state);
    } catch (...) {
        // a destructor that throws must not take the host down
    }
}

template <class T> T& impl(void* state)
{
    return static_cast<Instance<T>*>(state)->impl;
}

template <class T> const Host& host(void* state)
{
    return static_cast<Instance<T>*>(state)->host;
}

/// True when a host of this major offers only minors below `needMinor`.
constexpr bool hostTooOld(uint32_t hostMajor, uint32_t hostMaxMinor, uint32_t needMinor)
{
    return hostMajor == JIFFY_ABI_MAJOR && hostMaxMinor < needMinor;
}

inline std::string_view view(const void* p, size_t n)
{
    return p ? std::string_view(static_cast<const char*>(p), n) : std::string_view();
}

} // namespace detail

/// Number of entries of a plugin's option table, for the JIFFY_*_PLUGIN
/// macros: an array gives its length, `nullptr` (no options) gives 0.
template <size_t N> constexpr size_t optionCount(const jiffy_option (&)[N])
{
    return N;
}
constexpr size_t optionCount(std::nullptr_t)
{
    return 0;
}

/// Static facts about a plugin, given to the JIFFY_*_PLUGIN macros.
struct PluginInfo {
    const char* name;
    const char* version;
    uint64_t capabilities;
    const jiffy_option* options;
    size_t optionCount;
};

/// Builds the descriptor of plugin class T of kind `kind` with function table `vtable`;
/// `check` is set when T has a static `check(const Host&, std::string_view config)`.
template <class T> jiffy_plugin_descriptor makeDescriptor(int32_t kind, const PluginInfo& info, const void* vtable)
{
    jiffy_plugin_descriptor d{};
    d.struct_size = sizeof d;
    d.abi_major = JIFFY_ABI_MAJOR;
    d.abi_minor = JIFFY_ABI_MINOR;
    d.kind = kind;
    d.name = info.name;
    d.version = info.version;
    d.build_info = "C++ " __VERSION__ ", built " __DATE__;
    d.capabilities = info.capabilities;
    d.options = info.options;
    d.option_count = info.optionCount;
    d.create = &detail::create<T>;
    d.destroy = &detail::destroy<T>;
    d.vtable = vtable;
    if constexpr (detail::HasCheck<T>::value) d.check = &detail::check<T>;
    return d;
}

} // namespace jiffy

#ifndef JIFFY_PLUGIN_MIN_HOST_MINOR
/// The oldest host minor this plugin works with. A plugin that cannot do
/// without host API entries added in ABI 1.x defines it to x before
/// including any SDK header; an older host is then declined (the host
/// refuses the plugin, saying it needs a newer jiffyd). Default: any 1.x host
/// (entries a host lacks read as NULL and the wrappers throw UNSUPPORTED).
#define JIFFY_PLUGIN_MIN_HOST_MINOR 0
#endif

/// Defines the exported entry symbol returning `descriptorExpr` (a
/// `const jiffy_plugin_descriptor&` with static storage). The negotiation:
/// the host offers its major and the minors it understands; the plugin
/// declines (NULL) a host older than JIFFY_PLUGIN_MIN_HOST_MINOR, and answers
/// its descriptor otherwise, also to a foreign major, so that the host can
/// name both versions when it refuses.
#define JIFFY_EXPORT_DESCRIPTOR(descriptorExpr)                                                                        \
    JIFFY_EXTERN_C JIFFY_EXPORT const jiffy_plugin_descriptor* jiffy_plugin_query(                                     \
        uint32_t host_abi_major, uint32_t host_min_minor, uint32_t host_max_minor)                                     \
    {                                                                                                                  \
        (void)host_min_minor;                                                                                          \
        if (jiffy::detail::hostTooOld(host_abi_major, host_max_minor, JIFFY_PLUGIN_MIN_HOST_MINOR)) return nullptr;    \
        return &(descriptorExpr);                                                                                      \
    }

#endif // JIFFY_PLUGIN_HPP
