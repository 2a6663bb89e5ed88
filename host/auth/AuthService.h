// The auth layer of jiffyd, as jiffy has it: users, groups, auth names and
// group grants in the database; POST /usr/login issuing JWTs; a gate that
// lets a request through only when the token's groups hold the route's
// name. On top of jiffy: it works on the very first start, passwords can be
// changed, hashes are upgraded, failed logins are throttled, and no route
// reveals whether an email exists.
#pragma once

#include "auth/AuthCache.h"
#include "auth/AuthGate.h"
#include "auth/AuthStore.h"
#include "auth/JwtService.h"
#include "auth/LoginThrottle.h"
#include "auth/PasswordHasher.h"
#include "cache/CacheBus.h"
#include "config/Config.h"
#include "http/RouteTarget.h"

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace jiffy::host::auth {

class AuthService {
public:
    /// Loads the JWT keys (throws naming the config key on a bad key) and
    /// creates the auth tables when missing.
    AuthService(const Config& cfg, const DbInstance& db, CacheBus& bus);
    ~AuthService();
    AuthService(const AuthService&) = delete;
    AuthService& operator=(const AuthService&) = delete;

    /// Adds /usr/login, /usr..., /usrgroup..., /auth..., /groupauth... through `addRoute`.
    void addRoutes(const AddRoute& addRoute);
    /// jiffy's start-up: an auth row per named route, group Super holding
    /// every auth (rebuilt from scratch with `rebuildSuper`, jiffy's -rs),
    /// user admin/initpass when there is none; then loads the caches.
    void bootstrap(const RouteList& routes, bool rebuildSuper);
    /// The request gate for the dispatcher.
    std::shared_ptr<RequestGate> gate() { return gate_; }
    /// After bootstrap() in env "prod": true while user admin still has
    /// jiffy's default password (prod refuses to serve then). Elsewhere the
    /// check runs in the background after bootstrap and only warns.
    bool adminHasDefaultPassword() const { return adminHasDefaultPassword_; }
    /// Applies new login-throttling limits (SIGHUP); the failures counted so far are kept.
    void applyLimits(const AuthConfig& a);

    /// Sets the password of the user with `email` (jiffyd --set-password).
    static void setPassword(const Config& cfg, const DbInstance& db, const std::string& email,
                            const std::string& password);
    /// Drops the auth tables and every table the models plugin made (jiffy's -dr).
    static void destructiveReset(const DbInstance& db);

private:
    /// bootstrap()'s writes, on the store of the startup lock; returns user admin.
    static void warnDefaultPassword();
    /// `madeWithDefault` is set when it created admin with the default password just now.
    UsrRow seed(AuthStore& store, const RouteList& routes, bool rebuildSuper, bool& madeWithDefault);
    using Handler = std::function<jiffy_status(const jiffy_request&, jiffy_response&)>;
    /// Adds one route; `h` may throw BadRequest (400) or PluginCallError.
    void add(const AddRoute& addRoute, const std::string& method, const std::string& pattern, const std::string& name,
             bool open, Handler h);
    void add(const AddRoute& addRoute, const std::string& method, const std::string& pattern, const std::string& name,
             bool open, jiffy_status (AuthService::*h)(const jiffy_request&, jiffy_response&));
    /// Announces a change of users or grants (every instance reloads its caches).
    void changed();
    void refreshLoop();

    // users (UsrHandlers.cpp)
    jiffy_status login(const jiffy_request& req, jiffy_response& out);
    jiffy_status changePassword(const jiffy_request& req, jiffy_response& out);
    jiffy_status listUsrs(const jiffy_request& req, jiffy_response& out);
    jiffy_status createUsr(const jiffy_request& req, jiffy_response& out);
    jiffy_status getUsr(const jiffy_request& req, jiffy_response& out);
    jiffy_status updateUsr(const jiffy_request& req, jiffy_response& out);
    jiffy_status deleteUsr(const jiffy_request& req, jiffy_response& out);
    /// jiffy's validation of a user record; throws BadRequest with jiffy's messages.
    void validateUsr(UsrRow& u, const std::optional<std::string>& password, bool groupsRequired = true);
    /// Who calls an open route: no token (or one without `authName`), a
    /// valid token holding `authName`, or a token the gate would refuse.
    enum class Caller { Anonymous, Authorized, Refused };
    Caller callerOf(const jiffy_request& req, const std::string& authName);
    /// Checks a password against the throttles and the store: the user, or nullopt after replying.
    std::optional<UsrRow> authenticate(const jiffy_request& req, jiffy_response& out, const std::string& email,
                                       const std::string& password);
    std::string usrJson(const UsrRow& u, const jiffy_request& req) const;
    /// The user the path's {id} names; none (and a 404 written) when there is no such user.
    std::optional<UsrRow> usrOfPath(const jiffy_request& req, jiffy_response& out);

    // groups, auths, group grants (AdminHandlers.cpp)
    /// The routes of /usrgroup..., /auth... and /groupauth....
    void addAdminRoutes(const AddRoute& addRoute);
    /// The grant a POST or PUT body asks for; BadRequest unless both ends exist.
    GroupAuthRow checkedGrant(const Poco::JSON::Object::Ptr& body, int64_t id);

    const Config& cfg_;
    CacheBus& bus_;
    AuthStore store_;
    PasswordHasher hasher_;
    JwtService jwt_;
    AuthCache cache_;
    LoginThrottle byEmail_, byAddress_;
    std::shared_ptr<AuthGate> gate_;
    std::mutex refreshMutex_;
    std::condition_variable refreshCv_;
    bool stopping_ = false;
    bool adminHasDefaultPassword_ = false;
    std::thread refresher_;
    std::thread passwordCheck_; ///< the dev warning about admin's default password, after start
};

} // namespace jiffy::host::auth
