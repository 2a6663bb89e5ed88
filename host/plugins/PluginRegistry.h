// The live plugin instances of a process, made from the config in a fixed
// order (database, KVS, route plugins) and destroyed in the reverse order.
#pragma once

#include "config/Config.h"
#include "config/ConfigError.h"
#include "plugins/DbInstance.h"
#include "plugins/HostContext.h"
#include "plugins/KvsInstance.h"
#include "plugins/PluginLoader.h"
#include "plugins/RoutesInstance.h"

#include <Poco/Logger.h>

#include <memory>
#include <string>
#include <vector>

namespace jiffy::host {

class PluginRegistry {
public:
    PluginRegistry(const Config& cfg, PluginLoader& loader, HostServices& services);
    ~PluginRegistry();

    /// Loads every configured plugin, checks its options and runs its check()
    /// entry (ABI 1.1) without starting it; route plugins' checks see the
    /// database opened read-only when its plugin has a `read_only` option.
    /// Throws ConfigError (options) or PluginLoadError (libraries); returns
    /// the problems the plugins' checks found; warnings are appended to
    /// `warnings`.
    std::vector<std::string> check(std::vector<std::string>& warnings);
    /// Loads, checks and creates every instance; throws on the first failure
    /// after destroying what was already made.
    void start(std::vector<std::string>& warnings);
    /// Destroys every instance, route plugins first.
    void stop();

    DbInstance* db() const { return db_.get(); }
    KvsInstance* kvs() const { return kvs_.get(); }
    const std::vector<std::unique_ptr<RoutesInstance>>& routes() const { return routes_; }

private:
    struct Planned {
        int32_t kind;
        std::string label; ///< "db/sqlite"
        std::string path;  ///< JSON path of its config
        std::shared_ptr<PluginLibrary> lib;
        Poco::JSON::Object::Ptr config; ///< options applied
    };
    std::vector<Planned> plan(std::vector<std::string>& warnings);
    std::unique_ptr<jiffy_host> context(const Planned& p);

    const Config& cfg_;
    PluginLoader& loader_;
    HostServices& services_;
    std::unique_ptr<DbInstance> db_;
    std::unique_ptr<KvsInstance> kvs_;
    std::vector<std::unique_ptr<RoutesInstance>> routes_;
};

} // namespace jiffy::host
