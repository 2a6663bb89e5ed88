// Finds plugin shared objects and opens them.
//
// Search order for a plugin given by name: the config's plugins_dir, then
// $JIFFY_PLUGINS_DIR, then next to the jiffyd binary (bin/../plugins in the
// build tree, ../lib/jiffy/plugins when installed under a prefix), then
// /usr/lib/jiffy/plugins. A name containing '/' or ending in ".so" is a file
// (relative to the config file's directory) and is not searched for.
#pragma once

#include "plugins/PluginLibrary.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace jiffy::host {

class PluginLoader {
public:
    explicit PluginLoader(std::vector<std::string> searchDirs);

    /// The search path described above; `pluginsDir` may be empty.
    static std::vector<std::string> defaultSearchDirs(const std::string& pluginsDir);
    /// File name a plugin of `kind` called `name` has: libjiffy-<kind>-<name>.so.
    static std::string fileNameFor(int32_t kind, const std::string& name);

    /// The file for `nameOrPath`; throws PluginLoadError listing where it looked.
    std::string locate(int32_t kind, const std::string& nameOrPath, const std::string& baseDir) const;
    /// Locates and opens a plugin; one PluginLibrary per file is shared while in use.
    std::shared_ptr<PluginLibrary> load(int32_t kind, const std::string& nameOrPath, const std::string& baseDir);

    /// Result of scanning the search path for --list-plugins.
    struct Found {
        std::string file;
        std::shared_ptr<PluginLibrary> library; ///< null when it failed to load
        std::string error;
    };
    /// Every libjiffy-*.so in the search path (first directory wins per file name).
    std::vector<Found> scan();

    const std::vector<std::string>& searchDirs() const { return dirs_; }

private:
    std::shared_ptr<PluginLibrary> open(const std::string& file, int32_t kind);

    std::vector<std::string> dirs_;
    std::mutex mutex_;
    std::map<std::string, std::weak_ptr<PluginLibrary>> open_;
};

} // namespace jiffy::host
