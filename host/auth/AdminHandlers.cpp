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

/// What the generic handlers below need to know of one auth entity.
template <class Row> struct EntityRoutes {
    const char* name; ///< route segment and the word of its 404 ("usrgroup")
    std::optional<Row> (AuthStore::*find)(int64_t);
    bool (AuthStore::*save)(const Row&);
    bool (AuthStore::*remove)(int64_t);
    std::string (*toJson)(const Row&, const jiffy_request&);
};

const EntityRoutes<GroupRow> kGroups{"usrgroup", &AuthStore::groupById, &AuthStore::updateGroup,
                                     &AuthStore::deleteGroup, groupJson};
const EntityRoutes<AuthRow> kAuths{"auth", &AuthStore::authById, &AuthStore::updateAuth, &AuthStore::deleteAuth,
                                   authJson};
const EntityRoutes<GroupAuthRow> kGroupAuths{"groupauth", &AuthStore::groupAuthById, &AuthStore::updateGroupAuth,
                                             &AuthStore::deleteGroupAuth, groupAuthJson};

template <class Row>
jiffy_status replyList(jiffy_response& out, const std::vector<Row>& rows, const jiffy_request& req,
                       const EntityRoutes<Row>& e)
{
    std::string body = "[";
    for (const Row& r : rows) body += (body.size() > 1 ? "," : "") + e.toJson(r, req);
    replyJson(out, 200, body + "]");
    return JIFFY_OK;
}

/// 201 and the row, or 404 when there is none.
template <class Row>
jiffy_status replyOne(jiffy_response& out, const std::optional<Row>& row, const jiffy_request& req,
                      const EntityRoutes<Row>& e)
{
    if (!row)
        replyNotFound(out, e.name, req);
    else
        replyJson(out, 201, e.toJson(*row, req));
    return JIFFY_OK;
}

jiffy_status accepted(jiffy_response& out)
{
    replyJson(out, 202, "");
    return JIFFY_OK;
}

/// GET of the row of the path's id.
template <class Row>
jiffy_status getRow(const jiffy_request& req, jiffy_response& out, AuthStore& store, const EntityRoutes<Row>& e)
{
    auto id = idParam(req);
    return replyOne(out, id ? (store.*e.find)(*id) : std::nullopt, req, e);
}

/// After a POST stored `row` (made from the body) as `id`: the change announced, 201 and the row.
template <class Row, class Changed>
jiffy_status createRow(const jiffy_request& req, jiffy_response& out, Row row, int64_t id, const EntityRoutes<Row>& e,
                       Changed changed)
{
    row.id = id;
    changed();
    replyJson(out, 201, e.toJson(row, req));
    return JIFFY_OK;
}

/// PUT of one row: 404 when the store has none, else `apply(body, row)`
/// (which may throw BadRequest), save it, announce the change, the row back.
template <class Row, class Apply, class Changed>
jiffy_status updateRow(const jiffy_request& req, jiffy_response& out, AuthStore& store, const EntityRoutes<Row>& e,
                       Apply apply, Changed changed)
{
    auto id = idParam(req);
    std::optional<Row> row = id ? (store.*e.find)(*id) : std::nullopt;
    if (row) {
        apply(parseBody(req, "Invalid request payload"), *row);
        (store.*e.save)(*row);
        changed();
    }
    return replyOne(out, row, req, e);
}

