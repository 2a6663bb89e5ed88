#include "plugins/PluginLibrary.h"

#include "plugins/PluginErrors.h"

#include <cstddef>
#include <cstring>
#include <filesystem>

namespace jiffy::host {

const char* kindName(int32_t kind)
{
    switch (kind) {
    case JIFFY_KIND_KVS:
        return "kvs";
    case JIFFY_KIND_DB:
        return "db";
    case JIFFY_KIND_ROUTES:
        return "routes";
    default:
        return "unknown";
    }
}

const char* optionTypeName(int32_t type)
{
    switch (type) {
    case JIFFY_OPT_STRING:
        return "string";
    case JIFFY_OPT_INT:
        return "integer";
    case JIFFY_OPT_BOOL:
        return "boolean";
    case JIFFY_OPT_DOUBLE:
        return "number";
    case JIFFY_OPT_STRING_LIST:
        return "array of strings";
    case JIFFY_OPT_OBJECT:
        return "object";
    case JIFFY_OPT_ADDRESS:
        return "\"host:port\"";
    case JIFFY_OPT_ADDRESS_LIST:
        return "array of \"host:port\"";
    case JIFFY_OPT_PATH:
        return "file path";
    case JIFFY_OPT_PATH_LIST:
        return "array of file paths";
    default:
        return "any";
    }
}

namespace {

/// Copies min(src.struct_size, sizeof(T)) bytes of a struct into a zeroed T.
template <class T> T copyPrefix(const void* src)
{
    T out{};
    uint32_t size = 0;
    std::memcpy(&size, src, sizeof size);
    std::memcpy(&out, src, size < sizeof(T) ? size : sizeof(T));
    return out;
}

std::string str(const char* s)
{
    return s ? std::string(s) : std::string();
}

} // namespace

const std::vector<PluginLibrary::RequiredEntry>& PluginLibrary::requiredEntries(int32_t kind)
{
    // Exactly the entries abi.h marks "Required." (a unit test compares them).
#define JIFFY_REQUIRED(T, f)                                                                                           \
    RequiredEntry                                                                                                      \
    {                                                                                                                  \
#f, offsetof(T, f)                                                                                             \
    }
    static const std::vector<RequiredEntry> kvs = {
        JIFFY_REQUIRED(jiffy_kvs_vtable, get),    JIFFY_REQUIRED(jiffy_kvs_vtable, set),
        JIFFY_REQUIRED(jiffy_kvs_vtable, add),    JIFFY_REQUIRED(jiffy_kvs_vtable, compare_and_set),
        JIFFY_REQUIRED(jiffy_kvs_vtable, remove), JIFFY_REQUIRED(jiffy_kvs_vtable, incr),
        JIFFY_REQUIRED(jiffy_kvs_vtable, health)};
    static const std::vector<RequiredEntry> db = {
        JIFFY_REQUIRED(jiffy_db_vtable, dialect),  JIFFY_REQUIRED(jiffy_db_vtable, execute),
        JIFFY_REQUIRED(jiffy_db_vtable, begin),    JIFFY_REQUIRED(jiffy_db_vtable, commit),
        JIFFY_REQUIRED(jiffy_db_vtable, rollback), JIFFY_REQUIRED(jiffy_db_vtable, health)};
    static const std::vector<RequiredEntry> routes = {JIFFY_REQUIRED(jiffy_routes_vtable, routes),
                                                      JIFFY_REQUIRED(jiffy_routes_vtable, handle)};
#undef JIFFY_REQUIRED
    return kind == JIFFY_KIND_KVS ? kvs : kind == JIFFY_KIND_DB ? db : routes;
}

std::shared_ptr<PluginLibrary> PluginLibrary::open(const std::string& file, int32_t expectedKind)
{
    std::error_code fsErr;
    if (!std::filesystem::exists(file, fsErr)) throw PluginLoadError(file + ": plugin file does not exist");
    if (!std::filesystem::is_regular_file(file, fsErr))
        throw PluginLoadError(file + ": not a regular file, expected a plugin shared object");

    std::shared_ptr<PluginLibrary> lib(new PluginLibrary);
    lib->file_ = file;
    try {
        lib->lib_.load(boost::dll::fs::path(file), boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
    } catch (const std::exception& e) { // boost::dll reports std::system_error with BOOST_DLL_USE_STD_FS
        std::string why = e.what();
        size_t at = why.find("dlerror system message: ");
        if (at != std::string::npos) why = why.substr(at + 24, why.size() - at - 25);
        throw PluginLoadError(file + ": not a loadable shared object (" + why + ")");
    }
    if (!lib->lib_.has(JIFFY_PLUGIN_ENTRY_SYMBOL))
        throw PluginLoadError(file + ": not a Jiffy plugin: it does not export " JIFFY_PLUGIN_ENTRY_SYMBOL);
    lib->validate(expectedKind);
    return lib;
}

void PluginLibrary::validate(int32_t expectedKind)
{
    auto query = lib_.get<const jiffy_plugin_descriptor*(uint32_t, uint32_t, uint32_t)>(JIFFY_PLUGIN_ENTRY_SYMBOL);
    const jiffy_plugin_descriptor* raw = query(JIFFY_ABI_MAJOR, 0, JIFFY_ABI_MINOR);
    const std::string host = std::to_string(JIFFY_ABI_MAJOR) + "." + std::to_string(JIFFY_ABI_MINOR);
    if (!raw)
        throw PluginLoadError(file_ + ": the plugin declined this host's plugin ABI " + host +
                              ": it needs a newer jiffyd (one that offers the ABI minor it was built for)");
    if (raw->struct_size < offsetof(jiffy_plugin_descriptor, kind))
        throw PluginLoadError(file_ + ": descriptor is " + std::to_string(raw->struct_size) +
                              " bytes, too small to be a Jiffy plugin descriptor");
    if (raw->abi_major != JIFFY_ABI_MAJOR)
        throw PluginLoadError(file_ + ": built for plugin ABI " + std::to_string(raw->abi_major) + "." +
                              std::to_string(raw->abi_minor) + ", but this jiffyd speaks ABI " + host +
                              "; rebuild the plugin against the " + std::to_string(JIFFY_ABI_MAJOR) + ".x SDK");
    if (raw->struct_size < offsetof(jiffy_plugin_descriptor, vtable) + sizeof(void*))
        throw PluginLoadError(file_ + ": descriptor is " + std::to_string(raw->struct_size) +
                              " bytes, smaller than ABI 1.0 requires");
    desc_ = copyPrefix<jiffy_plugin_descriptor>(raw);
    name_ = str(desc_.name);
    version_ = str(desc_.version);
    if (name_.empty()) throw PluginLoadError(file_ + ": descriptor has no name");
    if (desc_.kind < JIFFY_KIND_KVS || desc_.kind > JIFFY_KIND_ROUTES)
        throw PluginLoadError(file_ + ": plugin " + name_ + " has unknown kind " + std::to_string(desc_.kind));
    if (expectedKind != 0 && desc_.kind != expectedKind)
        throw PluginLoadError(file_ + ": plugin " + name_ + " is a " + kindName(desc_.kind) + " plugin, expected a " +
                              kindName(expectedKind) + " plugin");
    if (!desc_.create || !desc_.destroy || !desc_.vtable)
        throw PluginLoadError(file_ + ": plugin " + name_ + " lacks create, destroy or its function table");

    std::string missing;
    const void* table = desc_.kind == JIFFY_KIND_KVS  ? static_cast<const void*>(&kvs_)
                        : desc_.kind == JIFFY_KIND_DB ? static_cast<const void*>(&db_)
                                                      : static_cast<const void*>(&routes_);
    switch (desc_.kind) {
    case JIFFY_KIND_KVS:
        kvs_ = copyPrefix<jiffy_kvs_vtable>(desc_.vtable);
        break;
    case JIFFY_KIND_DB:
        db_ = copyPrefix<jiffy_db_vtable>(desc_.vtable);
        break;
    default:
        routes_ = copyPrefix<jiffy_routes_vtable>(desc_.vtable);
        break;
    }
    for (const RequiredEntry& e : requiredEntries(desc_.kind)) {
        const void* fn = nullptr;
        std::memcpy(&fn, static_cast<const char*>(table) + e.offset, sizeof fn);
        if (!fn) missing += std::string(missing.empty() ? "" : ", ") + e.name;
    }
    if (!missing.empty())
        throw PluginLoadError(file_ + ": " + kindName(desc_.kind) + " plugin " + name_ +
                              " lacks required functions: " + missing);

    if (desc_.options && desc_.option_count > 0) {
        if (desc_.options->struct_size < offsetof(jiffy_option, required) + sizeof(int32_t))
            throw PluginLoadError(file_ + ": option table entries are too small");
        for (size_t i = 0; i < desc_.option_count; ++i) {
            jiffy_option o = copyPrefix<jiffy_option>(jiffy_option_at(desc_.options, i));
            if (!o.name || !*o.name) throw PluginLoadError(file_ + ": option " + std::to_string(i) + " has no name");
            options_.push_back({o.name, o.type, o.required != 0, str(o.default_json), str(o.help)});
        }
    }
}

} // namespace jiffy::host
