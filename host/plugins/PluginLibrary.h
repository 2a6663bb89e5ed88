// One loaded plugin shared object and the host's copy of its descriptor.
// Shared (std::shared_ptr) by every instance made from it, so the library is
// unloaded only after the last instance is destroyed.
#pragma once

#include <jiffy/abi.h>

#include <boost/dll/shared_library.hpp>

#include <memory>
#include <string>
#include <vector>

namespace jiffy::host {

/// One option of a plugin's table, copied out of the library.
struct PluginOption {
    std::string name;
    int32_t type = JIFFY_OPT_ANY;
    bool required = false;
    std::string defaultJson; ///< "" = no default
    std::string help;
};

/// Name of an option type for messages ("string", "host:port", ...).
const char* optionTypeName(int32_t type);

class PluginLibrary {
public:
    /// Opens `file` and validates its descriptor; throws PluginLoadError
    /// naming the file and the reason. `expectedKind` 0 accepts any kind.
    static std::shared_ptr<PluginLibrary> open(const std::string& file, int32_t expectedKind);

    /// A function-table entry abi.h marks "Required.": its name and offset.
    struct RequiredEntry {
        const char* name;
        size_t offset;
    };
    /// The required entries of the function table of `kind`; a plugin
    /// leaving one NULL is refused, naming it.
    static const std::vector<RequiredEntry>& requiredEntries(int32_t kind);

    PluginLibrary(const PluginLibrary&) = delete;
    PluginLibrary& operator=(const PluginLibrary&) = delete;

    const std::string& file() const { return file_; }
    /// The descriptor, zero-extended to the host's size.
    const jiffy_plugin_descriptor& descriptor() const { return desc_; }
    const std::string& name() const { return name_; }
    const std::string& version() const { return version_; }
    int32_t kind() const { return desc_.kind; }
    uint64_t capabilities() const { return desc_.capabilities; }
    bool threadSafe() const { return (desc_.capabilities & JIFFY_CAP_THREAD_SAFE) != 0; }
    const std::vector<PluginOption>& options() const { return options_; }

    /// The kind's table, zero-extended; only the one matching kind() is filled.
    const jiffy_kvs_vtable& kvs() const { return kvs_; }
    const jiffy_db_vtable& db() const { return db_; }
    const jiffy_routes_vtable& routes() const { return routes_; }

private:
    PluginLibrary() = default;
    void validate(int32_t expectedKind);

    boost::dll::shared_library lib_;
    std::string file_;
    std::string name_, version_;
    jiffy_plugin_descriptor desc_{};
    jiffy_kvs_vtable kvs_{};
    jiffy_db_vtable db_{};
    jiffy_routes_vtable routes_{};
    std::vector<PluginOption> options_;
};

} // namespace jiffy::host
