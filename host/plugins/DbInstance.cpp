#include "plugins/DbInstance.h"

#include "plugins/PluginErrors.h"

namespace jiffy::host {

DbInstance::DbInstance(std::shared_ptr<PluginLibrary> lib, std::unique_ptr<jiffy_host> ctx,
                       const std::string& configJson)
    : PluginInstance(std::move(lib), std::move(ctx), configJson)
{
    dialect_.struct_size = sizeof dialect_;
    CallError err;
    auto lock = serialize();
    checkStatus(lib_->db().dialect(state(), &dialect_, err.get()), err, label() + " dialect");
}

jiffy_status DbInstance::execute(jiffy_db_conn* conn, std::string_view sql, const jiffy_value* params, size_t count,
                                 const jiffy_row_sink* rows, jiffy_exec_info* info, jiffy_error* err) const
{
    auto lock = serialize();
    return lib_->db().execute(state(), conn, sql.data(), sql.size(), params, count, rows, info, err);
}

jiffy_status DbInstance::begin(jiffy_db_conn** out, jiffy_error* err) const
{
    auto lock = serialize();
    return lib_->db().begin(state(), out, err);
}

jiffy_status DbInstance::commit(jiffy_db_conn* conn, jiffy_error* err) const
{
    auto lock = serialize();
    return lib_->db().commit(state(), conn, err);
}

jiffy_status DbInstance::rollback(jiffy_db_conn* conn, jiffy_error* err) const
{
    auto lock = serialize();
    return lib_->db().rollback(state(), conn, err);
}

jiffy_status DbInstance::health(jiffy_error* err) const
{
    auto lock = serialize();
    return lib_->db().health(state(), err);
}

jiffy::ExecResult DbInstance::execute(std::string_view sql, const std::vector<jiffy::Value>& params,
                                      const std::function<void(const jiffy::ValuesView&)>& onRow,
                                      jiffy_db_conn* conn) const
{
    jiffy::RowCallback rows(onRow);
    jiffy_exec_info info{};
    info.struct_size = sizeof info;
    CallError err;
    jiffy_status s =
        execute(conn, sql, params.empty() ? nullptr : &params.front().v, params.size(), rows.sink(), &info, err.get());
    if (s != JIFFY_OK && !rows.error().empty()) throw PluginCallError(s, rows.error());
    checkStatus(s, err, label());
    return {info.rows_affected, info.last_insert_id};
}

void DbInstance::health() const
{
    CallError err;
    checkStatus(health(err.get()), err, label() + " health");
}

} // namespace jiffy::host
