// Handlers of /usr/login, /usr/password and /usr... (see AuthService.h).
#include "auth/AuthHttp.h"
#include "auth/AuthService.h"
#include "metrics/AuthCounters.h"

#include <Poco/String.h>

#include <algorithm>
#include <regex>

namespace jiffy::host::auth {
namespace {

// jiffy's messages, word for word, so existing clients keep matching them.
const char* kPasswordTooShort = "models: password must be at least 6 characters";
const char* kEmailRequired = "models: an email address is required";
const char* kEmailInvalid = "models: the provided email address is not valid";
const char* kEmailTaken = "models: email address has been taken by another user";
const char* kGroupRequired = "models: at least one Group must be specified when creating or updating a user record";
const char* kInvalidPassword = "models: the provided password is not valid";
const char* kUserLocked = "models: user is currently locked";

std::string normalizeEmail(const std::string& e)
{
    return Poco::toLower(Poco::trim(e));
}

/// "a; b ;c" → "a;b;c" (jiffy's normalizeGroups, without empty names).
std::string normalizeGroups(const std::string& g)
{
    std::string out;
    for (const std::string& part : splitGroups(g)) out += (out.empty() ? "" : ";") + part;
    return out;
}

/// The client's address without its port, the key of the per-address throttle.
std::string clientAddress(const jiffy_request& req)
{
    std::string a(part(req, JIFFY_REQ_REMOTE_ADDR));
    size_t colon = a.rfind(':');
    return colon == std::string::npos ? a : a.substr(0, colon);
}

} // namespace

std::optional<UsrRow> AuthService::usrOfPath(const jiffy_request& req, jiffy_response& out)
{
    auto id = idParam(req);
    std::optional<UsrRow> u = id ? store_.usrById(*id) : std::nullopt;
    if (!u) replyNotFound(out, "usr", req);
    return u;
}

std::string AuthService::usrJson(const UsrRow& u, const jiffy_request& req) const
{
    jiffy::JsonWriter w;
    w.beginObject().key("ID").integer(u.id).key("href").string(href(req, "usr", u.id));
    w.key("Name").string(u.name).key("Email").string(u.email);
    w.key("Password").string("").key("PasswordHash").string(""); // never sent, unlike jiffy's GET /usrs
    if (!u.createdOn.empty()) w.key("created_on").string(u.createdOn);
    if (!u.updatedOn.empty()) w.key("updated_on").string(u.updatedOn);
    w.key("Active").boolean(u.active);
    if (u.groups && !u.groups->empty()) w.key("groups").string(*u.groups); // omitempty, as jiffy
    w.endObject();
    return w.take();
}

void AuthService::validateUsr(UsrRow& u, const std::optional<std::string>& password, bool groupsRequired)
{
    static const std::regex emailFormat(R"(^[a-z0-9._%+\-]+@[a-z0-9.\-]+\.[a-z]{2,16}$)");
    if (password && password->size() < 6) throw BadRequest(kPasswordTooShort);
    u.email = normalizeEmail(u.email);
    if (u.email.empty()) throw BadRequest(kEmailRequired);
    if (u.email != "admin" && !std::regex_match(u.email, emailFormat)) throw BadRequest(kEmailInvalid);
    std::optional<UsrRow> other = store_.usrByEmail(u.email);
    if (other && other->id != u.id) throw BadRequest(kEmailTaken);
    if (groupsRequired && (!u.groups || normalizeGroups(*u.groups).empty())) throw BadRequest(kGroupRequired);
    u.groups = normalizeGroups(u.groups.value_or(""));
    if (password) u.passwordHash = hasher_.hash(*password);
}

std::optional<UsrRow> AuthService::authenticate(const jiffy_request& req, jiffy_response& out, const std::string& email,
                                                const std::string& password)
{
    const std::string emailKey = "email:" + email, addrKey = "addr:" + clientAddress(req);
    int64_t wait = std::max(byEmail_.retryAfter(emailKey), byAddress_.retryAfter(addrKey));
    if (wait > 0) {
        metrics::AuthCounters::instance().loginThrottled.fetch_add(1, std::memory_order_relaxed);
        replyError(out, 429, "too many failed logins; try again in " + std::to_string(wait) + " s");
        out.headers.emplace_back("Retry-After", std::to_string(wait));
        return std::nullopt;
    }
    std::optional<UsrRow> u = store_.usrByEmail(email);
    bool ok = false;
    if (u) {
        ok = hasher_.verify(u->passwordHash, password);
    } else {
        hasher_.burn(password); // same cost as a real check: timing does not reveal unknown emails
    }
    if (!ok) {
        metrics::AuthCounters::instance().loginFailures.fetch_add(1, std::memory_order_relaxed);
        byEmail_.fail(emailKey);
        byAddress_.fail(addrKey);
        replyError(out, 400, kInvalidPassword);
        return std::nullopt;
    }
    // Only someone who knows the password learns that the account is locked.
    if (!u->active) {
        replyError(out, 400, kUserLocked);
        return std::nullopt;
    }
    byEmail_.reset(emailKey);
    if (hasher_.needsUpgrade(u->passwordHash)) {
        u->passwordHash = hasher_.hash(password);
        store_.setPasswordHash(u->id, u->passwordHash);
    }
    return u;
}

jiffy_status AuthService::login(const jiffy_request& req, jiffy_response& out)
{
    auto body = parseBody(req, "userc: Invalid request payload");
    std::string email = normalizeEmail(stringField(body, "email").value_or(""));
    std::string password = stringField(body, "password").value_or("");
    std::optional<UsrRow> u = authenticate(req, out, email, password);
    if (!u) return JIFFY_OK;
    std::string token = jwt_.issue(static_cast<uint64_t>(u->id), u->email, u->groups.value_or(""));
    replyJson(out, 200, "{\"token\":" + jiffy::JsonWriter::quote(token) + "}");
    return JIFFY_OK;
}

jiffy_status AuthService::changePassword(const jiffy_request& req, jiffy_response& out)
{
    auto body = parseBody(req, "usrc: Invalid request payload");
    std::string email = normalizeEmail(stringField(body, "email").value_or(""));
    std::string next = stringField(body, "new_password").value_or("");
    if (next.size() < 6) throw BadRequest(kPasswordTooShort);
    std::optional<UsrRow> u = authenticate(req, out, email, stringField(body, "password").value_or(""));
    if (!u) return JIFFY_OK;
    store_.setPasswordHash(u->id, hasher_.hash(next));
    replyJson(out, 200, "{\"message\":\"password changed\"}");
    return JIFFY_OK;
}

jiffy_status AuthService::listUsrs(const jiffy_request& req, jiffy_response& out)
{
    std::string body = "[";
    for (const UsrRow& u : store_.usrs()) body += (body.size() > 1 ? "," : "") + usrJson(u, req);
    replyJson(out, 200, body + "]");
    return JIFFY_OK;
}

AuthService::Caller AuthService::callerOf(const jiffy_request& req, const std::string& authName)
{
    std::string_view token = AuthGate::bearerToken(req);
    if (token.empty()) return Caller::Anonymous;
    std::shared_ptr<const Claims> c = jwt_.verify(token);
    if (!c || !cache_.isActive(c->uid)) return Caller::Refused;
    return cache_.allows(c->groups, authName) ? Caller::Authorized : Caller::Anonymous;
}

jiffy_status AuthService::createUsr(const jiffy_request& req, jiffy_response& out)
{
    // With open registration the route is open, so the gate did not look at
    // the token: an authorized caller (usr.CREATE) chooses groups and the
    // active flag; anyone else registers into auth.registration_groups only.
    Caller caller = Caller::Authorized;
    if (cfg_.auth.openRegistration) caller = callerOf(req, "usr.CREATE");
    if (caller == Caller::Refused) {
        out.status = 401; // as the gate answers: an empty body
        out.headers.emplace_back("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        return JIFFY_OK;
    }
    auto body = parseBody(req, "usrc: Invalid request payload");
    UsrRow u;
    u.name = stringField(body, "name").value_or("");
    u.email = stringField(body, "email").value_or("");
    u.active = boolField(body, "active").value_or(false);
    u.groups = stringField(body, "groups");
    std::string password = stringField(body, "password").value_or("");
    if (caller == Caller::Anonymous) {
        const std::vector<std::string>& allowed = cfg_.auth.registrationGroups;
        std::string requested = normalizeGroups(u.groups.value_or(""));
        for (const std::string& g : splitGroups(requested))
            if (std::find(allowed.begin(), allowed.end(), g) == allowed.end()) {
                replyError(out, 403,
                           "self-registration cannot join group \"" + g +
                               "\": only an authorized user may choose groups (auth.registration_groups)");
                return JIFFY_OK;
            }
        std::string granted;
        for (const std::string& g : allowed) granted += (granted.empty() ? "" : ";") + g;
        u.groups = requested.empty() ? granted : requested;
        u.active = cfg_.auth.registrationActive; // activating a user needs an authorized caller
        validateUsr(u, password, /*groupsRequired=*/false);
    } else {
        validateUsr(u, password);
    }
    u.id = store_.insertUsr(u);
    changed();
    replyJson(out, 201, usrJson(*store_.usrById(u.id), req));
    return JIFFY_OK;
}

jiffy_status AuthService::getUsr(const jiffy_request& req, jiffy_response& out)
{
    std::optional<UsrRow> u = usrOfPath(req, out);
    if (!u) return JIFFY_OK;
    replyJson(out, 201, usrJson(*u, req));
    return JIFFY_OK;
}

jiffy_status AuthService::updateUsr(const jiffy_request& req, jiffy_response& out)
{
    std::optional<UsrRow> u = usrOfPath(req, out);
    if (!u) return JIFFY_OK;
    auto body = parseBody(req, "invalid request payload");
    if (auto bodyId = intField(body, "id"); bodyId && *bodyId != 0 && *bodyId != u->id)
        throw BadRequest("invalid request");
    // Absent fields keep their value (jiffy would blank them).
    if (auto v = stringField(body, "name")) u->name = *v;
    if (auto v = stringField(body, "email")) u->email = *v;
    if (auto v = boolField(body, "active")) u->active = *v;
    std::optional<std::string> groups = stringField(body, "groups");
    if (groups) u->groups = *groups;
    // A user made by self-registration may have no group: activating it must
    // not require choosing one; setting groups still needs a non-empty list.
    validateUsr(*u, stringField(body, "password"), groups.has_value());
    store_.updateUsr(*u);
    changed();
    replyJson(out, 201, usrJson(*store_.usrById(u->id), req));
    return JIFFY_OK;
}

jiffy_status AuthService::deleteUsr(const jiffy_request& req, jiffy_response& out)
{
    auto id = idParam(req);
    if (!id || !store_.deleteUsr(*id)) {
        replyNotFound(out, "usr", req);
        return JIFFY_OK;
    }
    changed();
    replyJson(out, 202, "");
    return JIFFY_OK;
}

} // namespace jiffy::host::auth
