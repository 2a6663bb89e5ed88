#include "app/JiffyServer.h"

#include "app/Version.h"
#include "auth/AuthOpenApi.h"
#include "auth/AuthService.h"
#include "auth/JwtService.h"
#include "cache/CacheBus.h"
#include "cluster/ClusterService.h"
#include "config/ConfigLoader.h"
#include "http/BuiltinRoutes.h"
#include "http/Dispatcher.h"
#include "http/HttpServer.h"
#include "http/TlsContext.h"
#include "logging/LogSetup.h"
#include "metrics/MetricsRegistry.h"
#include "plugins/PluginErrors.h"
#include "plugins/PluginRegistry.h"

#include <Poco/JSON/Stringifier.h>
#include <Poco/Logger.h>
#include <Poco/Net/NetException.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionException.h>
#include <Poco/Util/OptionProcessor.h>
#include <Poco/Util/OptionSet.h>

#include <csignal>
#include <filesystem>
#include <iostream>
#include <optional>
#include <pthread.h>
#include <termios.h>
#include <unistd.h>
#include <set>
#include <sstream>

namespace jiffy::host {

using Poco::Util::Option;

std::vector<std::string> JiffyServer::normalizeArgs(int argc, char** argv)
{
    std::vector<std::string> args;
    for (int i = 0; i < argc; ++i) {
        std::string a = argv[i];
        if (i > 0 && (a == "-dev" || a == "-prod" || a == "-dr" || a == "-rs")) a = "-" + a;
        args.push_back(a);
    }
    return args;
}

void JiffyServer::defineOptions(Poco::Util::OptionSet& options)
{
    ServerApplication::defineOptions(options);
    options.addOption(
        Option("config", "c", "read the configuration from FILE").required(false).repeatable(false).argument("FILE"));
    options.addOption(Option("dev", "", "read ./.dev.config.json (jiffy's -dev)").required(false).repeatable(false));
    options.addOption(Option("prod", "", "read ./.prd.config.json (jiffy's -prod)").required(false).repeatable(false));
    options.addOption(Option("dr", "",
                             "destructive reset: drop the auth and model tables, then exit "
                             "(needs --yes-destroy-all-data)")
                          .required(false)
                          .repeatable(false));
    options.addOption(Option("yes-destroy-all-data", "", "confirm --dr").required(false).repeatable(false));
    options.addOption(Option("rs", "", "give group Super every authorization again, then go on serving (as jiffy does)")
                          .required(false)
                          .repeatable(false));
    options.addOption(Option("generate-keys", "",
                             "create the JWT key pair the config names for jwt_sign_method "
                             "if it does not exist yet, then exit")
                          .required(false)
                          .repeatable(false));
    options.addOption(Option("set-password", "",
                             "set the password of the user with email EMAIL (prompted for without echo on a "
                             "terminal, else the first line of stdin), then exit")
                          .required(false)
                          .repeatable(false)
                          .argument("EMAIL"));
    options.addOption(Option("check-config", "",
                             "check what a start checks before listening (config, plugins' options, model files, "
                             "migration, key files), writing nothing, then exit")
                          .required(false)
                          .repeatable(false));
    options.addOption(Option("list-plugins", "", "list the plugins found (name, kind, version, ABI, file) and exit")
                          .required(false)
                          .repeatable(false));
    options.addOption(Option("version", "V", "print the version and exit").required(false).repeatable(false));
    options.addOption(Option("help", "h", "print this help and exit").required(false).repeatable(false));
}

void JiffyServer::handleOption(const std::string& name, const std::string& value)
{
    ServerApplication::handleOption(name, value);
    if (name == "config")
        configFile_ = value;
    else if (name == "dev")
        dev_ = true;
    else if (name == "prod")
        prod_ = true;
    else if (name == "dr")
        destructiveReset_ = true;
    else if (name == "yes-destroy-all-data")
        confirmReset_ = true;
    else if (name == "rs")
        rebuildSuper_ = true;
    else if (name == "generate-keys")
        generateKeys_ = true;
    else if (name == "set-password")
        setPasswordFor_ = value;
    else if (name == "check-config")
        checkOnly_ = true;
    else if (name == "list-plugins")
        listPlugins_ = true;
    else if (name == "version")
        showVersion_ = true;
    else if (name == "help") {
        showHelp_ = true;
        stopOptionsProcessing();
    }
}

bool JiffyServer::ensureDataDir(const std::string& dir)
{
    std::error_code ec;
    if (std::filesystem::is_directory(dir, ec)) return true;
    std::filesystem::create_directories(dir, ec);
    if (!ec) std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
    if (ec) {
        std::cerr << "JIFFY_DATA_DIR: cannot create the data directory \"" << dir << "\": " << ec.message() << "\n";
        return false;
    }
    return true;
}

bool JiffyServer::checkArgs(const std::vector<std::string>& args, std::string& why)
{
    Poco::Util::OptionSet set;
    defineOptions(set);
    Poco::Util::OptionProcessor processor(set);
    processor.setUnixStyle(true);
    try {
        for (size_t i = 1; i < args.size(); ++i) {
            std::string name, value;
            if (!processor.process(args[i], name, value) && args[i].rfind("-", 0) != 0) {
                why = "unexpected argument \"" + args[i] + "\"";
                return false;
            }
            if (name == "help") return true;
        }
        processor.checkRequired();
    } catch (const Poco::Util::OptionException& e) {
        why = e.message().empty() ? e.displayText() : std::string(e.name()) + ": " + e.message();
        return false;
    }
    return true;
}

void JiffyServer::printHelp()
{
    Poco::Util::HelpFormatter help(options());
    help.setCommand(commandName());
    help.setUsage("[--config FILE | -dev | -prod] [--check-config | --list-plugins | --version | --help]");
    help.setHeader("jiffyd " JIFFY_VERSION
                   " - serves a jiffy-compatible REST API with plugins for storage and routes.");
    help.setFooter("Exit codes: 0 ok, 64 usage, 65 bad input data, 66 no input, 67 unknown user, 69 backend "
                   "unavailable or address in use, 70 internal error, 78 bad configuration.\n"
                   "Of Poco's options, --daemon, --umask and --pidfile work as Poco implements them; "
                   "under systemd or in a container run in the foreground.");
    help.format(std::cout);
    std::cout << "\n";
}

bool JiffyServer::loadConfig(Config& cfg)
{
    if (dev_ && prod_) {
        std::cerr << "please specify only -dev or -prod, but not both.\n";
        exitCode_ = kExitUsage;
        return false;
    }
    std::string file = configFile_;
    if (dev_) file = ".dev.config.json";
    if (prod_) file = ".prd.config.json";
    if (!configFile_.empty() && (dev_ || prod_)) {
        std::cerr << "--config cannot be combined with -dev or -prod\n";
        exitCode_ = kExitUsage;
        return false;
    }
    ConfigLoader loader;
    try {
        cfg = file.empty() ? loader.defaults() : loader.loadFile(file);
        return true;
    } catch (const ConfigError& e) {
        std::cerr << e.message() << "\n";
        exitCode_ = kExitConfig;
        return false;
    }
}

void JiffyServer::setupLogging(const Config& cfg)
{
    // jiffy's per-type switches, our format/output/request log; see logging/LogSetup.h.
    logging::applyLogging(cfg.logging);
}

int JiffyServer::listPlugins(const Config& cfg)
{
    PluginLoader loader(PluginLoader::defaultSearchDirs(cfg.pluginsDir));
    std::cout << "host plugin ABI " << JIFFY_ABI_MAJOR << "." << JIFFY_ABI_MINOR << "; search path:";
    for (const auto& d : loader.searchDirs()) std::cout << " " << d;
    std::cout << "\n";
    std::printf("%-14s %-7s %-9s %-5s %s\n", "NAME", "KIND", "VERSION", "ABI", "FILE");
    auto print = [](const std::shared_ptr<PluginLibrary>& lib) {
        const auto& d = lib->descriptor();
        std::string abi = std::to_string(d.abi_major) + "." + std::to_string(d.abi_minor);
        std::printf("%-14s %-7s %-9s %-5s %s\n", lib->name().c_str(), kindName(lib->kind()), lib->version().c_str(),
                    abi.c_str(), lib->file().c_str());
        for (const auto& o : lib->options())
            std::printf("    %-22s %-22s %s%s%s\n", o.name.c_str(), optionTypeName(o.type), o.help.c_str(),
                        o.required ? " (required)" : "",
                        o.defaultJson.empty() ? "" : (" [default " + o.defaultJson + "]").c_str());
    };
    int failures = 0;
    std::vector<std::string> listed;
    for (const auto& f : loader.scan()) {
        if (f.library) {
            print(f.library);
            listed.push_back(f.library->file());
        } else {
            std::printf("%-14s %-7s %-9s %-5s %s\n    refused: %s\n", "?", "?", "?", "?", f.file.c_str(),
                        f.error.c_str());
            ++failures;
        }
    }
    // Plugins the config names by file (custom ones) are listed too.
    auto extra = [&](int32_t kind, const std::string& nameOrPath) {
        try {
            auto lib = loader.load(kind, nameOrPath, cfg.baseDir);
            if (std::find(listed.begin(), listed.end(), lib->file()) == listed.end()) {
                print(lib);
                listed.push_back(lib->file());
            }
        } catch (const Poco::Exception& e) {
            std::printf("configured %s plugin \"%s\" refused: %s\n", kindName(kind), nameOrPath.c_str(),
                        e.message().c_str());
            ++failures;
        }
    };
    extra(JIFFY_KIND_DB, cfg.database.plugin);
    extra(JIFFY_KIND_KVS, cfg.kvs.plugin);
    for (const auto& r : cfg.routes) extra(JIFFY_KIND_ROUTES, r.plugin);
    return failures ? kExitConfig : EXIT_OK;
}

int JiffyServer::main(const std::vector<std::string>&)
{
    if (showHelp_) {
        printHelp();
        return EXIT_OK;
    }
    if (showVersion_) {
        std::cout << "jiffyd " JIFFY_VERSION " (plugin ABI " << JIFFY_ABI_MAJOR << "." << JIFFY_ABI_MINOR << ")\n";
        return EXIT_OK;
    }
    Config cfg;
    if (!loadConfig(cfg)) return exitCode_;
    try {
        setupLogging(cfg);
    } catch (const logging::LogSetupError& e) {
        std::cerr << cfg.sourceFile << ": " << e.what() << "\n";
        return kExitConfig;
    }
    // Pending "suppressed N similar messages" lines are written before the process ends.
    struct FlushLogs {
        ~FlushLogs() { logging::flushLogging(); }
    } flushLogs;
    if (listPlugins_) return listPlugins(cfg);
    if (!checkOnly_ && !cfg.dataDir.empty() && !ensureDataDir(cfg.dataDir)) return kExitConfig;
    if (destructiveReset_ && !confirmReset_) {
        std::cerr << "--dr drops every table and all their data; add --yes-destroy-all-data to confirm\n";
        return kExitUsage;
    }
    if (generateKeys_) {
        try {
            for (const auto& f : auth::JwtService::generateMissingKeys(cfg)) std::cout << "wrote " << f << "\n";
            return EXIT_OK;
        } catch (const Poco::Exception& e) {
            std::cerr << e.displayText() << "\n";
            return kExitConfig;
        }
    }
    if (destructiveReset_ || !setPasswordFor_.empty()) return maintenance(cfg);
    if (checkOnly_) {
        // What the start checks before listening, without starting anything.
        std::vector<std::string> problems;
        try {
            PluginLoader loader(PluginLoader::defaultSearchDirs(cfg.pluginsDir));
            HostServices services;
            services.config = &cfg;
            PluginRegistry registry(cfg, loader, services);
            problems = registry.check(cfg.warnings);
        } catch (const ConfigError& e) {
            std::cerr << e.message() << "\n";
            return kExitConfig;
        }
        if (cfg.auth.enabled) {
            try {
                auth::JwtService jwt(cfg);
            } catch (const Poco::Exception& e) {
                problems.push_back(e.message());
            }
        }
        if (cfg.env == "prod")
            for (const auto& p : checkTlsFiles(cfg.resolvePath(cfg.certFile), cfg.resolvePath(cfg.keyFile)))
                problems.push_back(p);
        for (const auto& w : cfg.warnings) std::cerr << cfg.sourceFile << ": warning: " << w << "\n";
        if (!problems.empty()) {
            for (const auto& p : problems) std::cerr << cfg.sourceFile << ": " << p << "\n";
            return kExitConfig;
        }
        std::cout << cfg.sourceFile << ": configuration OK\n";
        return EXIT_OK;
    }
    return serve(cfg);
}

namespace {

/// The new password: prompted for without echo on a terminal, else the first line of stdin.
std::optional<std::string> readPassword(const std::string& email)
{
    std::string password;
    if (::isatty(STDIN_FILENO)) {
        termios old{};
        ::tcgetattr(STDIN_FILENO, &old);
        termios quiet = old;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        std::cerr << "new password for " << email << ": " << std::flush;
        ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
        bool got = static_cast<bool>(std::getline(std::cin, password));
        ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
        std::cerr << "\n";
        if (!got) return std::nullopt;
    } else if (!std::getline(std::cin, password)) {
        return std::nullopt;
    }
    if (!password.empty() && password.back() == '\r') password.pop_back();
    return password;
}

} // namespace

int JiffyServer::maintenance(Config& cfg)
{
    Poco::Logger& log = Poco::Logger::get("jiffyd");
    std::string password;
    if (!setPasswordFor_.empty()) {
        std::optional<std::string> p = readPassword(setPasswordFor_);
        if (!p || p->empty()) {
            std::cerr << "--set-password " << setPasswordFor_ << ": no password on stdin\n";
            return kExitNoInput;
        }
        if (p->size() < 6) {
            std::cerr << "--set-password " << setPasswordFor_ << ": the password must be at least 6 characters\n";
            return kExitDataErr;
        }
        password = *p;
        // A tool run: only problems are printed, not the plugins' start-up lines.
        Poco::Logger::setLevel("", Poco::Message::PRIO_WARNING);
    }
    Config dbOnly = cfg;
    dbOnly.routes.clear();
    HostServices services;
    services.config = &dbOnly;
    PluginLoader loader(PluginLoader::defaultSearchDirs(cfg.pluginsDir));
    PluginRegistry registry(dbOnly, loader, services);
    try {
        std::vector<std::string> warnings;
        registry.start(warnings);
        if (destructiveReset_) {
            auth::AuthService::destructiveReset(*registry.db());
            return EXIT_OK;
        }
        auth::AuthService::setPassword(cfg, *registry.db(), setPasswordFor_, password);
        std::cout << "password of " << setPasswordFor_ << " changed\n";
        return EXIT_OK;
    } catch (const ConfigError& e) {
        log.fatal(e.message());
        return kExitConfig;
    } catch (const Poco::NotFoundException& e) {
        std::cerr << "--set-password: " << e.message() << "\n";
        return kExitNoUser;
    } catch (const PluginLoadError& e) {
        log.fatal(e.message());
        return e.status() == JIFFY_INVALID ? kExitConfig : kExitUnavailable;
    } catch (const Poco::Exception& e) {
        log.fatal(e.displayText());
        return kExitSoftware;
    }
}

int JiffyServer::serve(Config& cfg)
{
    Poco::Logger& log = Poco::Logger::get("jiffyd");
    for (const auto& w : cfg.warnings) log.warning("%s: %s", cfg.sourceFile, w);
    // Before any thread starts: the signals we act on are taken by sigwait()
    // below only (an unblocked SIGHUP would otherwise end the process).
    sigset_t signals;
    sigemptyset(&signals);
    for (int sig : {SIGHUP, SIGINT, SIGTERM, SIGQUIT}) sigaddset(&signals, sig);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    if (cfg.env == "prod") {
        std::vector<std::string> problems = checkTlsFiles(cfg.resolvePath(cfg.certFile), cfg.resolvePath(cfg.keyFile));
        for (const auto& p : problems) log.fatal("%s: %s", cfg.sourceFile, p);
        if (!problems.empty()) return kExitConfig;
    }
    // The address first: a second instance on it stops here, before it
    // touches the database.
    MetricsRegistry metrics;
    HttpServer http(cfg, &metrics);
    try {
        http.bind();
    } catch (const AddressInUse& e) {
        log.fatal("%s", std::string(e.what()));
        return kExitUnavailable;
    } catch (const Poco::Exception& e) {
        log.fatal("cannot listen on %s: %s", cfg.externalAddress.text(), e.displayText());
        return kExitUnavailable;
    }

    // The cluster bus next to it, before any plugin starts: a second
    // instance on the same internal_address stops here too (exit 69).
    std::string busKey = cfg.hmacKey;
    if (busKey.empty()) {
        busKey = "secret-hmac-key"; // jiffy's sample value; env "prod" refuses it at config time
        log.warning("hmac_Key is not set: the cluster bus signs its frames with jiffy's sample key; give every "
                    "instance the same secret in hmac_Key (or hmac_Key_file)");
    }
    ClusterServiceOptions clusterOptions;
    clusterOptions.address = cfg.internalAddress.text();
    clusterOptions.key = busKey;
    clusterOptions.pingCycleSeconds = cfg.pingCycle;
    clusterOptions.failureThreshold = cfg.failureThreshold;
    ClusterState clusterState; // what plugins read through the host API (cluster_term, is_leader)
    clusterOptions.state = &clusterState;
    CacheBus cache; // outlives the cluster, which delivers into it
    std::unique_ptr<ClusterService> cluster;
    try {
        cluster = std::make_unique<ClusterService>(clusterOptions);
        cluster->bind();
    } catch (const AddressInUse& e) {
        log.fatal("%s", std::string(e.what()));
        return kExitUnavailable;
    } catch (const std::invalid_argument& e) {
        log.fatal("internal_address: %s", std::string(e.what()));
        return kExitConfig;
    } catch (const Poco::Exception& e) {
        log.fatal("cannot listen on internal_address %s: %s", cfg.internalAddress.text(), e.displayText());
        return kExitUnavailable;
    }

    // The key files before the database: a start that cannot sign tokens
    // must not create a database first (-rs with no keys yet, ...).
    if (cfg.auth.enabled) {
        try {
            auth::JwtService keys(cfg);
        } catch (const Poco::Exception& e) {
            log.fatal("cannot start: %s", e.message());
            return kExitConfig;
        }
    }

    HostServices services;
    services.config = &cfg;
    services.cache = &cache;
    services.metrics = &metrics;
    services.cluster = &clusterState;
    PluginLoader loader(PluginLoader::defaultSearchDirs(cfg.pluginsDir));
    PluginRegistry registry(cfg, loader, services);
    try {
        std::vector<std::string> warnings;
        registry.start(warnings);
        for (const auto& w : warnings) log.warning("%s: %s", cfg.sourceFile, w);
    } catch (const ConfigError& e) {
        log.fatal(e.message());
        return kExitConfig;
    } catch (const PluginLoadError& e) {
        log.fatal(e.message());
        // A plugin that refuses its options is a configuration problem; any
        // other failure to start (server down, ...) is a backend problem.
        return e.status() == JIFFY_INVALID ? kExitConfig : kExitUnavailable;
    } catch (const Poco::Exception& e) {
        log.fatal(e.message());
        return kExitUnavailable;
    }

    // The cluster joins through the KVS plugin: invalidations from peers go
    // to the local subscribers only, local ones are broadcast.
    if (registry.kvs()) {
        cluster->onInvalidate([&cache](const std::string& c, const std::string& k) { cache.deliverLocal(c, k); });
        cluster->onDropCaches([&cache] { cache.deliverAllLocal(); });
        cluster->start(*registry.kvs());
        cache.setRemote(
            [c = cluster.get()](const std::string& name, const std::string& key) { c->invalidate(name, key); });
    } else {
        log.warning("no KVS plugin: the cluster bus is up but this instance joins no cluster");
    }
    // Whatever way serve() ends, peers hear no more from this instance before the plugins stop.
    struct StopCluster {
        ClusterService& c;
        CacheBus& bus;
        ~StopCluster()
        {
            bus.setRemote(nullptr);
            c.stop();
        }
    } stopCluster{*cluster, cache};

    Router router;
    Dispatcher::Limits limits;
    limits.maxBodyBytes = cfg.http.maxBodyBytes;
    limits.tls = cfg.env == "prod";
    Dispatcher dispatcher(router, limits, &metrics);
    std::unique_ptr<auth::AuthService> authService;
    try {
        if (cfg.auth.enabled) {
            authService = std::make_unique<auth::AuthService>(cfg, *registry.db(), cache);
            authService->addRoutes([&router](RouteTarget t) { router.add(std::move(t)); });
        } else {
            log.warning("auth.enabled is false: every route is served without authentication");
        }
        addPluginRoutes(router, registry);
        std::vector<OpenApiSource> openApi;
        if (authService) openApi.push_back([open = cfg.auth.openRegistration] { return auth::authOpenApi(open); });
        openApi.push_back(clusterOpenApi);
        ClusterIntrospection introspection;
        introspection.viewJson = [c = cluster.get()] { return c->viewJson(); };
        introspection.metrics = [c = cluster.get()] { return c->renderMetrics(); };
        addBuiltinRoutes(router, registry, dispatcher, metrics, JIFFY_VERSION, openApi, introspection);
        if (authService) {
            authService->bootstrap(router.routes(), rebuildSuper_);
            dispatcher.setGate(authService->gate());
            if (cfg.env == "prod" && authService->adminHasDefaultPassword()) {
                log.fatal("user admin still has the default password \"initpass\", which env \"prod\" refuses: set "
                          "one with \"jiffyd --config %s --set-password admin\" (reads it from stdin), or give it "
                          "in auth.admin_password_file or auth.admin_password (e.g. \"${JIFFY_ADMIN_PASSWORD}\")",
                          cfg.sourceFile);
                return kExitConfig;
            }
        }
    } catch (const Poco::Exception& e) {
        log.fatal("cannot start: %s", e.displayText());
        return kExitConfig;
    } catch (const std::exception& e) {
        log.fatal("cannot build the route table: %s", std::string(e.what()));
        return kExitConfig;
    }

    try {
        http.start(dispatcher);
    } catch (const Poco::Exception& e) {
        log.fatal("cannot listen on %s: %s", cfg.externalAddress.text(), e.displayText());
        return kExitUnavailable;
    }
    log.information("jiffyd %s listening on %s://%s (%z routes)", std::string(JIFFY_VERSION),
                    std::string(limits.tls ? "https" : "http"), cfg.externalAddress.text(), router.routes().size());

    for (;;) {
        int sig = 0;
        if (sigwait(&signals, &sig) != 0) continue;
        if (sig != SIGHUP) break;
        reload(cfg, http, authService.get());
    }

    // Peers learn of the departure (and the lease is free) before the drain,
    // so failover does not wait for the suspicion timeout.
    cluster->depart();
    log.information("shutting down: draining in-flight requests");
    int left = http.drain();
    if (left > 0) log.warning("%d connections were still open after the drain timeout", left);
    cache.setRemote(nullptr);
    cluster->stop();
    authService.reset();
    registry.stop();
    log.information("shutdown complete");
    return EXIT_OK;
}

void JiffyServer::reload(const Config& running, HttpServer& http, auth::AuthService* authService)
{
    Poco::Logger& log = Poco::Logger::get("jiffyd");
    if (running.sourceFile.empty() || running.sourceFile == "(built-in defaults)") {
        log.warning("SIGHUP: running on built-in defaults, there is no config file to reload");
        return;
    }
    Config next;
    try {
        next = ConfigLoader().loadFile(running.sourceFile);
    } catch (const ConfigError& e) {
        log.error("SIGHUP: %s is not valid, nothing changed:\n%s", running.sourceFile, e.message());
        return;
    }
    std::string applied;
    try {
        setupLogging(next);
        applied = "logging (levels, format, output, request log)";
    } catch (const logging::LogSetupError& e) {
        log.error("SIGHUP: logging not changed: %s", std::string(e.what()));
        applied = "no logging change";
    }
    if (running.env == "prod") {
        try {
            http.reloadTls(next.resolvePath(next.certFile), next.resolvePath(next.keyFile));
            applied += ", TLS certificate and key (for new connections)";
        } catch (const std::exception& e) {
            log.error("SIGHUP: the TLS certificate was not changed: %s", std::string(e.what()));
        }
    }
    if (authService) {
        authService->applyLimits(next.auth);
        applied += ", login throttling limits";
    }
    log.information("SIGHUP: reloaded %s: applied %s", running.sourceFile, applied);
    std::string restart = keysNeedingRestart(running, next);
    if (!restart.empty()) log.warning("SIGHUP: changes to %s take effect only after a restart", restart);
}

std::string JiffyServer::keysNeedingRestart(const Config& running, const Config& next)
{
    // Everything but what reload() applies: compare each top-level key's JSON.
    auto text = [](const Poco::JSON::Object::Ptr& root, const std::string& key) -> std::string {
        if (!root || !root->has(key)) return "<absent>";
        Poco::Dynamic::Var v = root->get(key);
        if (key == "auth" && v.type() == typeid(Poco::JSON::Object::Ptr)) {
            Poco::JSON::Object copy(*v.extract<Poco::JSON::Object::Ptr>());
            for (const char* k :
                 {"login_max_failures", "login_max_failures_per_address", "login_window_s", "login_lockout_s"})
                copy.remove(k);
            v = Poco::JSON::Object::Ptr(new Poco::JSON::Object(copy));
        }
        std::ostringstream os;
        Poco::JSON::Stringifier::condense(v, os);
        return os.str();
    };
    std::set<std::string> keys;
    for (const auto* root : {&running.root, &next.root})
        if (*root)
            for (const auto& kv : **root) keys.insert(kv.first);
    std::string out;
    for (const auto& k : keys) {
        if (k == "logging" || k == "cert_file" || k == "key_file") continue;
        if (text(running.root, k) != text(next.root, k)) out += (out.empty() ? "" : ", ") + k;
    }
    return out;
}

} // namespace jiffy::host
