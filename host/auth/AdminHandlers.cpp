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

/// A static-filter route of an entity: "/<entity>s/<column>({expr})".
struct FilterRoute {
    const char* column;
    const char* nameSuffix; ///< of the route name "<entity>.STATICFLTR_<suffix>"
    std::vector<common::FilterOp> ops;
    bool integer = false;
};

/// What the generic routes below need to know of one auth entity.
template <class Row> struct EntityRoutes {
    const char* name; ///< route segment and the word of its 404 ("usrgroup")
    std::vector<Row> (AuthStore::*list)(const std::optional<StoreFilter>&);
    std::optional<Row> (AuthStore::*find)(int64_t);
    bool (AuthStore::*save)(const Row&);
    bool (AuthStore::*remove)(int64_t);
    std::string (*toJson)(const Row&, const jiffy_request&);
    std::vector<FilterRoute> filters;
    /// PUT answers the row as read back after saving (a grant: the joins fill in the names).
    bool answerStored = false;
};

using common::FilterOp;
const std::vector<FilterOp> kTextOps = {FilterOp::Eq, FilterOp::Like};

const EntityRoutes<GroupRow> kGroups{
    "usrgroup",
    &AuthStore::groups,
    &AuthStore::groupById,
    &AuthStore::updateGroup,
    &AuthStore::deleteGroup,
    groupJson,
    {{"group_name", "ByGroupName", kTextOps}, {"description", "ByDescription", kTextOps}}};
const EntityRoutes<AuthRow> kAuths{"auth",
                                   &AuthStore::auths,
                                   &AuthStore::authById,
                                   &AuthStore::updateAuth,
                                   &AuthStore::deleteAuth,
                                   authJson,
                                   {{"auth_name", "ByAuthName", kTextOps}, {"description", "ByDescription", kTextOps}}};
const EntityRoutes<GroupAuthRow> kGroupAuths{
    "groupauth",
    &AuthStore::groupAuths,
    &AuthStore::groupAuthById,
    &AuthStore::updateGroupAuth,
    &AuthStore::deleteGroupAuth,
    groupAuthJson,
    {{"auth_name", "ByAuthName", kTextOps},
     {"description", "ByDescription", kTextOps},
     {"group_id", "ByGroupID", {FilterOp::Eq, FilterOp::Lt, FilterOp::Gt}, true}},
    true};

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

/// The {expr} of a static-filter route.
std::string exprParam(const jiffy_request& req)
{
    std::string expr;
    for (const auto& [k, v] : req.params)
        if (k == "expr") expr = v;
    return expr;
}

std::string required(const Poco::JSON::Object::Ptr& body, const std::string& entity, const std::string& key)
{
    std::string v = stringField(body, key).value_or("");
    if (v.empty()) throw BadRequest(entity + ": " + key + " is required");
    return v;
}

using Handler = std::function<jiffy_status(const jiffy_request&, jiffy_response&)>;
using AddOne =
    std::function<void(const std::string& method, const std::string& pattern, const std::string& name, Handler h)>;

/// GET /<e>s, its static filters, POST /<e> (`create`), GET, PUT and DELETE
/// /<e>/{id:int}. PUT reads the row, `apply(body, row)` (which may throw
/// BadRequest) and saves it; writes call `changed`.
template <class Row, class Apply>
void addEntityRoutes(const AddOne& add, AuthStore& store, const EntityRoutes<Row>& e, Handler create, Apply apply,
                     const std::function<void()>& changed)
{
    const std::string one = std::string("/") + e.name, set = one + "s";
    add("GET", set, std::string(e.name) + ".GET_SET",
        [&store, &e](const jiffy_request& req, jiffy_response& out) -> jiffy_status {
            return replyList(out, (store.*e.list)(std::nullopt), req, e);
        });
    for (const FilterRoute& f : e.filters)
        add("GET", set + "/" + f.column + "({expr})", std::string(e.name) + ".STATICFLTR_" + f.nameSuffix,
            [&store, &e, &f](const jiffy_request& req, jiffy_response& out) -> jiffy_status {
                return replyList(out, (store.*e.list)(parseFilter(f.column, exprParam(req), f.ops, f.integer)), req, e);
            });
    add("POST", one, std::string(e.name) + ".CREATE", std::move(create));
    add("GET", one + "/{id:int}", std::string(e.name) + ".GET_ID",
        [&store, &e](const jiffy_request& req, jiffy_response& out) -> jiffy_status {
            auto id = idParam(req);
            return replyOne(out, id ? (store.*e.find)(*id) : std::nullopt, req, e);
        });
    add("PUT", one + "/{id:int}", std::string(e.name) + ".UPDATE",
        [&store, &e, apply, changed](const jiffy_request& req, jiffy_response& out) -> jiffy_status {
            auto id = idParam(req);
            std::optional<Row> row = id ? (store.*e.find)(*id) : std::nullopt;
            if (row) {
                apply(parseBody(req, "Invalid request payload"), *row);
                (store.*e.save)(*row);
                changed();
                if (e.answerStored) row = (store.*e.find)(*id);
            }
            return replyOne(out, row, req, e);
        });
    add("DELETE", one + "/{id:int}", std::string(e.name) + ".DELETE",
        [&store, &e, changed](const jiffy_request& req, jiffy_response& out) -> jiffy_status {
            auto id = idParam(req);
            if (!id || !(store.*e.remove)(*id)) {
                replyNotFound(out, e.name, req);
                return JIFFY_OK;
            }
            changed();
            return accepted(out);
        });
}

