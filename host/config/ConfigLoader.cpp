#include "config/ConfigLoader.h"

#include "config/FieldReader.h"
#include "config/SecretFiles.h"

#include <jiffy/json_syntax.hpp>

#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/JSON/JSONException.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Path.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <sstream>

namespace jiffy::host {

namespace {

/// Built-in KVS entries of jiffy's group_leader_kvs and the plugin serving each.
const std::map<std::string, std::string> kBuiltinKvs = {{"local_standalone", "standalone"},
                                                        {"sluggo", "sluggo"},
                                                        {"redis", "redis"},
                                                        {"memcached", "memcached"},
                                                        {"etcd", "etcd"}};

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

/// Every top-level key the loader reads (for "did you mean" hints).
const std::vector<std::string> kTopLevelKeys = {"external_address",
                                                "internal_address",
                                                "env",
                                                "ping_cycle",
                                                "failure_threshold",
                                                "pepper",
                                                "pepper_file",
                                                "hmac_Key",
                                                "hmac_Key_file",
                                                "cert_file",
                                                "key_file",
                                                "jwt_sign_method",
                                                "jwt_lifetime",
                                                "plugins_dir",
                                                "database",
                                                "group_leader_kvs",
                                                "logging",
                                                "http",
                                                "auth",
                                                "routes",
                                                "service_activations",
                                                "rsa256_priv_key_file",
                                                "rsa256_pub_key_file",
                                                "rsa384_priv_key_file",
                                                "rsa384_pub_key_file",
                                                "rsa512_priv_key_file",
                                                "rsa512_pub_key_file",
                                                "ecdsa256_priv_key_file",
                                                "ecdsa256_pub_key_file",
                                                "ecdsa384_priv_key_file",
                                                "ecdsa384_pub_key_file",
                                                "ecdsa521_priv_key_file",
                                                "ecdsa521_pub_key_file"};

/// Levenshtein distance, case-insensitive.
size_t editDistance(const std::string& a, const std::string& b)
{
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t up = row[j];
            bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (same ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

/// The known key closest to `key` when it is a plausible typo, else "".
std::string suggestKey(const std::string& key, const std::vector<std::string>& known)
{
    std::string best;
    size_t bestD = std::max<size_t>(2, key.size() / 4) + 1;
    for (const auto& k : known) {
        size_t d = editDistance(key, k);
        if (d < bestD) {
            bestD = d;
            best = k;
        }
    }
    return best;
}

/// Two keys of one object that differ only in case: jiffy's decoder would
/// take one of them silently; we name both.
void checkSpellings(const Poco::JSON::Object::Ptr& obj, const std::string& path, std::vector<ConfigIssue>& issues)
{
    std::vector<std::string> keys;
    obj->getNames(keys);
    for (size_t i = 0; i < keys.size(); ++i)
        for (size_t j = i + 1; j < keys.size(); ++j)
            if (Poco::icompare(keys[i], keys[j]) == 0)
                issues.push_back(
                    {path, "\"" + keys[i] + "\" and \"" + keys[j] + "\" are two spellings of one key; keep one"});
}

/// Replaces every string value of the tree by its ${VAR} expansion.
void expandTree(Poco::Dynamic::Var& v, const std::string& path, const EnvLookup& env, std::vector<ConfigIssue>& issues)
{
    if (v.type() == typeid(Poco::JSON::Object::Ptr)) {
        auto obj = v.extract<Poco::JSON::Object::Ptr>();
        checkSpellings(obj, path, issues);
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
                                "\"; the built-in ones are local_standalone, sluggo, redis, "
                                "memcached and etcd, and a custom one names its shared object in \"plugin\"");
                continue;
            }
            plugin = it->second;
        }
        cfg.kvs.entry = name;
        cfg.kvs.plugin = plugin;
        cfg.kvs.raw = entry;
    }
    if (active.empty())
        r.issue("", "no entry has \"active\": true; exactly one must (local_standalone, sluggo, redis, memcached, etcd "
                    "or a custom KVS)");
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
    r.readString("format", l.format);
    if (l.format != "text" && l.format != "json")
        r.issue("format", "expected \"text\" or \"json\", got \"" + l.format + "\"");
    r.readString("output", l.output);
    if (l.output.empty())
        r.issue("output", "expected \"stderr\" or a file path, got \"\"");
    else if (l.output != "stderr")
        l.output = cfg.resolvePath(l.output);
    r.readInt("rotate_bytes", l.rotateBytes, 4096, int64_t(1) << 40);
    r.readInt("keep", l.keep, 1, 1000);
    r.readBool("requests", l.requests);
    if (r.has("request_sample")) {
        Poco::Dynamic::Var v = r.get("request_sample");
        double d = -1;
        if (v.isNumeric() && !v.isBoolean()) d = v.convert<double>();
        if (d < 0 || d > 1)
            r.issue("request_sample", "expected a number from 0 to 1, got " + describeJson(v));
        else
            l.requestSample = d;
    }
    r.readInt("repeat_burst", l.repeatBurst, 1, 1000000);
    r.readInt("repeat_interval_s", l.repeatIntervalS, 1, 86400);
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
    r.readInt("max_connections_per_client", h.maxConnectionsPerClient, 0, 100000);
    r.readInt("request_head_timeout_ms", h.requestHeadTimeoutMs, 0, 3600000);
    for (const auto& k : r.unreadKeys()) cfg.warnings.push_back(r.pathOf(k) + ": unknown key, ignored");
}

/// A secret given inline (`key`, usually through ${VAR}) or in a file
/// (`fileKey`); both at once is an error. Files readable by others are warned about.
void readSecret(FieldReader& r, const std::string& key, const std::string& fileKey, std::string& out, Config& cfg)
{
    std::string file;
    r.readString(fileKey, file);
    if (file.empty()) {
        r.readString(key, out);
        return;
    }
    if (r.has(key)) return r.issue(fileKey, "give either " + key + " or " + fileKey + ", not both");
    file = cfg.resolvePath(file);
    try {
        out = readSecretFile("", file);
    } catch (const std::runtime_error& e) {
        return r.issue(fileKey, e.what());
    }
    if (auto w = secretPermissionWarning(r.pathOf(fileKey), file)) cfg.warnings.push_back(*w);
}

/// env "prod" refuses jiffy's sample secrets and empty ones.
void checkProdSecret(const Config& cfg, const std::string& key, const std::string& value, const char* sample,
                     const std::string& envVar, std::vector<ConfigIssue>& issues)
{
    if (cfg.env != "prod") return;
    const std::string how = "set a long random secret through the environment (\"" + key + "\": \"${" + envVar +
                            "}\") or a file (\"" + key + "_file\": \"/run/secrets/" + key + "\")";
    if (value.empty())
        issues.push_back({key, "is empty, which env \"prod\" refuses; " + how});
    else if (value == sample)
        issues.push_back(
            {key, "is jiffy's sample value \"" + std::string(sample) + "\", which env \"prod\" refuses; " + how});
}

void readAuth(FieldReader& root, Config& cfg, std::vector<ConfigIssue>& issues)
{
    Poco::JSON::Object::Ptr obj = root.readObject("auth");
    if (!obj) return;
    FieldReader r(obj, "auth", issues);
    AuthConfig& a = cfg.auth;
    r.readBool("enabled", a.enabled);
    r.readBool("open_registration", a.openRegistration);
    if (Poco::JSON::Array::Ptr groups = r.readArray("registration_groups")) {
        for (unsigned i = 0; i < groups->size(); ++i) {
            const std::string at = "registration_groups[" + std::to_string(i) + "]";
            Poco::Dynamic::Var g = groups->get(i);
            if (!g.isString() || Poco::trim(g.convert<std::string>()).empty()) {
                r.issue(at, "expected a group name, got " + describeJson(g));
            } else if (Poco::icompare(Poco::trim(g.convert<std::string>()), "Super") == 0) {
                r.issue(at, "\"Super\" can never be given to self-registered users: it holds every authorization");
            } else {
                a.registrationGroups.push_back(Poco::trim(g.convert<std::string>()));
            }
        }
    }
    r.readBool("registration_active", a.registrationActive);
    readSecret(r, "admin_password", "admin_password_file", a.adminPassword, cfg);
    if (!a.adminPassword.empty() && a.adminPassword.size() < 6)
        r.issue(r.has("admin_password_file") ? "admin_password_file" : "admin_password",
                "the admin password must be at least 6 characters");
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
        // "file:line:col: what", as compilers say it, so editors jump there.
        if (std::optional<jiffy::JsonSyntaxError> at = jiffy::findJsonSyntaxError(text))
            throw ConfigError("", {{"", source + ":" + std::to_string(at->line) + ":" + std::to_string(at->column) +
                                            ": not valid JSON: " + at->message}});
        throw ConfigError(source, {{"", "not valid JSON: " + e.message()}});
    }
    if (parsed.type() != typeid(Poco::JSON::Object::Ptr))
        throw ConfigError(source, {{"", "expected a JSON object at the top level, got " + describeJson(parsed)}});
    // ${JIFFY_DATA_DIR} always has a value: the variable, else ./data in the
    // working directory (never the config file's folder, which may be a
    // source tree). The process creates it when it starts (Config::dataDir).
    std::string dataDir;
    EnvLookup env = [this, &dataDir](const std::string& name) -> std::optional<std::string> {
        std::optional<std::string> v = env_(name);
        if (name != "JIFFY_DATA_DIR") return v;
        if (!v || v->empty()) v = Poco::Path(Poco::Path::current()).append("data").toString();
        dataDir = *v;
        return v;
    };
    expandTree(parsed, "", env, issues);

