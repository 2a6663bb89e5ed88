// jiffy/db.hpp — write a SQL database plugin as an ordinary C++ class.
//
//   class MyDb : public jiffy::Database {
//   public:
//       MyDb(const jiffy::Host& host, std::string_view configJson);
//       ... override the pure virtual functions ...
//   };
//   JIFFY_DB_PLUGIN(MyDb, "mydb", "1.0.0", JIFFY_CAP_THREAD_SAFE | JIFFY_CAP_TRANSACTIONS, kOptions)
//
// Semantics are those of jiffy_db_vtable in abi.h: map a unique or
// foreign-key violation to JIFFY_CONFLICT, a bad statement or NOT NULL
// violation to JIFFY_INVALID, a lost server to JIFFY_UNAVAILABLE.
#ifndef JIFFY_DB_HPP
#define JIFFY_DB_HPP

#include "jiffy/plugin.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace jiffy {

/// A connection held for a transaction; the plugin derives its own.
class DbConnection {
public:
    virtual ~DbConnection() = default;
};

/// Writes query results to the caller's jiffy_row_sink.
class RowWriter {
public:
    explicit RowWriter(const jiffy_row_sink* sink) : sink_(sink) {}
    /// False when the caller did not ask for rows (skip building them).
    bool wanted() const { return sink_ != nullptr; }
    /// Announces the column names; call once before the first row.
    void columns(const std::vector<std::string>& names)
    {
        if (!sink_) return;
        std::vector<Value> v(names.begin(), names.end());
        forward(sink_->columns(sink_->ctx, v.empty() ? nullptr : &v.front().v, v.size()));
    }
    /// The same, with names already as TEXT values (a plugin that keeps them
    /// per prepared statement builds nothing per query).
    void columns(const std::vector<Value>& names)
    {
        if (!sink_) return;
        forward(sink_->columns(sink_->ctx, names.empty() ? nullptr : &names.front().v, names.size()));
    }
    /// Hands one row to the caller.
    void row(const std::vector<Value>& values)
    {
        if (!sink_) return;
        forward(sink_->row(sink_->ctx, values.empty() ? nullptr : &values.front().v, values.size()));
    }

private:
    static void forward(jiffy_status s)
    {
        if (s != JIFFY_OK) throw Error(s, "the row sink stopped the query");
    }
    const jiffy_row_sink* sink_;
};

/// Base class of a DB plugin.
class Database {
public:
    virtual ~Database() = default;
    /// The dialect; strings must be static.
    virtual jiffy_db_dialect dialect() = 0;
    /// Runs one statement on `conn` (nullptr: any pooled connection, autocommit).
    virtual void execute(DbConnection* conn, std::string_view sql, const ValuesView& params, RowWriter& rows,
                         ExecResult& result) = 0;
    /// Takes a pooled connection and begins a transaction on it.
    virtual DbConnection* begin() = 0;
    /// Commits; must release `conn` even when the commit fails.
    virtual void commit(DbConnection* conn) = 0;
    /// Rolls back and releases `conn`.
    virtual void rollback(DbConnection* conn) = 0;
    /// Throws when the database does not answer now. The default says "unknown"
    /// (JIFFY_UNSUPPORTED, shown as such by /readyz), never a false "ok".
    virtual void health() { fail(JIFFY_UNSUPPORTED, "this plugin does not report its health"); }
};

namespace detail {

template <class T> struct DbThunks {
    static DbConnection* conn(jiffy_db_conn* c) { return reinterpret_cast<DbConnection*>(c); }

    static jiffy_status dialect(void* st, jiffy_db_dialect* out, jiffy_error* err) noexcept
    {
        return guard(err, [&] {
            jiffy_db_dialect d = impl<T>(st).dialect();
            d.struct_size = sizeof d;
            uint32_t want = out->struct_size;
            std::memcpy(out, &d, want < sizeof d ? want : sizeof d);
            out->struct_size = want;
        });
    }
    static jiffy_status execute(void* st, jiffy_db_conn* c, const char* sql, size_t sqlLen, const jiffy_value* params,
                                size_t n, const jiffy_row_sink* rows, jiffy_exec_info* info, jiffy_error* err) noexcept
    {
        return guard(err, [&] {
            RowWriter w(rows);
            ExecResult r;
            impl<T>(st).execute(conn(c), view(sql, sqlLen), ValuesView(params, params ? n : 0), w, r);
            if (info) {
                info->rows_affected = r.rowsAffected;
                info->last_insert_id = r.lastInsertId;
            }
        });
    }
    static jiffy_status begin(void* st, jiffy_db_conn** out, jiffy_error* err) noexcept
    {
        return guard(err, [&] { *out = reinterpret_cast<jiffy_db_conn*>(impl<T>(st).begin()); });
    }
    static jiffy_status commit(void* st, jiffy_db_conn* c, jiffy_error* err) noexcept
    {
        return guard(err, [&] { impl<T>(st).commit(conn(c)); });
    }
    static jiffy_status rollback(void* st, jiffy_db_conn* c, jiffy_error* err) noexcept
    {
        return guard(err, [&] { impl<T>(st).rollback(conn(c)); });
    }
    static jiffy_status health(void* st, jiffy_error* err) noexcept
    {
        return guard(err, [&] { impl<T>(st).health(); });
    }

    static const jiffy_db_vtable table;
};

template <class T>
const jiffy_db_vtable DbThunks<T>::table = {sizeof(jiffy_db_vtable), &DbThunks<T>::dialect, &DbThunks<T>::execute,
                                            &DbThunks<T>::begin,     &DbThunks<T>::commit,  &DbThunks<T>::rollback,
                                            &DbThunks<T>::health};

} // namespace detail
} // namespace jiffy

/// Exports DB plugin class `Class` (derived from jiffy::Database) under `name`.
#define JIFFY_DB_PLUGIN(Class, name, version, capabilities, options)                                                   \
    static const jiffy_plugin_descriptor jiffy_plugin_descriptor_ = jiffy::makeDescriptor<Class>(                      \
        JIFFY_KIND_DB, jiffy::PluginInfo{name, version, capabilities, options, jiffy::optionCount(options)},           \
        &jiffy::detail::DbThunks<Class>::table);                                                                       \
    JIFFY_EXPORT_DESCRIPTOR(jiffy_plugin_descriptor_)

#endif // JIFFY_DB_HPP
