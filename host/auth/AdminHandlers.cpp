// Handlers of /usrgroup..., /auth... and /groupauth... (see AuthService.h).
// Every write announces a change so that all instances reload who may do what.
#include "auth/AuthHttp.h"
#include "auth/AuthService.h"

namespace jiffy::host::auth {
namespace {

std::string groupJson(const GroupRow& g, const jiffy_request& req)
{
    jiffy::JsonWriter w;
    w.beginObject().key("id").integer(g.id).key("href").string(href(req, "usrgroup", g.id));
    w.key("group_name").string(g.name).key("description").string(g.description).endObject();
    return w.take();
}

std::string authJson(const AuthRow& a, const jiffy_request& req)
{
    jiffy::JsonWriter w;
    w.beginObject().key("id").integer(a.id).key("href").string(href(req, "auth", a.id));
    w.key("auth_name").string(a.name).key("auth_type").string(a.type).key("description").string(a.description);
    w.endObject();
    return w.take();
}

std::string groupAuthJson(const GroupAuthRow& g, const jiffy_request& req)
{
    jiffy::JsonWriter w;
    w.beginObject().key("id").integer(g.id).key("href").string(href(req, "groupauth", g.id));
    w.key("group_id").integer(g.groupId).key("group_name").string(g.groupName);
    w.key("auth_id").integer(g.authId).key("auth_name").string(g.authName);
    w.key("auth_type").string(g.authType).key("description").string(g.description).endObject();
    return w.take();
}

template <class Row, class ToJson>
jiffy_status replyList(jiffy_response& out, const std::vector<Row>& rows, const jiffy_request& req, ToJson toJson)
{
    std::string body = "[";
    for (const Row& r : rows) body += (body.size() > 1 ? "," : "") + toJson(r, req);
    replyJson(out, 200, body + "]");
    return JIFFY_OK;
}

template <class Row, class ToJson>
jiffy_status replyOne(jiffy_response& out, const std::optional<Row>& row, const std::string& entity,
                      const jiffy_request& req, ToJson toJson)
{
    if (!row)
        replyNotFound(out, entity, req);
    else
        replyJson(out, 201, toJson(*row, req));
    return JIFFY_OK;
}

jiffy_status accepted(jiffy_response& out)
{
    replyJson(out, 202, "");
    return JIFFY_OK;
}

/// PUT of one row: 404 when the store has none, else `apply(body, row)`
/// (which may throw BadRequest), `save` it, announce the change, the row back.
template <class Row, class Apply, class Changed, class ToJson>
jiffy_status updateRow(const jiffy_request& req, jiffy_response& out, const std::string& entity, AuthStore& store,
                       std::optional<Row> (AuthStore::*find)(int64_t), bool (AuthStore::*save)(const Row&), Apply apply,
                       Changed changed, ToJson toJson)
{
    auto id = idParam(req);
    std::optional<Row> row = id ? (store.*find)(*id) : std::nullopt;
    if (row) {
        apply(parseBody(req, "Invalid request payload"), *row);
        (store.*save)(*row);
        changed();
    }
    return replyOne(out, row, entity, req, toJson);
}

/// DELETE of one row: 202 and the change announced when the store had it, else 404.
template <class Changed>
jiffy_status deleteRow(const jiffy_request& req, jiffy_response& out, const std::string& entity, AuthStore& store,
                       bool (AuthStore::*remove)(int64_t), Changed changed)
{
    auto id = idParam(req);
    if (!id || !(store.*remove)(*id)) {
        replyNotFound(out, entity, req);
        return JIFFY_OK;
    }
    changed();
    return accepted(out);
}

/// The static filter of the route that matched: the column comes from the route name.
StoreFilter routeFilter(const jiffy_request& req)
{
    std::string_view name = part(req, JIFFY_REQ_ROUTE_NAME);
    std::string expr;
    for (const auto& [k, v] : req.params)
        if (k == "expr") expr = v;
    auto endsWith = [&](std::string_view s) {
        return name.size() >= s.size() && name.substr(name.size() - s.size()) == s;
    };
    using common::FilterOp;
    if (endsWith("ByGroupID")) return parseFilter("group_id", expr, {FilterOp::Eq, FilterOp::Lt, FilterOp::Gt}, true);
    if (endsWith("ByGroupName")) return parseFilter("group_name", expr, {FilterOp::Eq, FilterOp::Like}, false);
    if (endsWith("ByAuthName")) return parseFilter("auth_name", expr, {FilterOp::Eq, FilterOp::Like}, false);
    return parseFilter("description", expr, {FilterOp::Eq, FilterOp::Like}, false);
}

std::string required(const Poco::JSON::Object::Ptr& body, const std::string& entity, const std::string& key)
{
    std::string v = stringField(body, key).value_or("");
    if (v.empty()) throw BadRequest(entity + ": " + key + " is required");
    return v;
}

} // namespace

jiffy_status AuthService::listGroups(const jiffy_request& req, jiffy_response& out)
{
    return replyList(out, store_.groups(), req, groupJson);
}

jiffy_status AuthService::filterGroups(const jiffy_request& req, jiffy_response& out)
{
    return replyList(out, store_.groups(routeFilter(req)), req, groupJson);
}

jiffy_status AuthService::createGroup(const jiffy_request& req, jiffy_response& out)
{
    auto body = parseBody(req, "usrgroupc: Invalid request payload");
    GroupRow g{0, required(body, "usrgroup", "group_name"), stringField(body, "description").value_or("")};
    g.id = store_.insertGroup(g);
    changed();
    replyJson(out, 201, groupJson(g, req));
    return JIFFY_OK;
}

jiffy_status AuthService::getGroup(const jiffy_request& req, jiffy_response& out)
{
    auto id = idParam(req);
    return replyOne(out, id ? store_.groupById(*id) : std::nullopt, "usrgroup", req, groupJson);
}

jiffy_status AuthService::updateGroup(const jiffy_request& req, jiffy_response& out)
{
    auto apply = [](const Poco::JSON::Object::Ptr& body, GroupRow& g) {
        if (auto v = stringField(body, "group_name")) g.name = *v;
        if (auto v = stringField(body, "description")) g.description = *v;
        if (g.name.empty()) throw BadRequest("usrgroup: group_name is required");
    };
    return updateRow(
        req, out, "usrgroup", store_, &AuthStore::groupById, &AuthStore::updateGroup, apply, [this] { changed(); },
        groupJson);
}

jiffy_status AuthService::deleteGroup(const jiffy_request& req, jiffy_response& out)
{
    return deleteRow(req, out, "usrgroup", store_, &AuthStore::deleteGroup, [this] { changed(); });
}

jiffy_status AuthService::listAuths(const jiffy_request& req, jiffy_response& out)
{
    return replyList(out, store_.auths(), req, authJson);
}

jiffy_status AuthService::filterAuths(const jiffy_request& req, jiffy_response& out)
{
    return replyList(out, store_.auths(routeFilter(req)), req, authJson);
}

jiffy_status AuthService::createAuth(const jiffy_request& req, jiffy_response& out)
{
    auto body = parseBody(req, "authc: Invalid request payload");
    AuthRow a{0, required(body, "auth", "auth_name"), stringField(body, "auth_type").value_or("endpoint"),
              stringField(body, "description").value_or("")};
    a.id = store_.insertAuth(a);
    changed();
    replyJson(out, 201, authJson(a, req));
    return JIFFY_OK;
}

jiffy_status AuthService::getAuth(const jiffy_request& req, jiffy_response& out)
{
    auto id = idParam(req);
    return replyOne(out, id ? store_.authById(*id) : std::nullopt, "auth", req, authJson);
}

jiffy_status AuthService::updateAuth(const jiffy_request& req, jiffy_response& out)
{
    auto apply = [](const Poco::JSON::Object::Ptr& body, AuthRow& a) {
        if (auto v = stringField(body, "auth_name")) a.name = *v;
        if (auto v = stringField(body, "auth_type")) a.type = *v;
        if (auto v = stringField(body, "description")) a.description = *v;
        if (a.name.empty()) throw BadRequest("auth: auth_name is required");
    };
    return updateRow(
        req, out, "auth", store_, &AuthStore::authById, &AuthStore::updateAuth, apply, [this] { changed(); }, authJson);
}

jiffy_status AuthService::deleteAuth(const jiffy_request& req, jiffy_response& out)
{
    return deleteRow(req, out, "auth", store_, &AuthStore::deleteAuth, [this] { changed(); });
}

jiffy_status AuthService::listGroupAuths(const jiffy_request& req, jiffy_response& out)
{
    return replyList(out, store_.groupAuths(), req, groupAuthJson);
}

jiffy_status AuthService::filterGroupAuths(const jiffy_request& req, jiffy_response& out)
{
    return replyList(out, store_.groupAuths(routeFilter(req)), req, groupAuthJson);
}

GroupAuthRow AuthService::checkedGrant(const Poco::JSON::Object::Ptr& body, int64_t id)
{
    GroupAuthRow ga;
    ga.id = id;
    auto groupId = intField(body, "group_id");
    auto authId = intField(body, "auth_id");
    if (!groupId || !authId) throw BadRequest("groupauth: group_id and auth_id are required");
    if (!store_.groupById(*groupId))
        throw BadRequest("groupauth: usrgroup " + std::to_string(*groupId) + " does not exist");
    if (!store_.authById(*authId)) throw BadRequest("groupauth: auth " + std::to_string(*authId) + " does not exist");
    ga.groupId = *groupId;
    ga.authId = *authId;
    return ga;
}

jiffy_status AuthService::createGroupAuth(const jiffy_request& req, jiffy_response& out)
{
    GroupAuthRow ga = checkedGrant(parseBody(req, "groupauthc: Invalid request payload"), 0);
    int64_t id = store_.insertGroupAuth(ga.groupId, ga.authId);
    changed();
    replyJson(out, 201, groupAuthJson(*store_.groupAuthById(id), req));
    return JIFFY_OK;
}

jiffy_status AuthService::getGroupAuth(const jiffy_request& req, jiffy_response& out)
{
    auto id = idParam(req);
    return replyOne(out, id ? store_.groupAuthById(*id) : std::nullopt, "groupauth", req, groupAuthJson);
}

jiffy_status AuthService::updateGroupAuth(const jiffy_request& req, jiffy_response& out)
{
    auto id = idParam(req);
    if (!id || !store_.groupAuthById(*id))
        return replyOne(out, std::optional<GroupAuthRow>(), "groupauth", req, groupAuthJson);
    store_.updateGroupAuth(checkedGrant(parseBody(req, "Invalid request payload"), *id));
    changed();
    return replyOne(out, store_.groupAuthById(*id), "groupauth", req, groupAuthJson);
}

jiffy_status AuthService::deleteGroupAuth(const jiffy_request& req, jiffy_response& out)
{
    return deleteRow(req, out, "groupauth", store_, &AuthStore::deleteGroupAuth, [this] { changed(); });
}

jiffy_status AuthService::deleteGroupAuthsOfGroup(const jiffy_request& req, jiffy_response& out)
{
    auto id = idParam(req, "group_id");
    if (!id) throw BadRequest("Invalid group ID");
    store_.deleteGroupAuthsOfGroup(*id);
    changed(); // jiffy forgets this one: its cache stays stale until a restart
    return accepted(out);
}

} // namespace jiffy::host::auth
