#include "auth/AuthService.h"

#include "auth/AuthHttp.h"
#include "auth/StartupLock.h"
#include "plugins/PluginErrors.h"

#include <Poco/Logger.h>

#include <pthread.h>
#include <sched.h>

#include <set>

namespace jiffy::host::auth {
namespace {

const char* kCacheName = "jiffy.auth";
const char* kDefaultAdminPassword = "initpass"; // jiffy's, for jiffy's clients and docs

Poco::Logger& log()
{
    return Poco::Logger::get("jiffyd.auth");
}

/// "Allow GET_ID access to the library entity" for "library.GET_ID".
std::string describe(const std::string& route)
{
    size_t dot = route.find('.');
    if (dot == std::string::npos) return "Allow access to " + route;
    return "Allow " + route.substr(dot + 1) + " access to the " + route.substr(0, dot) + " entity";
}

void onInvalidate(void* ctx, const char*, size_t)
{
    static_cast<AuthCache*>(ctx)->reload();
}

} // namespace

AuthService::AuthService(const Config& cfg, const DbInstance& db, CacheBus& bus)
    : cfg_(cfg), bus_(bus), store_(db), hasher_(cfg.auth, cfg.pepper), jwt_(cfg), cache_(store_),
      byEmail_(cfg.auth.loginMaxFailures, cfg.auth.loginWindowS, cfg.auth.loginLockoutS),
      byAddress_(cfg.auth.loginMaxFailuresPerAddress, cfg.auth.loginWindowS, cfg.auth.loginLockoutS),
      gate_(std::make_shared<AuthGate>(jwt_, cache_))
{
    withStartupLock(db, [](AuthStore& store) { store.createTables(); });
    bus_.subscribe(kCacheName, &onInvalidate, &cache_, this);
    if (cfg_.auth.cacheRefreshS > 0) refresher_ = std::thread([this] { refreshLoop(); });
}

AuthService::~AuthService()
{
    {
        std::lock_guard<std::mutex> lock(refreshMutex_);
        stopping_ = true;
    }
    refreshCv_.notify_all();
    if (refresher_.joinable()) refresher_.join();
    if (passwordCheck_.joinable()) passwordCheck_.join();
    bus_.unsubscribeAll(this);
}

void AuthService::refreshLoop()
{
    std::unique_lock<std::mutex> lock(refreshMutex_);
    while (!refreshCv_.wait_for(lock, std::chrono::seconds(cfg_.auth.cacheRefreshS), [this] { return stopping_; })) {
        lock.unlock();
        cache_.reload();
        lock.lock();
    }
}

void AuthService::changed()
{
    bus_.invalidate(kCacheName, "");
}

void AuthService::add(const AddRoute& addRoute, const std::string& method, const std::string& pattern,
                      const std::string& name, bool open, Handler h)
{
    RouteTarget t;
    t.method = method;
    t.pattern = pattern;
    t.name = name;
    t.flags = open ? static_cast<uint32_t>(JIFFY_ROUTE_OPEN) : 0u;
    t.builtin = [h = std::move(h)](const jiffy_request& req, jiffy_response& out, jiffy_error* err) -> jiffy_status {
        try {
            return h(req, out);
        } catch (const BadRequest& e) {
            replyError(out, 400, e.what());
            return JIFFY_OK;
        } catch (const PluginCallError& e) {
            if (e.status() == JIFFY_CONFLICT || e.status() == JIFFY_INVALID) {
                replyError(out, e.status() == JIFFY_CONFLICT ? 409 : 400, e.message());
                return JIFFY_OK;
            }
            return jiffy_error_set(err, e.status(), e.message().data(), e.message().size());
        }
    };
    addRoute(std::move(t));
}

void AuthService::add(const AddRoute& addRoute, const std::string& method, const std::string& pattern,
                      const std::string& name, bool open,
                      jiffy_status (AuthService::*h)(const jiffy_request&, jiffy_response&))
{
    add(addRoute, method, pattern, name, open,
        Handler([this, h](const jiffy_request& req, jiffy_response& out) { return (this->*h)(req, out); }));
}

void AuthService::addRoutes(const AddRoute& r)
{
    add(r, "POST", "/usr/login", "usr.LOGIN", true, &AuthService::login);
    add(r, "POST", "/usr/password", "usr.PASSWORD", true, &AuthService::changePassword);
    add(r, "GET", "/usrs", "usr.GET_SET", false, &AuthService::listUsrs);
    add(r, "POST", "/usr", "usr.CREATE", cfg_.auth.openRegistration, &AuthService::createUsr);
    add(r, "GET", "/usr/{id:int}", "usr.GET_ID", false, &AuthService::getUsr);
    add(r, "PUT", "/usr/{id:int}", "usr.UPDATE", false, &AuthService::updateUsr);
    add(r, "DELETE", "/usr/{id:int}", "usr.DELETE", false, &AuthService::deleteUsr);

    addAdminRoutes(r);
    if (cfg_.auth.openRegistration)
        log().information(
            "auth.open_registration is on: anyone may POST /usr and register a user in %s, %s",
            cfg_.auth.registrationGroups.empty() ? std::string("no group") : "auth.registration_groups only",
            std::string(cfg_.auth.registrationActive ? "active at once" : "inactive until an admin activates it"));
}

void AuthService::warnDefaultPassword()
{
    log().warning("*** user admin still has the default password \"initpass\": change it now "
                  "(POST /usr/password or jiffyd --set-password admin) ***");
}

void AuthService::bootstrap(const RouteList& routes, bool rebuildSuper)
{
    // Instances started together take turns (see StartupLock.h): the first
    // creates what is missing, the others find it done.
    std::optional<UsrRow> admin;
    bool madeWithDefault = false;
    withStartupLock(store_.db(), [&](AuthStore& store) { admin = seed(store, routes, rebuildSuper, madeWithDefault); });
    cache_.reload();
    if (madeWithDefault) {
        // Known without a second bcrypt computation.
        adminHasDefaultPassword_ = true;
        if (cfg_.env != "prod") warnDefaultPassword();
        return;
    }
    if (cfg_.env == "prod") {
        // prod refuses to serve with the default password: know it now.
        adminHasDefaultPassword_ = hasher_.verify(admin->passwordHash, kDefaultAdminPassword);
        return;
    }
    // Elsewhere only a warning depends on it: one hash check, off the start
    // path, at idle priority: a bcrypt computation (0.1-0.5 s of CPU) must
    // not take a core from the start or from the first requests.
    std::string hash = admin->passwordHash;
    passwordCheck_ = std::thread([this, hash] {
        sched_param idle{};
        pthread_setschedparam(pthread_self(), SCHED_IDLE, &idle); // Linux; on failure it runs at normal priority
        if (hasher_.verify(hash, kDefaultAdminPassword))
            warnDefaultPassword();
        else
            log().information("user admin's password is not the default one");
    });
}

UsrRow AuthService::seed(AuthStore& store, const RouteList& routes, bool rebuildSuper, bool& madeWithDefault)
{
    std::set<std::string> known;
    for (const AuthRow& a : store.auths()) known.insert(a.name);
    int added = 0;
    for (const auto& t : routes) {
        if (t->name.empty() || known.count(t->name)) continue;
        store.insertAuth({0, t->name, "endpoint", describe(t->name)});
        known.insert(t->name);
        ++added;
    }
    std::optional<GroupRow> super = store.groupByName("Super");
    if (!super) {
        GroupRow g{0, "Super", "Super Group - use for admin only"};
        g.id = store.insertGroup(g);
        super = g;
        rebuildSuper = true;
    }
    if (rebuildSuper) store.deleteGroupAuthsOfGroup(super->id);
    std::set<int64_t> held;
    for (const GroupAuthRow& ga : store.groupAuths())
        if (ga.groupId == super->id) held.insert(ga.authId);
    int granted = 0;
    for (const AuthRow& a : store.auths())
        if (!held.count(a.id)) {
            store.insertGroupAuth(super->id, a.id);
            ++granted;
        }
    const std::string& configured = cfg_.auth.adminPassword;
    std::optional<UsrRow> admin = store.usrByEmail("admin");
    if (!admin) {
        UsrRow u;
        u.name = "Admin";
        u.email = "admin";
        u.passwordHash = hasher_.hash(configured.empty() ? kDefaultAdminPassword : configured);
        u.active = true;
        u.groups = "Super";
        u.id = store.insertUsr(u);
        admin = u;
        madeWithDefault = configured.empty();
        log().information("created user admin in group Super%s",
                          std::string(configured.empty() ? "" : " with the configured password"));
    } else if (!configured.empty() && hasher_.verify(admin->passwordHash, kDefaultAdminPassword)) {
        // The configured password replaces only the default one, never a changed one.
        admin->passwordHash = hasher_.hash(configured);
        store.setPasswordHash(admin->id, admin->passwordHash);
        log().information("set the password of admin from auth.admin_password");
    }
    if (added || granted)
        log().information("auth: %d new route authorizations, %d granted to group Super", added, granted);
    return *admin;
}

void AuthService::applyLimits(const AuthConfig& a)
{
    byEmail_.setLimits(a.loginMaxFailures, a.loginWindowS, a.loginLockoutS);
    byAddress_.setLimits(a.loginMaxFailuresPerAddress, a.loginWindowS, a.loginLockoutS);
}

void AuthService::setPassword(const Config& cfg, const DbInstance& db, const std::string& email,
                              const std::string& password)
{
    if (password.size() < 6) throw Poco::InvalidArgumentException("models: password must be at least 6 characters");
    const std::string e = Poco::toLower(Poco::trim(email));
    PasswordHasher hasher(cfg.auth, cfg.pepper);
    // Under the startup lock: an instance starting now must not create admin too.
    withStartupLock(db, [&](AuthStore& store) {
        store.createTables();
        std::optional<UsrRow> u = store.usrByEmail(e);
        if (!u && e == "admin") {
            // Before the first start (a production database): make admin with this
            // password; the first start adds group Super and its grants.
            UsrRow a;
            a.name = "Admin";
            a.email = "admin";
            a.passwordHash = hasher.hash(password);
            a.active = true;
            a.groups = "Super";
            store.insertUsr(a);
            return;
        }
        if (!u) throw Poco::NotFoundException("no user with email " + email);
        store.setPasswordHash(u->id, hasher.hash(password));
    });
}

void AuthService::destructiveReset(const DbInstance& db)
{
    AuthStore store(db);
    std::vector<std::string> tables = store.modelTables();
    store.dropTables(tables);
    log().warning("destructive reset: dropped the auth tables and %z model tables", tables.size());
}

} // namespace jiffy::host::auth