    Config cfg;
    cfg.sourceFile = source;
    cfg.baseDir = baseDir;
    cfg.root = parsed.extract<Poco::JSON::Object::Ptr>();
    cfg.dataDir = dataDir;
    FieldReader r(cfg.root, "", issues);

    r.readAddress("external_address", cfg.externalAddress);
    r.readAddress("internal_address", cfg.internalAddress);
    r.readString("env", cfg.env);
    r.readUInt("ping_cycle", cfg.pingCycle);
    r.readUInt("failure_threshold", cfg.failureThreshold);
    readSecret(r, "pepper", "pepper_file", cfg.pepper, cfg);
    readSecret(r, "hmac_Key", "hmac_Key_file", cfg.hmacKey, cfg);
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
    checkProdSecret(cfg, "pepper", cfg.pepper, "secret-pepper-key", "JIFFY_PEPPER", issues);
    checkProdSecret(cfg, "hmac_Key", cfg.hmacKey, "secret-hmac-key", "JIFFY_HMAC_KEY", issues);
    if (!cfg.keyFile.empty())
        if (auto w = secretPermissionWarning("key_file", cfg.resolvePath(cfg.keyFile))) cfg.warnings.push_back(*w);
    for (const auto& [key, file] : cfg.jwtKeyFiles)
        if (key.find("_priv_") != std::string::npos)
            if (auto w = secretPermissionWarning(key, cfg.resolvePath(file))) cfg.warnings.push_back(*w);

