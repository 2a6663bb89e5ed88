#include "auth/AuthOpenApi.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <sstream>
#include <utility>
#include <vector>

namespace jiffy::host::auth {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

Object::Ptr obj()
{
    return new Object(true);
}

Object::Ptr type(const std::string& t, const std::string& format = "")
{
    Object::Ptr s = obj();
    s->set("type", t);
    if (!format.empty()) s->set("format", format);
    return s;
}

/// An object schema from (name, type[, format]) fields.
Object::Ptr schema(const std::vector<std::vector<std::string>>& fields)
{
    Object::Ptr s = type("object");
    Object::Ptr props = obj();
    for (const auto& f : fields) props->set(f[0], type(f[1], f.size() > 2 ? f[2] : ""));
    s->set("properties", props);
    return s;
}

Object::Ptr content(const Object::Ptr& s, const std::string& media = "application/json")
{
    Object::Ptr m = obj();
    m->set("schema", s);
    Object::Ptr c = obj();
    c->set(media, m);
    return c;
}

Object::Ptr response(const std::string& description, const Object::Ptr& s = nullptr)
{
    Object::Ptr r = obj();
    r->set("description", description);
    if (s) r->set("content", content(s));
    return r;
}

Object::Ptr arrayOf(const Object::Ptr& item)
{
    Object::Ptr a = type("array");
    a->set("items", item);
    return a;
}

struct Entity {
    std::string name;  ///< "usr"
    Object::Ptr shape; ///< as answered
    Object::Ptr input; ///< as sent on create/update
};

} // namespace

std::string authOpenApi(bool openRegistration)
{
    const Object::Ptr error = schema({{"error", "string"}});
    const Entity usr{"usr",
                     schema({{"ID", "integer", "int64"},
                             {"href", "string", "uri"},
                             {"Name", "string"},
                             {"Email", "string"},
                             {"Password", "string"},
                             {"PasswordHash", "string"},
                             {"created_on", "string", "date-time"},
                             {"updated_on", "string", "date-time"},
                             {"Active", "boolean"},
                             {"groups", "string"}}),
                     schema({{"email", "string"},
                             {"password", "string"},
                             {"name", "string"},
                             {"active", "boolean"},
                             {"groups", "string"}})};
    const Entity group{"usrgroup",
                       schema({{"id", "integer", "int64"},
                               {"href", "string", "uri"},
                               {"group_name", "string"},
                               {"description", "string"}}),
                       schema({{"group_name", "string"}, {"description", "string"}})};
    const Entity authE{"auth",
                       schema({{"id", "integer", "int64"},
                               {"href", "string", "uri"},
                               {"auth_name", "string"},
                               {"auth_type", "string"},
                               {"description", "string"}}),
                       schema({{"auth_name", "string"}, {"auth_type", "string"}, {"description", "string"}})};
    const Entity grant{"groupauth",
                       schema({{"id", "integer", "int64"},
                               {"href", "string", "uri"},
                               {"group_id", "integer", "int64"},
                               {"group_name", "string"},
                               {"auth_id", "integer", "int64"},
                               {"auth_name", "string"},
                               {"auth_type", "string"},
                               {"description", "string"}}),
                       schema({{"group_id", "integer", "int64"}, {"auth_id", "integer", "int64"}})};

    Object::Ptr paths = obj();
    auto op = [&](const std::string& path, const std::string& method, const std::string& id, const std::string& summary,
                  const Object::Ptr& body, Object::Ptr responses) {
        Object::Ptr item = paths->has(path) ? paths->getObject(path) : obj();
        Object::Ptr o = obj();
        o->set("operationId", id);
        o->set("summary", summary);
        o->set("tags", Array::Ptr(new Array));
        o->getArray("tags")->add(std::string("auth"));
        if (body) {
            Object::Ptr rb = obj();
            rb->set("required", true);
            rb->set("content", content(body));
            o->set("requestBody", rb);
        }
        responses->set("400", response("malformed request or refused values", error));
        o->set("responses", responses);
        item->set(method, o);
        paths->set(path, item);
    };
    auto ok = [](const std::string& code, const std::string& d, const Object::Ptr& s = nullptr) {
        Object::Ptr r = obj();
        r->set(code, response(d, s));
        return r;
    };

    op("/usr/login", "post", "usr.LOGIN", "Log in: a JWT for the user",
       schema({{"email", "string"}, {"password", "string"}}), ok("200", "the token", schema({{"token", "string"}})));
    op("/usr/password", "post", "usr.PASSWORD", "Change one's own password",
       schema({{"email", "string"}, {"password", "string"}, {"new_password", "string"}}),
       ok("200", "changed", schema({{"message", "string"}})));
    for (const Entity* e : {&usr, &group, &authE, &grant}) {
        const std::string one = "/" + e->name, many = "/" + e->name + "s", byId = one + "/{id}";
        op(many, "get", e->name + ".GET_SET", "List every " + e->name, nullptr,
           ok("200", "the list", arrayOf(e->shape)));
        op(one, "post", e->name + ".CREATE",
           e->name == "usr" && openRegistration ? "Create a user (open: self-registration is limited)"
                                                : "Create a " + e->name,
           e->input, ok("201", "created", e->shape));
        op(byId, "get", e->name + ".GET_ID", "Read one " + e->name, nullptr,
           ok("201", "the row (jiffy's 201)", e->shape));
        op(byId, "put", e->name + ".UPDATE", "Update one " + e->name, e->input, ok("201", "updated", e->shape));
        op(byId, "delete", e->name + ".DELETE", "Delete one " + e->name, nullptr, ok("202", "deleted"));
    }
    const std::vector<std::pair<std::string, std::string>> filters = {
        {"/usrgroups/group_name({expr})", "usrgroup.STATICFLTR_ByGroupName"},
        {"/usrgroups/description({expr})", "usrgroup.STATICFLTR_ByDescription"},
        {"/auths/auth_name({expr})", "auth.STATICFLTR_ByAuthName"},
        {"/auths/description({expr})", "auth.STATICFLTR_ByDescription"},
        {"/groupauths/auth_name({expr})", "groupauth.STATICFLTR_ByAuthName"},
        {"/groupauths/description({expr})", "groupauth.STATICFLTR_ByDescription"},
        {"/groupauths/group_id({expr})", "groupauth.STATICFLTR_ByGroupID"}};
    for (const auto& [path, id] : filters) {
        const Entity& e = path.rfind("/usrgroups", 0) == 0 ? group : path.rfind("/auths", 0) == 0 ? authE : grant;
        op(path, "get", id, "Filter by a field: (EQ 'x'), (LIKE 'x'), (GT n) ...", nullptr,
           ok("200", "the matching rows", arrayOf(e.shape)));
    }
    op("/groupauths/{group_id}", "delete", "groupauth.DELETE_ByGroupID", "Delete every grant of a group", nullptr,
       ok("202", "deleted"));
    std::ostringstream os;
    paths->stringify(os);
    return os.str();
}

} // namespace jiffy::host::auth
