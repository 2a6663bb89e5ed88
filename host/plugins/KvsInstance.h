// A KVS plugin instance: raw status-returning calls (used by the host API
// pass-through) and C++ calls that throw PluginCallError.
#pragma once

#include "plugins/PluginInstance.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace jiffy::host {

enum class CasOutcome { Swapped, Conflict, NotFound };

class KvsInstance : public PluginInstance {
public:
    using PluginInstance::PluginInstance;

    // Raw calls: the jiffy_kvs_vtable semantics, serialized if needed.
    jiffy_status get(std::string_view key, const jiffy_sink* out, jiffy_error* err) const;
    jiffy_status set(std::string_view key, std::string_view value, int64_t ttlMs, jiffy_error* err) const;
    jiffy_status add(std::string_view key, std::string_view value, int64_t ttlMs, jiffy_error* err) const;
    jiffy_status compareAndSet(std::string_view key, std::string_view expected, std::string_view value, int64_t ttlMs,
                               jiffy_error* err) const;
    jiffy_status remove(std::string_view key, jiffy_error* err) const;
    jiffy_status incr(std::string_view key, int64_t delta, int64_t* result, jiffy_error* err) const;
    jiffy_status health(jiffy_error* err) const;

    // Throwing calls for host code.
    std::optional<std::string> get(std::string_view key) const;
    void set(std::string_view key, std::string_view value, int64_t ttlMs = 0) const;
    bool add(std::string_view key, std::string_view value, int64_t ttlMs = 0) const;
    CasOutcome compareAndSet(std::string_view key, std::string_view expected, std::string_view value,
                             int64_t ttlMs = 0) const;
    bool remove(std::string_view key) const;
    int64_t incr(std::string_view key, int64_t delta = 1) const;
    void health() const;
};

} // namespace jiffy::host