    if (r.get("env").isString() && cfg.env != "dev" && cfg.env != "prod")
        r.issue("env", "expected \"dev\" or \"prod\" (jiffy's values), got \"" + cfg.env + "\"");
    // A misspelt top-level key would silently fall back to a default (a
    // PostgreSQL config becoming a local SQLite file): an error in prod.
    for (const auto& k : r.unreadKeys()) {
        std::string hint = suggestKey(k, kTopLevelKeys);
        std::string msg = "unknown key" + (hint.empty() ? std::string() : ", did you mean \"" + hint + "\"?");
        if (cfg.env == "prod")
            issues.push_back({k, msg + " (env \"prod\" refuses unknown keys)"});
        else
            cfg.warnings.push_back(k + ": " + msg + " (ignored)");
    }
    if (!issues.empty()) throw ConfigError(source, std::move(issues));
    return cfg;
}

Config ConfigLoader::defaults() const
{
    // jiffy's DefaultConfig() names jiffy.db and an ES384 key pair under
    // ./jwtkeys; ours keep that layout inside the data directory.
    Config cfg = loadText(R"({"database": {"db_dialect": "sqlite", "name": "${JIFFY_DATA_DIR}/jiffy.db"},
                              "ecdsa384_priv_key_file": "${JIFFY_DATA_DIR}/jwtkeys/ecdsa384/ec384.priv.pem",
                              "ecdsa384_pub_key_file": "${JIFFY_DATA_DIR}/jwtkeys/ecdsa384/ec384.pub.pem"})",
                          "(built-in defaults)", Poco::Path::current());
    cfg.warnings.clear();
    return cfg;
}

} // namespace jiffy::host
