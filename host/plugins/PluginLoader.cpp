#include "plugins/PluginLoader.h"

#include "plugins/PluginErrors.h"

#include <boost/dll/runtime_symbol_info.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>

namespace fs = std::filesystem;

namespace jiffy::host {

PluginLoader::PluginLoader(std::vector<std::string> searchDirs) : dirs_(std::move(searchDirs)) {}

std::vector<std::string> PluginLoader::defaultSearchDirs(const std::string& pluginsDir)
{
    std::vector<std::string> dirs;
    auto add = [&dirs](const std::string& d) {
        if (!d.empty() && std::find(dirs.begin(), dirs.end(), d) == dirs.end()) dirs.push_back(d);
    };
    add(pluginsDir);
    if (const char* env = std::getenv("JIFFY_PLUGINS_DIR")) add(env);
    try {
        fs::path exeDir = fs::path(boost::dll::program_location().string()).parent_path();
        add(fs::weakly_canonical(exeDir / ".." / "plugins").string());
        add(fs::weakly_canonical(exeDir / ".." / "lib" / "jiffy" / "plugins").string());
    } catch (const std::exception&) {
        // no /proc: skip the binary-relative places
    }
    add("/usr/lib/jiffy/plugins");
    return dirs;
}

std::string PluginLoader::fileNameFor(int32_t kind, const std::string& name)
{
    return "libjiffy-" + std::string(kindName(kind)) + "-" + name + ".so";
}

std::string PluginLoader::locate(int32_t kind, const std::string& nameOrPath, const std::string& baseDir) const
{
    bool isFile = nameOrPath.find('/') != std::string::npos ||
                  (nameOrPath.size() > 3 && nameOrPath.compare(nameOrPath.size() - 3, 3, ".so") == 0);
    if (isFile) {
        fs::path p(nameOrPath);
        if (p.is_relative() && !baseDir.empty()) p = fs::path(baseDir) / p;
        return p.lexically_normal().string();
    }
    std::string file = fileNameFor(kind, nameOrPath);
    std::string looked;
    for (const auto& d : dirs_) {
        fs::path p = fs::path(d) / file;
        std::error_code ec;
        if (fs::exists(p, ec)) return p.string();
        looked += (looked.empty() ? "" : ", ") + d;
    }
    throw PluginLoadError(std::string("no ") + kindName(kind) + " plugin \"" + nameOrPath + "\": looked for " + file +
                          " in " + (looked.empty() ? "(no directories)" : looked));
}

std::shared_ptr<PluginLibrary> PluginLoader::open(const std::string& file, int32_t kind)
{
    std::lock_guard<std::mutex> lock(mutex_);
    std::error_code ec;
    std::string key = fs::weakly_canonical(file, ec).string();
    if (key.empty()) key = file;
    if (auto lib = open_[key].lock()) {
        if (kind != 0 && lib->kind() != kind)
            throw PluginLoadError(file + ": plugin " + lib->name() + " is a " + kindName(lib->kind()) +
                                  " plugin, expected a " + kindName(kind) + " plugin");
        return lib;
    }
    auto lib = PluginLibrary::open(file, kind);
    open_[key] = lib;
    return lib;
}

std::shared_ptr<PluginLibrary> PluginLoader::load(int32_t kind, const std::string& nameOrPath,
                                                  const std::string& baseDir)
{
    return open(locate(kind, nameOrPath, baseDir), kind);
}

std::vector<PluginLoader::Found> PluginLoader::scan()
{
    std::vector<Found> found;
    std::set<std::string> seen;
    for (const auto& d : dirs_) {
        std::error_code ec;
        if (!fs::is_directory(d, ec)) continue;
        std::vector<fs::path> files;
        for (const auto& entry : fs::directory_iterator(d, ec)) {
            std::string n = entry.path().filename().string();
            if (n.rfind("libjiffy-", 0) == 0 && n.size() > 3 && n.compare(n.size() - 3, 3, ".so") == 0)
                files.push_back(entry.path());
        }
        std::sort(files.begin(), files.end());
        for (const auto& f : files) {
            if (!seen.insert(f.filename().string()).second) continue;
            Found item;
            item.file = f.string();
            try {
                item.library = open(item.file, 0);
            } catch (const Poco::Exception& e) {
                item.error = e.message();
            }
            found.push_back(std::move(item));
        }
    }
    return found;
}

} // namespace jiffy::host