/// A text field of a group's or an auth's body.
template <class Row> struct TextField {
    const char* key;
    std::string Row::*member;
    const char* byDefault; ///< on POST when absent
};

// The first field is the entity's name: required on POST, kept non-empty by PUT.
const std::vector<TextField<GroupRow>> kGroupFields = {{"group_name", &GroupRow::name, ""},
                                                       {"description", &GroupRow::description, ""}};
const std::vector<TextField<AuthRow>> kAuthFields = {{"auth_name", &AuthRow::name, ""},
                                                     {"auth_type", &AuthRow::type, "endpoint"},
                                                     {"description", &AuthRow::description, ""}};

/// The routes of an entity made of text fields (usrgroup, auth): POST reads
/// `fields` in order and stores the row with `insert`; PUT replaces the fields
/// the body has.
template <class Row>
void addTextEntityRoutes(const AddOne& add, AuthStore& store, const EntityRoutes<Row>& e,
                         const std::vector<TextField<Row>>& fields, int64_t (AuthStore::*insert)(const Row&),
                         const std::function<void()>& changed)
{
    const TextField<Row>& name = fields.front();
    auto create = [&store, &e, &fields, &name, insert, changed](const jiffy_request& req,
                                                                jiffy_response& out) -> jiffy_status {
        auto body = parseBody(req, std::string(e.name) + "c: Invalid request payload");
        Row row{};
        for (const TextField<Row>& f : fields)
            row.*f.member =
                &f == &name ? required(body, e.name, f.key) : stringField(body, f.key).value_or(f.byDefault);
        row.id = (store.*insert)(row);
        changed();
        replyJson(out, 201, e.toJson(row, req));
        return JIFFY_OK;
    };
    auto apply = [&e, &fields, &name](const Poco::JSON::Object::Ptr& body, Row& row) {
        for (const TextField<Row>& f : fields)
            if (auto v = stringField(body, f.key)) row.*f.member = *v;
        if ((row.*name.member).empty()) throw BadRequest(std::string(e.name) + ": " + name.key + " is required");
    };
    addEntityRoutes(add, store, e, create, apply, changed);
}

} // namespace

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

void AuthService::addAdminRoutes(const AddRoute& r)
{
    const AddOne add = [this, &r](const std::string& method, const std::string& pattern, const std::string& name,
                                  Handler h) { this->add(r, method, pattern, name, false, std::move(h)); };
    const std::function<void()> announce = [this] { changed(); };

    addTextEntityRoutes(add, store_, kGroups, kGroupFields, &AuthStore::insertGroup, announce);
    addTextEntityRoutes(add, store_, kAuths, kAuthFields, &AuthStore::insertAuth, announce);

    // A grant is checked against both ends, and answered with the names the joins fill in.
    addEntityRoutes(
        add, store_, kGroupAuths,
        [this](const jiffy_request& req, jiffy_response& out) -> jiffy_status {
            GroupAuthRow ga = checkedGrant(parseBody(req, "groupauthc: Invalid request payload"), 0);
            int64_t id = store_.insertGroupAuth(ga.groupId, ga.authId);
            changed();
            replyJson(out, 201, groupAuthJson(*store_.groupAuthById(id), req));
            return JIFFY_OK;
        },
        [this](const Poco::JSON::Object::Ptr& body, GroupAuthRow& ga) {
            GroupAuthRow checked = checkedGrant(body, ga.id);
            ga.groupId = checked.groupId;
            ga.authId = checked.authId;
        },
        announce);
    add("DELETE", "/groupauths/{group_id:int}", "groupauth.DELETE_ByGroupID",
        [this](const jiffy_request& req, jiffy_response& out) -> jiffy_status {
            auto id = idParam(req, "group_id");
            if (!id) throw BadRequest("Invalid group ID");
            store_.deleteGroupAuthsOfGroup(*id);
            changed(); // jiffy forgets this one: its cache stays stale until a restart
            return accepted(out);
        });
}

} // namespace jiffy::host::auth
