#include "config/ConfigLoader.h"

#include "config/FieldReader.h"
#include "config/OptionTable.h"
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
#include <limits>
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

// What the tables cannot say, written by hand: each hook below is a rule of
// one key that is more than a type and a range.

/// logging.output: "stderr" or a file path, resolved against the config's folder.
void checkLogOutput(FieldReader& r, const std::string& key, LoggingConfig& l, ReadContext& ctx)
{
    if (l.output.empty())
        r.issue(key, "expected \"stderr\" or a file path, got \"\"");
    else if (l.output != "stderr")
        l.output = ctx.cfg.resolvePath(l.output);
}

/// auth.registration_groups: group names, trimmed; "Super" never.
void readRegistrationGroups(FieldReader& r, const std::string& key, AuthConfig& a, ReadContext&)
{
    Poco::JSON::Array::Ptr groups = r.readArray(key);
    if (!groups) return;
    for (unsigned i = 0; i < groups->size(); ++i) {
        const std::string at = key + "[" + std::to_string(i) + "]";
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

/// auth.admin_password (or its _file): at least 6 characters.
void checkAdminPassword(FieldReader& r, const std::string& key, AuthConfig& a, ReadContext&)
{
    if (!a.adminPassword.empty() && a.adminPassword.size() < 6)
        r.issue(r.has(key + "_file") ? key + "_file" : key, "the admin password must be at least 6 characters");
}

/// jwt_sign_method: jiffy's alias ES521 is ES512; one of kSignMethods.
void checkSignMethod(FieldReader& r, const std::string& key, Config& cfg, ReadContext&)
{
    if (cfg.jwtSignMethod == "ES521") cfg.jwtSignMethod = "ES512";
    if (std::find(kSignMethods.begin(), kSignMethods.end(), cfg.jwtSignMethod) == kSignMethods.end())
        r.issue(key, "expected one of " + join(kSignMethods, ", ") + ", got \"" + cfg.jwtSignMethod + "\"");
}

/// The rsa*/ecdsa* key-file keys land in one map, by key.
void readJwtKeyFile(FieldReader& r, const std::string& key, Config& cfg, ReadContext&)
{
    std::string v;
    r.readString(key, v);
    if (!v.empty()) cfg.jwtKeyFiles[key] = v;
}

const std::vector<HostOption<LoggingConfig>>& loggingOptions()
{
    using L = LoggingConfig;
    static const std::vector<HostOption<L>> table = {
        flagOption("active", &L::active, "false: nothing but fatal messages"),
        flagOption("callLocation", &L::callLocation, "file:line on info and warning messages"),
        flagOption("colorMsgTypes", &L::colorMsgTypes, "coloured type labels, when the output is a terminal"),
        flagOption("infoMsgs", &L::infoMsgs, "info messages"),
        flagOption("warningMsgs", &L::warningMsgs, "warning messages"),
        flagOption("errorMsgs", &L::errorMsgs, "error messages"),
        flagOption("debugMsgs", &L::debugMsgs, "debug messages"),
        flagOption("traceMsgs", &L::traceMsgs, "trace messages"),
        choiceOption("format", &L::format, {"text", "json"}, "one line of text, or one JSON object, a message"),
        textOption("output", &L::output, "\"stderr\" (journald, containers) or a file path, rotated",
                   HostOption<L>::Text::Plain, checkLogOutput),
        numberOption("rotate_bytes", &L::rotateBytes, 4096, int64_t(1) << 40, "rotate the file past this size"),
        numberOption("keep", &L::keep, 1, 1000, "rotated files kept besides the current one"),
        flagOption("requests", &L::requests, "one line per request (logger jiffyd.request)"),
        numberOption("request_sample", &L::requestSample, 0, 1,
                     "share of 1xx-3xx requests logged (4xx and 5xx: all, rate-limited)"),
        numberOption("repeat_burst", &L::repeatBurst, 1, 1000000,
                     "similar warnings, errors and 4xx/5xx request lines written per window, the rest counted"),
        numberOption("repeat_interval_s", &L::repeatIntervalS, 1, 86400, "the window of repeat_burst"),
    };
    return table;
}

const std::vector<HostOption<HttpConfig>>& httpOptions()
{
    using H = HttpConfig;
    static const std::vector<HostOption<H>> table = {
        numberOption("max_body_bytes", &H::maxBodyBytes, 1, int64_t(1) << 32, "larger request bodies answer 413"),
        numberOption("max_threads", &H::maxThreads, 1, 1024, "worker threads"),
        numberOption("max_queued", &H::maxQueued, 1, 100000, "accepted connections waiting for a thread"),
        flagOption("keep_alive", &H::keepAlive, "HTTP keep-alive"),
        numberOption("keep_alive_timeout_s", &H::keepAliveTimeoutS, 1, 3600, "idle time of a kept-alive connection"),
        numberOption("drain_timeout_ms", &H::drainTimeoutMs, 0, 600000,
                     "how long shutdown waits for in-flight requests"),
        numberOption("max_connections_per_client", &H::maxConnectionsPerClient, 0, 100000,
                     "open connections one client address may hold (more answer 503); 0 = no limit"),
        numberOption("request_head_timeout_ms", &H::requestHeadTimeoutMs, 0, 3600000,
                     "time to send a complete request head, then the connection is closed; 0 = no limit"),
    };
    return table;
}

const std::vector<HostOption<AuthConfig>>& authOptions()
{
    using A = AuthConfig;
    static const std::vector<HostOption<A>> table = {
        flagOption("enabled", &A::enabled, "false: every route is open (a loud warning at start)"),
        flagOption("open_registration", &A::openRegistration, "POST /usr without a token, throttled"),
        customOption<A>("registration_groups", readRegistrationGroups, "array of strings", "[]",
                        "the only groups a self-registered user may join (\"Super\" never)"),
        flagOption("registration_active", &A::registrationActive,
                   "self-registered users are active at once (else an admin activates them)"),
        textOption("admin_password", &A::adminPassword,
                   "admin's first password, at least 6 characters (absent: jiffy's \"initpass\")",
                   HostOption<A>::Text::Secret, checkAdminPassword),
        choiceOption("password_hash", &A::passwordHash, {"bcrypt", "argon2id"}, "the hash of new passwords"),
        numberOption("bcrypt_cost", &A::bcryptCost, 10, 16, "bcrypt's cost factor"),
        numberOption("argon2_time_cost", &A::argon2TimeCost, 1, 100, "argon2id's passes"),
        numberOption("argon2_memory_kib", &A::argon2MemoryKiB, 8192, 4 * 1024 * 1024, "argon2id's memory"),
        numberOption("argon2_parallelism", &A::argon2Parallelism, 1, 64, "argon2id's lanes"),
        numberOption("login_max_failures", &A::loginMaxFailures, 1, 1000, "failed logins per email before a lockout"),
        numberOption("login_max_failures_per_address", &A::loginMaxFailuresPerAddress, 1, 100000,
                     "failed logins per client address before a lockout"),
        numberOption("login_window_s", &A::loginWindowS, 1, 86400, "failures older than this are forgotten"),
        numberOption("login_lockout_s", &A::loginLockoutS, 1, 86400, "how long a lockout lasts (429, Retry-After)"),
        numberOption("token_leeway_s", &A::tokenLeewayS, 0, 600, "clock skew accepted on exp, nbf and iat"),
        numberOption("token_cache_size", &A::tokenCacheSize, 0, 10000000, "verified tokens kept until they expire"),
        numberOption("cache_refresh_s", &A::cacheRefreshS, 0, 86400,
                     "users and grants are reloaded this often (under the cluster's invalidations)"),
    };
    return table;
}

/// One entry of service_activations (no unknown-key warnings: jiffy's entries carry none).
const std::vector<HostOption<ServiceActivation>>& serviceActivationOptions()
{
    using SA = ServiceActivation;
    static const std::vector<HostOption<SA>> table = {
        textOption("service_name", &SA::serviceName, "the entity name, e.g. \"Library\" (required)"),
        flagOption("service_active", &SA::serviceActive, "its routes are served"),
    };
    return table;
}

/// One entry of routes (its other keys are the plugin's options).
const std::vector<HostOption<RoutePluginConfig>>& routeOptions()
{
    using RC = RoutePluginConfig;
    static const std::vector<HostOption<RC>> table = {
        textOption("plugin", &RC::plugin, "the name or file of a route plugin, e.g. \"models\" (required)"),
    };
    return table;
}

void readRoutes(FieldReader& root, const std::string& key, Config& cfg, ReadContext& ctx)
{
    Poco::JSON::Array::Ptr routes = root.readArray(key);
    if (!routes) return;
    for (unsigned i = 0; i < routes->size(); ++i) {
        std::string path = root.pathOf(key) + "[" + std::to_string(i) + "]";
        Poco::Dynamic::Var v = routes->get(i);
        if (v.type() != typeid(Poco::JSON::Object::Ptr)) {
            ctx.issues.push_back({path, "expected an object with \"plugin\", got " + describeJson(v)});
            continue;
        }
        RoutePluginConfig rc;
        rc.raw = v.extract<Poco::JSON::Object::Ptr>();
        rc.path = path;
        FieldReader r(rc.raw, path, ctx.issues);
        readOptions(r, routeOptions(), rc, ctx);
        if (rc.plugin.empty() && !r.has("plugin"))
            r.issue("plugin", "required: the name or file of a route plugin, e.g. \"models\"");
        else if (!rc.plugin.empty())
            cfg.routes.push_back(rc);
    }
}

void readServiceActivations(FieldReader& root, const std::string& key, Config& cfg, ReadContext& ctx)
{
    Poco::JSON::Array::Ptr arr = root.readArray(key);
    if (!arr) return;
    for (unsigned i = 0; i < arr->size(); ++i) {
        std::string path = root.pathOf(key) + "[" + std::to_string(i) + "]";
        Poco::Dynamic::Var v = arr->get(i);
        if (v.type() != typeid(Poco::JSON::Object::Ptr)) {
            ctx.issues.push_back(
                {path, "expected an object {\"service_name\", \"service_active\"}, got " + describeJson(v)});
            continue;
        }
        FieldReader r(v.extract<Poco::JSON::Object::Ptr>(), path, ctx.issues);
        ServiceActivation sa;
        readOptions(r, serviceActivationOptions(), sa, ctx);
        if (sa.serviceName.empty())
            r.issue("service_name", "required: the entity name, e.g. \"Library\"");
        else
            cfg.serviceActivations.push_back(sa);
    }
}

/// The top level, in reading order. database and group_leader_kvs hold the
/// plugins' options (checked against their own tables when they load).
const std::vector<HostOption<Config>>& topLevelOptions()
{
    using C = Config;
    using Text = HostOption<C>::Text;
    static const std::vector<HostOption<C>> table = [] {
        std::vector<HostOption<C>> t = {
            addressOption("external_address", &C::externalAddress, "the public HTTP(S) address"),
            addressOption("internal_address", &C::internalAddress, "the cluster bus address"),
            // Its values are checked in loadText, after the rules of prod.
            shownRange(textOption("env", &C::env, "prod: HTTPS only, no sample or empty secrets, unknown keys refused"),
                       "\"dev\", \"def\" or \"prod\""),
            numberOption("ping_cycle", &C::pingCycle, 0, std::numeric_limits<uint32_t>::max(),
                         "seconds between the failure detector's probes (0 = 1)"),
            numberOption("failure_threshold", &C::failureThreshold, 0, std::numeric_limits<int64_t>::max(),
                         "the failure detector's suspicion multiplier (0 = 5, above 100 = 100)"),
            textOption("pepper", &C::pepper, "added to every password before hashing; prod refuses this sample",
                       Text::Secret),
            textOption("hmac_Key", &C::hmacKey, "the cluster's shared secret", Text::Secret),
            textOption("cert_file", &C::certFile, "TLS certificate (PEM); with key_file, HTTPS"),
            textOption("key_file", &C::keyFile, "TLS private key (PEM)"),
        };
        for (const auto& k : kJwtKeyFiles)
            t.push_back(customOption<C>(k, readJwtKeyFile, "path", "", "a JWT key file (PEM)"));
        t.push_back(
            shownRange(textOption("jwt_sign_method", &C::jwtSignMethod, "the JWT algorithm (jiffy's ES521 means ES512)",
                                  Text::Plain, checkSignMethod),
                       join(kSignMethods, ", ")));
        t.push_back(numberOption("jwt_lifetime", &C::jwtLifetimeMinutes, 0, std::numeric_limits<uint32_t>::max(),
                                 "minutes a token is valid"));
        t.push_back(textOption("plugins_dir", &C::pluginsDir, "first directory searched for plugins", Text::Path));
        t.push_back(customOption<C>(
            "database",
            [](FieldReader& r, const std::string&, C& c, ReadContext& ctx) { readDatabase(r, c, ctx.issues); },
            "object", "SQLite \"jiffy.db\"", "db_dialect and the DB plugin's options"));
        t.push_back(customOption<C>(
            "group_leader_kvs",
            [](FieldReader& r, const std::string&, C& c, ReadContext& ctx) { readKvs(r, c, ctx.issues); }, "object",
            "local_standalone", "the KVS entries; exactly one has \"active\": true"));
        t.push_back(customOption<C>(
            "logging",
            [](FieldReader& r, const std::string& key, C& c, ReadContext& ctx) {
                readSection(r, key, loggingOptions(), c.logging, ctx);
            },
            "object", "", "its keys: the logging rows below"));
        t.push_back(customOption<C>(
            "http",
            [](FieldReader& r, const std::string& key, C& c, ReadContext& ctx) {
                readSection(r, key, httpOptions(), c.http, ctx);
            },
            "object", "", "its keys: the http rows below"));
        t.push_back(customOption<C>(
            "auth",
            [](FieldReader& r, const std::string& key, C& c, ReadContext& ctx) {
                readSection(r, key, authOptions(), c.auth, ctx);
            },
            "object", "", "its keys: the auth rows below"));
        t.push_back(customOption<C>("routes", readRoutes, "array", "[]",
                                    "route plugins to load: [{\"plugin\": \"hello\", ...options}]"));
        t.push_back(
            customOption<C>("service_activations", readServiceActivations, "array", "[]", "jiffy's entity switches"));
        return t;
    }();
    return table;
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
    ReadContext ctx{cfg, issues};
    readOptions(r, topLevelOptions(), cfg, ctx);

    // Rules across keys, by hand: prod's demands, then env's own values.
    if (cfg.env == "prod" && (cfg.certFile.empty() || cfg.keyFile.empty()))
        issues.push_back({"env", "\"prod\" serves HTTPS and needs cert_file and key_file"});
    checkProdSecret(cfg, "pepper", cfg.pepper, "secret-pepper-key", "JIFFY_PEPPER", issues);
    checkProdSecret(cfg, "hmac_Key", cfg.hmacKey, "secret-hmac-key", "JIFFY_HMAC_KEY", issues);
    if (!cfg.keyFile.empty())
        if (auto w = secretPermissionWarning("key_file", cfg.resolvePath(cfg.keyFile))) cfg.warnings.push_back(*w);
    for (const auto& [key, file] : cfg.jwtKeyFiles)
        if (key.find("_priv_") != std::string::npos)
            if (auto w = secretPermissionWarning(key, cfg.resolvePath(file))) cfg.warnings.push_back(*w);

    // jiffy serves plain HTTP for any value but "prod"; we accept its two
    // other spellings ("dev", and "def", its default) and refuse the rest, so
    // that a misspelt "prod" never serves plain HTTP.
    if (r.get("env").isString() && cfg.env != "dev" && cfg.env != "def" && cfg.env != "prod")
        r.issue("env", "expected \"dev\" or \"prod\" (jiffy's values; \"def\", jiffy's default, is taken as "
                       "\"dev\"), got \"" +
                           cfg.env + "\"");
    // A misspelt top-level key would silently fall back to a default (a
    // PostgreSQL config becoming a local SQLite file): an error in prod.
    const std::vector<std::string> known = optionKeys(topLevelOptions());
    for (const auto& k : r.unreadKeys()) {
        std::string hint = suggestKey(k, known);
        std::string msg = "unknown key" + (hint.empty() ? std::string() : ", did you mean \"" + hint + "\"?");
        if (cfg.env == "prod")
            issues.push_back({k, msg + " (env \"prod\" refuses unknown keys)"});
        else
            cfg.warnings.push_back(k + ": " + msg + " (ignored)");
    }
    if (!issues.empty()) throw ConfigError(source, std::move(issues));
    return cfg;
}

std::vector<OptionReferenceRow> hostOptionReference()
{
    std::vector<OptionReferenceRow> rows;
    describeOptions("", topLevelOptions(), rows);
    describeOptions("logging.", loggingOptions(), rows);
    describeOptions("http.", httpOptions(), rows);
    describeOptions("auth.", authOptions(), rows);
    describeOptions("routes[].", routeOptions(), rows);
    describeOptions("service_activations[].", serviceActivationOptions(), rows);
    return rows;
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
