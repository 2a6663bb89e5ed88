#include "OpenApi.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <sstream>

namespace jiffy::models {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

Object::Ptr obj()
{
    return new Object(true);
}

Object::Ptr typeSchema(const std::string& type, const std::string& format = "")
{
    Object::Ptr s = obj();
    s->set("type", type);
    if (!format.empty()) s->set("format", format);
    return s;
}

Object::Ptr propertySchema(const Property& p)
{
    switch (p.kind) {
    case Kind::String:
        return typeSchema("string");
    case Kind::Bool:
        return typeSchema("boolean");
    case Kind::Int: {
        Object::Ptr s = typeSchema("integer", "int64");
        s->set("minimum", p.min);
        s->set("maximum", p.max);
        return s;
    }
    case Kind::Float:
        return typeSchema("number", "double");
    }
    return typeSchema("string");
}

Object::Ptr entitySchema(const Entity& e, bool forInput)
{
    Object::Ptr s = typeSchema("object");
    Object::Ptr props = obj();
    Array::Ptr required = new Array;
    if (!forInput) {
        props->set("id", typeSchema("integer", "int64"));
        props->set("href", typeSchema("string", "uri"));
        required->add("id");
        required->add("href");
    }
    for (const Property& p : e.properties) {
        props->set(p.column, propertySchema(p));
        if (p.required && !(forInput && p.defaultValue)) required->add(p.column);
    }
    s->set("properties", props);
    if (required->size()) s->set("required", required);
    return s;
}

Object::Ptr jsonContent(const Object::Ptr& schema)
{
    Object::Ptr media = obj();
    media->set("schema", schema);
    Object::Ptr content = obj();
    content->set("application/json", media);
    return content;
}

Object::Ptr response(const std::string& description, const Object::Ptr& schema = nullptr,
                     const std::string& mediaType = "application/json")
{
    Object::Ptr r = obj();
    r->set("description", description);
    if (schema) {
        Object::Ptr media = obj();
        media->set("schema", schema);
        Object::Ptr content = obj();
        content->set(mediaType, media);
        r->set("content", content);
    }
    return r;
}

Array::Ptr parameters(const std::string& pattern)
{
    Array::Ptr params = new Array;
    for (size_t open = pattern.find('{'); open != std::string::npos; open = pattern.find('{', open + 1)) {
        size_t close = pattern.find('}', open);
        std::string inner = pattern.substr(open + 1, close - open - 1);
        bool isInt = inner.size() > 4 && inner.compare(inner.size() - 4, 4, ":int") == 0;
        std::string name = isInt ? inner.substr(0, inner.size() - 4) : inner;
        Object::Ptr p = obj();
        p->set("name", name);
        p->set("in", "path");
        p->set("required", true);
        p->set("schema", isInt ? typeSchema("integer", "int64") : typeSchema("string"));
        if (name == "cmd")
            p->set("description",
                   "commands after '$': count, limit=n, offset=n, orderby=field, asc, desc (joined by '$')");
        if (name == "expr") p->set("description", "OP value, e.g. EQ 'text', GT 3, EQ true");
        params->add(p);
    }
    return params;
}

std::string openApiPath(std::string pattern)
{
    for (size_t i = pattern.find(":int}"); i != std::string::npos; i = pattern.find(":int}")) pattern.erase(i, 4);
    return pattern;
}

Object::Ptr operation(const Model& model, const jiffy::Route& route, const RouteAction& a)
{
    const Entity& e = model.entities[a.entity];
    Object::Ptr op = obj();
    op->set("operationId", route.name);
    Array::Ptr tags = new Array;
    tags->add(e.typeName);
    op->set("tags", tags);
    Array::Ptr params = parameters(route.pattern);
    if (params->size()) op->set("parameters", params);
    Object::Ptr responses = obj();
    Object::Ptr error = typeSchema("object");
    Object::Ptr errProps = obj();
    errProps->set("error", typeSchema("string"));
    error->set("properties", errProps);
    const Entity& target = a.action == Action::Relation ? model.entities[e.relations[a.index].to] : e;
    Object::Ptr list = typeSchema("array");
    list->set("items", entitySchema(target, false));
    switch (a.action) {
    case Action::List:
    case Action::Filter: {
        // $count answers the number as text (jiffy's Content-Type application/text).
        Object::Ptr ok = response("the list, or with $count the number as text", list);
        Object::Ptr count = obj();
        count->set("schema", typeSchema("integer"));
        ok->getObject("content")->set("application/text", count);
        responses->set("200", ok);
        break;
    }
    case Action::Relation: {
        // 200 either way: a hasMany route without /{to_id} answers a list (or
        // with $count the number as text), every other relation route one object.
        const Relation& rel = e.relations[a.index];
        const bool single = rel.type != RelType::HasMany ||
                            (!a.toParam.empty() && route.pattern.find("{" + a.toParam) != std::string::npos);
        if (single) {
            responses->set("200", response("the related " + target.typeName, entitySchema(target, false)));
        } else {
            Object::Ptr ok =
                response("related " + target.typeName + " entities, or with $count the number as text", list);
            Object::Ptr count = obj();
            count->set("schema", typeSchema("integer"));
            ok->getObject("content")->set("application/text", count);
            responses->set("200", ok);
        }
        break;
    }
    case Action::Create:
    case Action::Update: {
        Object::Ptr body = obj();
        body->set("required", true);
        body->set("content", jsonContent(entitySchema(e, true)));
        op->set("requestBody", body);
        responses->set("201", response(a.action == Action::Create ? "created" : "updated", entitySchema(e, false)));
        responses->set("409", response("unique or foreign-key conflict", error));
        break;
    }
    case Action::Get:
        responses->set("201", response("the entity (jiffy answers 201)", entitySchema(e, false)));
        break;
    case Action::Delete:
        responses->set("202", response("deleted"));
        break;
    }
    responses->set("400", response("malformed request", error));
    responses->set("401", response("not authorized"));
    if (a.action != Action::List && a.action != Action::Filter && a.action != Action::Create)
        responses->set("404", response("no such entity", error));
    op->set("responses", responses);
    return op;
}

} // namespace

std::string buildOpenApi(const Model& model, const RouteTable& table)
{
    Object::Ptr paths = obj();
    for (const jiffy::Route& r : table.routes()) {
        std::string path = openApiPath(r.pattern);
        Object::Ptr item = paths->has(path) ? paths->getObject(path) : obj();
        std::string method = r.method;
        for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        item->set(method, operation(model, r, table.action(r.id)));
        paths->set(path, item);
    }
    std::ostringstream os;
    paths->stringify(os);
    return os.str();
}

} // namespace jiffy::models
