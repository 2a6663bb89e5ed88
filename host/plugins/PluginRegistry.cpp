#include "plugins/PluginRegistry.h"

#include "plugins/HostApi.h"
#include "plugins/OptionValidator.h"
#include "plugins/PluginErrors.h"

#include <Poco/JSON/Stringifier.h>

#include <sstream>

namespace jiffy::host {
namespace {

/// jiffy's database keys: a DB plugin may ignore those it does not use.
const std::set<std::string> kDbQuietKeys = {
    "db_dialect", "plugin", "host", "port", "usr", "password", "name", "ormLogActive", "ormDebugTraceActive"};
const std::set<std::string> kKvsQuietKeys = {"active", "plugin"};
const std::set<std::string> kRoutesQuietKeys = {"plugin"};

std::string toJson(const Poco::JSON::Object::Ptr& obj)
{
    std::ostringstream os;
    Poco::JSON::Stringifier::condense(obj, os);
    return os.str();
}

} // namespace

PluginRegistry::PluginRegistry(const Config& cfg, PluginLoader& loader, HostServices& services)
    : cfg_(cfg), loader_(loader), services_(services)
{
}

PluginRegistry::~PluginRegistry()
{
    stop();
}

std::vector<PluginRegistry::Planned> PluginRegistry::plan(std::vector<std::string>& warnings)
{
    std::vector<Planned> out;
    std::vector<ConfigIssue> issues;
    auto add = [&](int32_t kind, const std::string& plugin, const std::string& path, const Poco::JSON::Object::Ptr& raw,
                   const std::set<std::string>& quiet) {
        Planned p;
        p.kind = kind;
        p.path = path;
        try {
            p.lib = loader_.load(kind, plugin, cfg_.baseDir);
        } catch (const PluginLoadError& e) {
            issues.push_back({path, e.message()});
            return;
        }
        p.label = std::string(kindName(kind)) + "/" + p.lib->name();
        p.config = applyOptions(*p.lib, raw, path, cfg_, quiet, issues, warnings);
        out.push_back(std::move(p));
    };
    add(JIFFY_KIND_DB, cfg_.database.plugin, "database", cfg_.database.raw, kDbQuietKeys);
    add(JIFFY_KIND_KVS, cfg_.kvs.plugin, "group_leader_kvs." + cfg_.kvs.entry, cfg_.kvs.raw, kKvsQuietKeys);
    for (const auto& r : cfg_.routes) add(JIFFY_KIND_ROUTES, r.plugin, r.path, r.raw, kRoutesQuietKeys);
    if (!issues.empty()) throw ConfigError(cfg_.sourceFile, std::move(issues));
    return out;
}

std::vector<std::string> PluginRegistry::check(std::vector<std::string>& warnings)
{
    std::vector<Planned> planned = plan(warnings);
    std::vector<std::string> problems;
    auto runCheck = [&](const Planned& p) {
        auto fn = p.lib->descriptor().check;
        if (!fn) return true;
        std::unique_ptr<jiffy_host> ctx = context(p);
        std::string json = toJson(p.config);
        CallError err;
        jiffy_status s = fn(hostApi(), ctx.get(), json.data(), json.size(), err.get());
        if (s == JIFFY_OK) return true;
        problems.push_back(p.path + " (" + p.label + "): " + err.message(s));
        return false;
    };
    bool dbOk = true;
    for (const Planned& p : planned)
        if (p.kind != JIFFY_KIND_ROUTES && !runCheck(p) && p.kind == JIFFY_KIND_DB) dbOk = false;
    // Route plugins may read the database (a migration the start would
    // refuse): it is opened read-only when its plugin can do that.
    bool wantsDb = false;
    for (const Planned& p : planned)
        if (p.kind == JIFFY_KIND_ROUTES && p.lib->descriptor().check) wantsDb = true;
    for (const Planned& p : planned) {
        if (p.kind != JIFFY_KIND_DB || !dbOk || !wantsDb) continue;
        bool canReadOnly = false;
        for (const auto& o : p.lib->options())
            if (o.name == "read_only" && o.type == JIFFY_OPT_BOOL) canReadOnly = true;
        if (!canReadOnly) {
            warnings.push_back(p.path + ": " + p.label +
                               " cannot open the database read-only: the model migration was not checked");
            continue;
        }
        Planned ro = p;
        ro.config = new Poco::JSON::Object(*p.config);
        ro.config->set("read_only", true);
        try {
            db_ = std::make_unique<DbInstance>(ro.lib, context(ro), toJson(ro.config));
            services_.db = db_.get();
        } catch (const PluginLoadError& e) {
            // A database not created yet has nothing a migration could refuse.
            if (e.status() != JIFFY_NOT_FOUND)
                warnings.push_back(p.path +
                                   ": the database could not be opened read-only, so the model migration "
                                   "was not checked: " +
                                   e.message());
        }
    }
    for (const Planned& p : planned)
        if (p.kind == JIFFY_KIND_ROUTES) runCheck(p);
    services_.db = nullptr;
    db_.reset();
    return problems;
}

std::unique_ptr<jiffy_host> PluginRegistry::context(const Planned& p)
{
    auto ctx = std::make_unique<jiffy_host>();
    ctx->services = &services_;
    ctx->label = p.label;
    ctx->logger = &Poco::Logger::get("jiffyd." + p.label);
    ctx->config = p.config;
    return ctx;
}

void PluginRegistry::start(std::vector<std::string>& warnings)
{
    std::vector<Planned> planned = plan(warnings);
    try {
        for (const Planned& p : planned) {
            Poco::Logger::get("jiffyd").information("starting %s %s from %s", p.label, p.lib->version(), p.lib->file());
            std::string json = toJson(p.config);
            switch (p.kind) {
            case JIFFY_KIND_DB:
                db_ = std::make_unique<DbInstance>(p.lib, context(p), json);
                services_.db = db_.get();
                break;
            case JIFFY_KIND_KVS:
                kvs_ = std::make_unique<KvsInstance>(p.lib, context(p), json);
                services_.kvs = kvs_.get();
                if (!(p.lib->capabilities() & JIFFY_CAP_ATOMIC_CAS))
                    Poco::Logger::get("jiffyd").warning(
                        "%s has no atomic compare-and-set: leader election is weaker (last writer wins)", p.label);
                break;
            default:
                routes_.push_back(std::make_unique<RoutesInstance>(p.lib, context(p), json));
                break;
            }
        }
    } catch (...) {
        stop();
        throw;
    }
}

void PluginRegistry::stop()
{
    while (!routes_.empty()) routes_.pop_back();
    services_.kvs = nullptr;
    kvs_.reset();
    services_.db = nullptr;
    db_.reset();
}

} // namespace jiffy::host