/// DELETE of one row: 202 and the change announced when the store had it, else 404.
template <class Row, class Changed>
jiffy_status deleteRow(const jiffy_request& req, jiffy_response& out, AuthStore& store, const EntityRoutes<Row>& e,
                       Changed changed)
{
    auto id = idParam(req);
    if (!id || !(store.*e.remove)(*id)) {
        replyNotFound(out, e.name, req);
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
    return replyList(out, store_.groups(), req, kGroups);
}

jiffy_status AuthService::filterGroups(const jiffy_request& req, jiffy_response& out)
{
    return replyList(out, store_.groups(routeFilter(req)), req, kGroups);
}

jiffy_status AuthService::createGroup(const jiffy_request& req, jiffy_response& out)
{
    auto body = parseBody(req, "usrgroupc: Invalid request payload");
    GroupRow g{0, required(body, "usrgroup", "group_name"), stringField(body, "description").value_or("")};
    return createRow(req, out, g, store_.insertGroup(g), kGroups, [this] { changed(); });
}

jiffy_status AuthService::getGroup(const jiffy_request& req, jiffy_response& out)
{
    return getRow(req, out, store_, kGroups);
}

jiffy_status AuthService::updateGroup(const jiffy_request& req, jiffy_response& out)
{
    auto apply = [](const Poco::JSON::Object::Ptr& body, GroupRow& g) {
        if (auto v = stringField(body, "group_name")) g.name = *v;
        if (auto v = stringField(body, "description")) g.description = *v;
        if (g.name.empty()) throw BadRequest("usrgroup: group_name is required");
    };
    return updateRow(req, out, store_, kGroups, apply, [this] { changed(); });
}

jiffy_status AuthService::deleteGroup(const jiffy_request& req, jiffy_response& out)
{
    return deleteRow(req, out, store_, kGroups, [this] { changed(); });
}

jiffy_status AuthService::listAuths(const jiffy_request& req, jiffy_response& out)
{
    return replyList(out, store_.auths(), req, kAuths);
}

jiffy_status AuthService::filterAuths(const jiffy_request& req, jiffy_response& out)
{
    return replyList(out, store_.auths(routeFilter(req)), req, kAuths);
}

jiffy_status AuthService::createAuth(const jiffy_request& req, jiffy_response& out)
{
    auto body = parseBody(req, "authc: Invalid request payload");
    AuthRow a{0, required(body, "auth", "auth_name"), stringField(body, "auth_type").value_or("endpoint"),
              stringField(body, "description").value_or("")};
    return createRow(req, out, a, store_.insertAuth(a), kAuths, [this] { changed(); });
}

jiffy_status AuthService::getAuth(const jiffy_request& req, jiffy_response& out)
{
    return getRow(req, out, store_, kAuths);
}

jiffy_status AuthService::updateAuth(const jiffy_request& req, jiffy_response& out)
{
    auto apply = [](const Poco::JSON::Object::Ptr& body, AuthRow& a) {
        if (auto v = stringField(body, "auth_name")) a.name = *v;
        if (auto v = stringField(body, "auth_type")) a.type = *v;
        if (auto v = stringField(body, "description")) a.description = *v;
        if (a.name.empty()) throw BadRequest("auth: auth_name is required");
    };
    return updateRow(req, out, store_, kAuths, apply, [this] { changed(); });
}

jiffy_status AuthService::deleteAuth(const jiffy_request& req, jiffy_response& out)
{
    return deleteRow(req, out, store_, kAuths, [this] { changed(); });
}

jiffy_status AuthService::listGroupAuths(const jiffy_request& req, jiffy_response& out)
{
    return replyList(out, store_.groupAuths(), req, kGroupAuths);
}

jiffy_status AuthService::filterGroupAuths(const jiffy_request& req, jiffy_response& out)
{
    return replyList(out, store_.groupAuths(routeFilter(req)), req, kGroupAuths);
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
    replyJson(out, 201, groupAuthJson(*store_.groupAuthById(id), req)); // with the names the joins fill in
    return JIFFY_OK;
}

jiffy_status AuthService::getGroupAuth(const jiffy_request& req, jiffy_response& out)
{
    return getRow(req, out, store_, kGroupAuths);
}

jiffy_status AuthService::updateGroupAuth(const jiffy_request& req, jiffy_response& out)
{
    auto id = idParam(req);
    if (!id || !store_.groupAuthById(*id)) return replyOne(out, std::optional<GroupAuthRow>(), req, kGroupAuths);
    store_.updateGroupAuth(checkedGrant(parseBody(req, "Invalid request payload"), *id));
    changed();
    return replyOne(out, store_.groupAuthById(*id), req, kGroupAuths);
}

jiffy_status AuthService::deleteGroupAuth(const jiffy_request& req, jiffy_response& out)
{
    return deleteRow(req, out, store_, kGroupAuths, [this] { changed(); });
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
