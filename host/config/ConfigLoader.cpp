#include "config/ConfigLoader.h"

#include "config/FieldReader.h"

#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/JSON/JSONException.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Path.h>
#include <Poco/StreamCopier.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

namespace jiffy::host {

namespace {

/// Built-in KVS entries of jiffy's group_leader_kvs and the plugin serving each.
const std::map<std::string, std::string> kBuiltinKvs = {
    {"local_standalone", "standalone"}, {"sluggo", "sluggo"}, {"redis", "redis"}, {"memcached", "memcached"}};

/// jiffy's JWT key-file keys (PEM paths).
const std::vector<std::string> kJwtKeyFiles = {
    "rsa256_priv_key_file",   "rsa256_pub_key_file",   "rsa384_priv_key_file",   "rsa384_pub_key_file",
    "rsa512_priv_key_file",   "rsa512_pub_key_file",   "ecdsa256_priv_key_file", "ecdsa256_pub_key_file",
    "ecdsa384_priv_key_file", "ecdsa384_pub_key_file", "ecdsa521_priv_key_file", "ecdsa521_pub_key_file"};

const std::vector<std::string> kSignMethods = {"ES256", "ES384", "ES512", "RS256", "RS384", "RS512"};

std::string join(const std::vector<std::string>& items, const std::string& sep)
{
    std::string out;
    for (const auto& s : items) out += (out.empty() ? "" : sep) + s;
    return out;
}

/// Replaces every string value of the tree by its ${VAR} expansion.
void expandTree(Poco::Dynamic::Var& v, const std::string& path, const EnvLookup& env, std::vector<ConfigIssue>& issues)
{
    if (v.type() == typeid(Poco::JSON::Object::Ptr)) {
        auto obj = v.extract<Poco::JSON::Object::Ptr>();
        std::vector<std::string> keys;
        obj->getNames(keys);
        for (const auto& k : keys) {
            Poco::Dynamic::Var child = obj->get(k);
            expandTree(child, path.empty() ? k : path + "." + k, env, issues);
            obj->set(k, child);
        }
    } else if (v.type() == typeid(Poco::JSON::Array::Ptr)) {
        auto arr = v.extract<Poco::JSON::Array::Ptr>();
        for (unsigned i = 0; i < arr->size(); ++i) {
            Poco::Dynamic::Var child = arr->get(i);
            expandTree(child, path + "[" + std::to_string(i) + "]", env, issues);
            arr->set(i, child);
        }
    } else if (v.isString()) {
        try {
            v = expandEnv(v.convert<std::string>(), env);
        } catch (const std::invalid_argument& e) {
            issues.push_back({path, e.what()});
        }
    }
}

void readDatabase(FieldReader& root, Config& cfg, std::vector<ConfigIssue>& issues)
{
    Poco::JSON::Object::Ptr db = root.readObject("database");
    if (!db) {
        if (root.has("database")) return; // wrong type, already reported
        cfg.database.dialect = "sqlite";
        cfg.database.plugin = "sqlite";
        cfg.database.raw = new Poco::JSON::Object;
        cfg.database.raw->set("db_dialect", "sqlite");
        cfg.database.raw->set("name", "jiffy.db");
        cfg.warnings.push_back("database: absent, using SQLite file \"jiffy.db\"");
        return;
    }
    FieldReader r(db, "database", issues);
    r.readString("db_dialect", cfg.database.dialect);
    r.readString("plugin", cfg.database.plugin);
    cfg.database.raw = db;
    std::string& d = cfg.database.dialect;
    if (d == "sqlite3") d = "sqlite";
    if (d == "postgresql") d = "postgres";
    if (d == "mariadb") d = "mysql"; // one plugin serves both
    if (!cfg.database.plugin.empty()) {
        if (d.empty()) d = cfg.database.plugin;
        return;
    }
    if (d.empty() && !r.has("db_dialect")) {
        r.issue("db_dialect", "required: \"sqlite\", \"postgres\" or \"mysql\"");
    } else if (d == "sqlite" || d == "postgres" || d == "mysql") {
        cfg.database.plugin = d;
    } else if (d == "mssql" || d == "hdb") {
        r.issue("db_dialect", "\"" + d +
                                  "\" is a jiffy dialect that Jiffy C++ does not support; use \"sqlite\", "
                                  "\"postgres\" or \"mysql\", or name a DB plugin in database.plugin");
    } else if (!d.empty()) {
        r.issue("db_dialect",
                "unknown dialect \"" + d + "\"; expected \"sqlite\", \"postgres\" or \"mysql\" (or \"mariadb\")");
    }
}

void readKvs(FieldReader& root, Config& cfg, std::vector<ConfigIssue>& issues)
{
    Poco::JSON::Object::Ptr kvs = root.readObject("group_leader_kvs");
    if (!kvs) {
        if (root.has("group_leader_kvs")) return;
        cfg.kvs.entry = "local_standalone";
        cfg.kvs.plugin = "standalone";
        cfg.kvs.raw = new Poco::JSON::Object;
        cfg.kvs.raw->set("active", true);
        return;
    }
    FieldReader r(kvs, "group_leader_kvs", issues);
    std::vector<std::string> active;
    std::vector<std::string> names;
    kvs->getNames(names);
    for (const auto& name : names) {
        Poco::JSON::Object::Ptr entry = r.readObject(name);
        if (!entry) continue;
        FieldReader e(entry, r.pathOf(name), issues);
        bool on = false;
        e.readBool("active", on);
        if (!on) continue;
        active.push_back(name);
        std::string plugin;
        e.readString("plugin", plugin);
        if (plugin.empty()) {
            auto it = kBuiltinKvs.find(name);
            if (it == kBuiltinKvs.end()) {
                e.issue("", "unknown KVS \"" + name +
                                "\"; the built-in ones are local_standalone, sluggo, redis and "
                                "memcached, and a custom one names its shared object in \"plugin\"");
                continue;
            }
            plugin = it->second;
        }
        cfg.kvs.entry = name;
        cfg.kvs.plugin = plugin;
        cfg.kvs.raw = entry;
    }
    if (active.empty())
        r.issue("", "no entry has \"active\": true; exactly one must (local_standalone, sluggo, redis, memcached or a "
                    "custom KVS)");
    else if (active.size() > 1)
        r.issue("", "only one group_leader_kvs subsystem may be set as active; found " + std::to_string(active.size()) +
                        ": " + join(active, ", "));
}

void readRoutes(FieldReader& root, Config& cfg, std::vector<ConfigIssue>& issues)
{
    Poco::JSON::Array::Ptr routes = root.readArray("routes");
    if (!routes) return;
    for (unsigned i = 0; i < routes->size(); ++i) {
        std::string path = root.pathOf("routes") + "[" + std::to_string(i) + "]";
        Poco::Dynamic::Var v = routes->get(i);
        if (v.type() != typeid(Poco::JSON::Object::Ptr)) {
            issues.push_back({path, "expected an object with \"plugin\", got " + describeJson(v)});
            continue;
        }
        RoutePluginConfig rc;
        rc.raw = v.extract<Poco::JSON::Object::Ptr>();
        rc.path = path;
        FieldReader r(rc.raw, path, issues);
        r.readString("plugin", rc.plugin);
        if (rc.plugin.empty() && !r.has("plugin"))
            r.issue("plugin", "required: the name or file of a route plugin, e.g. \"models\"");
        else if (!rc.plugin.empty())
            cfg.routes.push_back(rc);
    }
}

void readServiceActivations(FieldReader& root, Config& cfg, std::vector<ConfigIssue>& issues)
{
    Poco::JSON::Array::Ptr arr = root.readArray("service_activations");
    if (!arr) return;
    for (unsigned i = 0; i < arr->size(); ++i) {
        std::string path = root.pathOf("service_activations") + "[" + std::to_string(i) + "]";
        Poco::Dynamic::Var v = arr->get(i);
        if (v.type() != typeid(Poco::JSON::Object::Ptr)) {
            issues.push_back(
                {path, "expected an object {\"service_name\", \"service_active\"}, got " + describeJson(v)});
            continue;
        }
        FieldReader r(v.extract<Poco::JSON::Object::Ptr>(), path, issues);
        ServiceActivation sa;
        r.readString("service_name", sa.serviceName);
        r.readBool("service_active", sa.serviceActive);
        if (sa.serviceName.empty())
            r.issue("service_name", "required: the entity name, e.g. \"Library\"");
        else
            cfg.serviceActivations.push_back(sa);
    }
}

void readLogging(FieldReader& root, Config& cfg, std::vector<ConfigIssue>& issues)
{
    Poco::JSON::Object::Ptr obj = root.readObject("logging");
    if (!obj) return;
    FieldReader r(obj, "logging", issues);
    LoggingConfig& l = cfg.logging;
    r.readBool("active", l.active);
    r.readBool("callLocation", l.callLocation);
    r.readBool("colorMsgTypes", l.colorMsgTypes);
    r.readBool("infoMsgs", l.infoMsgs);
    r.readBool("warningMsgs", l.warningMsgs);
    r.readBool("errorMsgs", l.errorMsgs);
    r.readBool("debugMsgs", l.debugMsgs);
    r.readBool("traceMsgs", l.traceMsgs);
    for (const auto& k : r.unreadKeys()) cfg.warnings.push_back(r.pathOf(k) + ": unknown key, ignored");
}

void readHttp(FieldReader& root, Config& cfg, std::vector<ConfigIssue>& issues)
{
    Poco::JSON::Object::Ptr obj = root.readObject("http");
    if (!obj) return;
    FieldReader r(obj, "http", issues);
    HttpConfig& h = cfg.http;
    r.readInt("max_body_bytes", h.maxBodyBytes, 1, int64_t(1) << 32);
    r.readInt("max_threads", h.maxThreads, 1, 1024);
    r.readInt("max_queued", h.maxQueued, 1, 100000);
    r.readBool("keep_alive", h.keepAlive);
    r.readInt("keep_alive_timeout_s", h.keepAliveTimeoutS, 1, 3600);
    r.readInt("drain_timeout_ms", h.drainTimeoutMs, 0, 600000);
    for (const auto& k : r.unreadKeys()) cfg.warnings.push_back(r.pathOf(k) + ": unknown key, ignored");
}

void readAuth(FieldReader& root, Config& cfg, std::vector<ConfigIssue>& issues)
{
    Poco::JSON::Object::Ptr obj = root.readObject("auth");
    if (!obj) return;
    FieldReader r(obj, "auth", issues);
    AuthConfig& a = cfg.auth;
    r.readBool("enabled", a.enabled);
    r.readBool("open_registration", a.openRegistration);
    r.readString("password_hash", a.passwordHash);
    if (a.passwordHash != "bcrypt" && a.passwordHash != "argon2id")
        r.issue("password_hash", "expected \"bcrypt\" or \"argon2id\", got \"" + a.passwordHash + "\"");
    r.readInt("bcrypt_cost", a.bcryptCost, 10, 16);
    r.readInt("argon2_time_cost", a.argon2TimeCost, 1, 100);
    r.readInt("argon2_memory_kib", a.argon2MemoryKiB, 8192, 4 * 1024 * 1024);
    r.readInt("argon2_parallelism", a.argon2Parallelism, 1, 64);
    r.readInt("login_max_failures", a.loginMaxFailures, 1, 1000);
    r.readInt("login_max_failures_per_address", a.loginMaxFailuresPerAddress, 1, 100000);
    r.readInt("login_window_s", a.loginWindowS, 1, 86400);
    r.readInt("login_lockout_s", a.loginLockoutS, 1, 86400);
    r.readInt("token_leeway_s", a.tokenLeewayS, 0, 600);
    r.readInt("token_cache_size", a.tokenCacheSize, 0, 10000000);
    r.readInt("cache_refresh_s", a.cacheRefreshS, 0, 86400);
    for (const auto& k : r.unreadKeys()) cfg.warnings.push_back(r.pathOf(k) + ": unknown key, ignored");
}

} // namespace

ConfigError::ConfigError(const std::string& file, std::vector<ConfigIssue> issues)
    : Poco::Exception("invalid configuration"), issues_(std::move(issues))
{
    std::string text;
    for (const auto& i : issues_) text += (text.empty() ? "" : "\n") + (file.empty() ? "" : file + ": ") + i.text();
    message(text);
}

bool Config::serviceActive(const std::string& name) const
{
    for (const auto& sa : serviceActivations)
        if (sa.serviceName == name) return sa.serviceActive;
    return false;
}

std::string Config::resolvePath(const std::string& path) const
{
    if (path.empty() || path[0] == '/' || path[0] == ':' || baseDir.empty()) return path;
    return (std::filesystem::path(baseDir) / path).lexically_normal().string();
}

ConfigLoader::ConfigLoader(EnvLookup env) : env_(std::move(env)) {}

Config ConfigLoader::loadFile(const std::string& file) const
{
    std::string text;
    try {
        Poco::File f(file);
        if (!f.exists()) throw ConfigError(file, {{"", "file does not exist"}});
        if (f.isDirectory()) throw ConfigError(file, {{"", "is a directory, expected a JSON file"}});
        Poco::FileInputStream in(file);
        Poco::StreamCopier::copyToString(in, text);
    } catch (const ConfigError&) {
        throw;
    } catch (const Poco::Exception& e) {
        throw ConfigError(file, {{"", "cannot read: " + e.displayText()}});
    }
    Poco::Path abs = Poco::Path(file).absolute();
    return loadText(text, file, abs.parent().toString());
}

Config ConfigLoader::loadText(const std::string& text, const std::string& source, const std::string& baseDir) const
{
    std::vector<ConfigIssue> issues;
    Poco::Dynamic::Var parsed;
    try {
        Poco::JSON::Parser parser;
        parsed = parser.parse(text);
    } catch (const Poco::Exception& e) {
        throw ConfigError(source, {{"", "not valid JSON: " + e.message()}});
    }
    if (parsed.type() != typeid(Poco::JSON::Object::Ptr))
        throw ConfigError(source, {{"", "expected a JSON object at the top level, got " + describeJson(parsed)}});
    expandTree(parsed, "", env_, issues);

    Config cfg;
    cfg.sourceFile = source;
    cfg.baseDir = baseDir;
    cfg.root = parsed.extract<Poco::JSON::Object::Ptr>();
    FieldReader r(cfg.root, "", issues);

    r.readAddress("external_address", cfg.externalAddress);
    r.readAddress("internal_address", cfg.internalAddress);
    r.readString("env", cfg.env);
    r.readUInt("ping_cycle", cfg.pingCycle);
    r.readUInt("failure_threshold", cfg.failureThreshold);
    r.readString("pepper", cfg.pepper);
    r.readString("hmac_Key", cfg.hmacKey);
    r.readString("cert_file", cfg.certFile);
    r.readString("key_file", cfg.keyFile);
    for (const auto& k : kJwtKeyFiles) {
        std::string v;
        r.readString(k, v);
        if (!v.empty()) cfg.jwtKeyFiles[k] = v;
    }
    r.readString("jwt_sign_method", cfg.jwtSignMethod);
    if (cfg.jwtSignMethod == "ES521") cfg.jwtSignMethod = "ES512";
    if (std::find(kSignMethods.begin(), kSignMethods.end(), cfg.jwtSignMethod) == kSignMethods.end())
        r.issue("jwt_sign_method",
                "expected one of " + join(kSignMethods, ", ") + ", got \"" + cfg.jwtSignMethod + "\"");
    r.readUInt("jwt_lifetime", cfg.jwtLifetimeMinutes);
    r.readString("plugins_dir", cfg.pluginsDir);
    if (!cfg.pluginsDir.empty()) cfg.pluginsDir = cfg.resolvePath(cfg.pluginsDir);

    readDatabase(r, cfg, issues);
    readKvs(r, cfg, issues);
    readLogging(r, cfg, issues);
    readHttp(r, cfg, issues);
    readAuth(r, cfg, issues);
    readRoutes(r, cfg, issues);
    readServiceActivations(r, cfg, issues);

    if (cfg.env == "prod" && (cfg.certFile.empty() || cfg.keyFile.empty()))
        issues.push_back({"env", "\"prod\" serves HTTPS and needs cert_file and key_file"});

    for (const auto& k : r.unreadKeys()) cfg.warnings.push_back(k + ": unknown key, ignored");
    if (!issues.empty()) throw ConfigError(source, std::move(issues));
    return cfg;
}

Config ConfigLoader::defaults() const
{
    // jiffy's DefaultConfig() names an ES384 key pair under ./jwtkeys; so do we.
    Config cfg = loadText(R"({"ecdsa384_priv_key_file": "jwtkeys/ecdsa384/ec384.priv.pem",
                              "ecdsa384_pub_key_file": "jwtkeys/ecdsa384/ec384.pub.pem"})",
                          "(built-in defaults)", Poco::Path::current());
    cfg.warnings.clear();
    return cfg;
}

} // namespace jiffy::host
