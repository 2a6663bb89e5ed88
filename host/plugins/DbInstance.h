// A DB plugin instance: raw calls for the host API pass-through, and a
// throwing C++ interface for host code (auth tables, /readyz).
#pragma once

#include "plugins/PluginInstance.h"

#include <jiffy/plugin.hpp>

#include <functional>
#include <string_view>
#include <vector>

namespace jiffy::host {

class DbInstance : public PluginInstance {
public:
    DbInstance(std::shared_ptr<PluginLibrary> lib, std::unique_ptr<jiffy_host> ctx, const std::string& configJson);

    /// The dialect, read once at start (its strings are static in the plugin).
    const jiffy_db_dialect& dialect() const { return dialect_; }

    // Raw calls: jiffy_db_vtable semantics.
    jiffy_status execute(jiffy_db_conn* conn, std::string_view sql, const jiffy_value* params, size_t count,
                         const jiffy_row_sink* rows, jiffy_exec_info* info, jiffy_error* err) const;
    jiffy_status begin(jiffy_db_conn** out, jiffy_error* err) const;
    jiffy_status commit(jiffy_db_conn* conn, jiffy_error* err) const;
    jiffy_status rollback(jiffy_db_conn* conn, jiffy_error* err) const;
    jiffy_status health(jiffy_error* err) const;

    /// Runs a statement; throws PluginCallError. `onRow` may be empty.
    jiffy::ExecResult execute(std::string_view sql, const std::vector<jiffy::Value>& params,
                              const std::function<void(const jiffy::ValuesView&)>& onRow = {},
                              jiffy_db_conn* conn = nullptr) const;
    /// Throws PluginCallError when the database does not answer.
    void health() const;

private:
    jiffy_db_dialect dialect_{};
};

} // namespace jiffy::host
