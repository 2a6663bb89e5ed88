#include "ModelParser.h"

#include <jiffy/json_syntax.hpp>

#include "Naming.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

namespace jiffy::models {
namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

struct TypeInfo {
    const char* name;
    Kind kind;
    int64_t min, max;
};

constexpr int64_t kI64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kI64Min = std::numeric_limits<int64_t>::min();

const TypeInfo kTypes[] = {
    {"string", Kind::String, 0, 0},
    {"bool", Kind::Bool, 0, 0},
    {"int", Kind::Int, kI64Min, kI64Max},
    {"int8", Kind::Int, -128, 127},
    {"int16", Kind::Int, -32768, 32767},
    {"int32", Kind::Int, -2147483648LL, 2147483647LL},
    {"rune", Kind::Int, -2147483648LL, 2147483647LL},
    {"int64", Kind::Int, kI64Min, kI64Max},
    {"uint", Kind::Int, 0, kI64Max},
    {"uint8", Kind::Int, 0, 255},
    {"byte", Kind::Int, 0, 255},
    {"uint16", Kind::Int, 0, 65535},
    {"uint32", Kind::Int, 0, 4294967295LL},
    {"uint64", Kind::Int, 0, kI64Max},
    {"float32", Kind::Float, 0, 0},
    {"float64", Kind::Float, 0, 0},
};

/// Table names that the host's auth layer or the migration bookkeeping own.
const std::set<std::string> kReservedTables = {"usr", "usrgroup", "auth", "groupauth", "jiffy_model_columns"};

bool isObject(const Var& v)
{
    return v.type() == typeid(Object::Ptr);
}
bool isArray(const Var& v)
{
    return v.type() == typeid(Array::Ptr);
}
bool isBool(const Var& v)
{
    return v.type() == typeid(bool);
}

std::string describe(const Var& v)
{
    if (v.isEmpty()) return "null";
    if (isObject(v)) return "an object";
    if (isArray(v)) return "an array";
    if (isBool(v)) return v.extract<bool>() ? "true" : "false";
    if (v.isString()) return "string \"" + v.convert<std::string>() + "\"";
    return "number " + v.convert<std::string>();
}

/// Collects problems and warnings while walking one file.
class Walker {
public:
    Walker(std::string file, std::vector<std::string>& problems, std::vector<std::string>& warnings)
        : file_(std::move(file)), problems_(problems), warnings_(warnings)
    {
    }
    void problem(const std::string& path, const std::string& what)
    {
        problems_.push_back(file_ + ": " + path + ": " + what);
    }
    void warning(const std::string& path, const std::string& what)
    {
        warnings_.push_back(file_ + ": " + path + ": " + what);
    }
    const std::string& file() const { return file_; }

    std::string str(const Object::Ptr& o, const std::string& key, const std::string& path)
    {
        Var v = o->get(key);
        if (v.isEmpty()) return {};
        if (!v.isString()) {
            problem(path + "." + key, "expected a string, got " + describe(v));
            return {};
        }
        return v.convert<std::string>();
    }
    bool flag(const Object::Ptr& o, const std::string& key, const std::string& path)
    {
        Var v = o->get(key);
        if (v.isEmpty()) return false;
        if (!isBool(v)) {
            problem(path + "." + key, "expected true or false, got " + describe(v));
            return false;
        }
        return v.extract<bool>();
    }
    void unknownKeys(const Object::Ptr& o, const std::set<std::string>& known, const std::string& path)
    {
        for (const auto& kv : *o)
            if (!known.count(kv.first)) warning(path + "." + kv.first, "unknown key, ignored");
    }

private:
    std::string file_;
    std::vector<std::string>& problems_;
    std::vector<std::string>& warnings_;
};

std::optional<Scalar> parseDefault(const Var& v, const Property& p, Walker& w)
{
    if (v.isEmpty()) return std::nullopt;
    Scalar s;
    s.kind = p.kind;
    std::string text = v.convert<std::string>();
    // jiffy's generator drops an empty default: no DEFAULT clause, and an
    // absent field is null (or, when required, missing).
    if (v.isString() && text.empty()) return std::nullopt;
    try {
        switch (p.kind) {
        case Kind::String:
            s.s = text;
            return s;
        case Kind::Bool:
            if (isBool(v))
                s.b = v.extract<bool>();
            else if (text == "true" || text == "false")
                s.b = text == "true";
            else
                throw std::invalid_argument("not a boolean");
            return s;
        case Kind::Int: {
            size_t used = 0;
            long long x = std::stoll(text, &used);
            if (used != text.size() || x < p.min || x > p.max) throw std::invalid_argument("out of range");
            s.i = x;
            return s;
        }
        case Kind::Float: {
            size_t used = 0;
            s.d = std::stod(text, &used);
            if (used != text.size()) throw std::invalid_argument("not a number");
            return s;
        }
        }
    } catch (const std::exception&) {
        w.problem(p.path.substr(w.file().size() + 2) + ".default",
                  "\"" + text + "\" is not a valid " + p.type + " value");
    }
    return std::nullopt;
}

std::vector<Op> parseSelectable(const std::string& text, Property& p, Walker& w, const std::string& path)
{
    std::vector<Op> ops;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ',')) {
        item.erase(0, item.find_first_not_of(" \t"));
        item.erase(item.find_last_not_of(" \t") + 1);
        if (item.empty()) continue;
        std::optional<Op> op = jiffy::common::filterOpFromWord(item);
        if (!op) {
            w.problem(path + ".selectable", "unknown operator \"" + item + "\" (use eq, ne, lt, le, gt, ge, like)");
            continue;
        }
        if (*op == Op::Like && p.kind != Kind::String) continue; // jiffy: LIKE only on strings
        if (p.kind == Kind::Bool && *op != Op::Eq && *op != Op::Ne) {
            w.warning(path + ".selectable", "\"" + item + "\" ignored: booleans take eq and ne only");
            continue;
        }
        if (std::find(ops.begin(), ops.end(), *op) == ops.end()) ops.push_back(*op);
    }
    return ops;
}

bool validDbType(const std::string& t)
{
    if (t.empty() || t.size() > 64) return false;
    for (char c : t)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != ' ' && c != '(' && c != ')' && c != ',' && c != '_')
            return false;
    return true;
}

Property parseProperty(const std::string& name, const Var& v, const std::string& path, Walker& w)
{
    Property p;
    p.name = name;
    p.goName = titleCase(name);
    p.column = snakeCase(name);
    p.path = w.file() + ": " + path;
    if (!isModelIdentifier(name)) {
        w.problem(path, "property names are camelCase letters and digits (jiffy forbids '_'), got \"" + name + "\"");
        return p;
    }
    if (p.column == "id" || p.column == "href") {
        w.problem(path, "\"" + name + "\" is reserved: every entity has id and href");
        return p;
    }
    if (!isObject(v)) {
        w.problem(path, "expected an object, got " + describe(v));
        return p;
    }
    Object::Ptr o = v.extract<Object::Ptr>();
    p.type = w.str(o, "type", path);
    auto t = std::find_if(std::begin(kTypes), std::end(kTypes), [&](const TypeInfo& ti) { return p.type == ti.name; });
    if (t == std::end(kTypes)) {
        std::string valid;
        for (const TypeInfo& ti : kTypes) valid += (valid.empty() ? "" : ", ") + std::string(ti.name);
        w.problem(path + ".type", p.type.empty() ? "required: one of " + valid
                                                 : "unknown type \"" + p.type + "\"; the types are " + valid);
        return p;
    }
    p.kind = t->kind;
    p.min = t->min;
    p.max = t->max;
    p.required = w.flag(o, "required", path);
    p.unique = w.flag(o, "unique", path);
    p.noDb = w.flag(o, "no_db", path);
    p.index = w.str(o, "index", path);
    if (p.index == "non-unique") p.index = "nonUnique";
    if (!p.index.empty() && p.index != "unique" && p.index != "nonUnique")
        w.problem(path + ".index", "expected \"\", \"unique\" or \"nonUnique\", got \"" + p.index + "\"");
    p.ops = parseSelectable(w.str(o, "selectable", path), p, w, path);
    p.dbType = w.str(o, "db_type", path);
    if (!p.dbType.empty() && !validDbType(p.dbType))
        w.problem(path + ".db_type",
                  "\"" + p.dbType + "\" is not a column type (letters, digits, spaces, parentheses)");
    p.refEntity = w.str(o, "ref_entity", path);
    p.refField = w.str(o, "ref_field", path);
    if (p.refEntity.empty() != p.refField.empty())
        w.problem(path, "ref_entity and ref_field must both be given to define a foreign key");
    p.defaultValue = parseDefault(o->get("default"), p, w);
    if (o->has("default")) {
        Var d = o->get("default");
        p.emptyDefault = d.isString() && d.convert<std::string>().empty();
    }
    if (p.noDb && (p.unique || !p.index.empty() || !p.refEntity.empty()))
        w.problem(path, "a no_db property is never stored: it cannot be unique, indexed or a foreign key");
    w.unknownKeys(o,
                  {"type", "format", "required", "unique", "index", "selectable", "default", "no_db", "db_type",
                   "ref_entity", "ref_field"},
                  path);
    return p;
}

void parseCompositeIndexes(const Var& v, Entity& e, const std::string& path, Walker& w)
{
    if (v.isEmpty()) return;
    if (!isArray(v)) return w.problem(path, "expected an array, got " + describe(v));
    Array::Ptr arr = v.extract<Array::Ptr>();
    for (unsigned i = 0; i < arr->size(); ++i) {
        std::string ip = path + "[" + std::to_string(i) + "]";
        Var item = arr->get(i);
        if (!isObject(item)) {
            w.problem(ip, "expected {\"index\": \"a, b\"}, got " + describe(item));
            continue;
        }
        std::string spec = w.str(item.extract<Object::Ptr>(), "index", ip);
        CompositeIndex ci;
        ci.name = "idx_" + e.table;
        std::stringstream in(spec);
        std::string col;
        while (std::getline(in, col, ',')) {
            col.erase(0, col.find_first_not_of(" \t"));
            col.erase(col.find_last_not_of(" \t") + 1);
            std::string c = snakeCase(col);
            if (e.propertyByColumn(c) < 0) w.problem(ip + ".index", "no property \"" + col + "\" in " + e.typeName);
            ci.columns.push_back(c);
            ci.name += "_" + c;
        }
        if (ci.columns.size() < 2)
            w.problem(ip + ".index", "a composite index names two or more properties, got \"" + spec + "\"");
        e.compositeIndexes.push_back(ci);
    }
}

void parseRelations(const Var& v, Entity& e, const std::string& path, Walker& w)
{
    if (v.isEmpty()) return;
    if (!isArray(v)) return w.problem(path, "expected an array, got " + describe(v));
    Array::Ptr arr = v.extract<Array::Ptr>();
    for (unsigned i = 0; i < arr->size(); ++i) {
        std::string rp = path + "[" + std::to_string(i) + "]";
        Var item = arr->get(i);
        if (!isObject(item)) {
            w.problem(rp, "expected an object, got " + describe(item));
            continue;
        }
        Object::Ptr o = item.extract<Object::Ptr>();
        Relation r;
        r.name = w.str(o, "relName", rp);
        r.route = lowerCase(r.name);
        r.path = w.file() + ": " + rp;
        if (!isModelIdentifier(r.name))
            w.problem(rp + ".relName", "expected a name of letters and digits, got \"" + r.name + "\"");
        Var props = o->get("properties");
        if (!isObject(props)) {
            w.problem(rp + ".properties", "expected an object with relType and toEntity, got " + describe(props));
            continue;
        }
        Object::Ptr po = props.extract<Object::Ptr>();
        std::string type = w.str(po, "relType", rp + ".properties");
        if (type == "hasMany")
            r.type = RelType::HasMany;
        else if (type == "hasOne")
            r.type = RelType::HasOne;
        else if (type == "belongsTo")
            r.type = RelType::BelongsTo;
        else
            w.problem(rp + ".properties.relType", "expected hasMany, hasOne or belongsTo, got \"" + type + "\"");
        r.toEntity = w.str(po, "toEntity", rp + ".properties");
        // Kept as written until every entity is known (see resolveRelation).
        r.fromColumn = w.str(po, "refKey", rp + ".properties");
        r.toColumn = w.str(po, "foreignPK", rp + ".properties");
        e.relations.push_back(r);
    }
}

Entity parseEntity(const Var& v, const std::string& path, Walker& w)
{
    Entity e;
    e.path = w.file() + ": " + path;
    if (!isObject(v)) {
        w.problem(path, "expected an object, got " + describe(v));
        return e;
    }
    Object::Ptr o = v.extract<Object::Ptr>();
    e.typeName = w.str(o, "typeName", path);
    if (!isModelIdentifier(e.typeName)) {
        w.problem(path + ".typeName", "required: a name of letters and digits, got \"" + e.typeName + "\"");
        return e;
    }
    e.table = lowerCase(e.typeName);
    e.plural = e.table + "s";
    if (kReservedTables.count(e.table))
        w.problem(path + ".typeName", "\"" + e.typeName + "\" is reserved by the auth layer");
    Var idp = o->get("id_properties");
    if (isObject(idp)) {
        Var start = idp.extract<Object::Ptr>()->get("start");
        if (!start.isEmpty()) {
            if (!start.isInteger() || start.convert<int64_t>() < 1)
                w.problem(path + ".id_properties.start", "expected a positive integer, got " + describe(start));
            else
                e.idStart = start.convert<int64_t>();
        }
    } else if (!idp.isEmpty()) {
        w.problem(path + ".id_properties", "expected an object, got " + describe(idp));
    }
    Var props = o->get("properties");
    if (!isObject(props)) {
        w.problem(path + ".properties", "required: an object of properties, got " + describe(props));
        return e;
    }
    Object::Ptr po = props.extract<Object::Ptr>();
    std::vector<std::string> names;
    po->getNames(names); // file order: the parser preserves it
    for (const auto& name : names) {
        Property p = parseProperty(name, po->get(name), path + ".properties." + name, w);
        if (e.propertyByColumn(p.column) >= 0)
            w.problem(path + ".properties." + name, "maps to column \"" + p.column + "\" like another property");
        e.properties.push_back(std::move(p));
    }
    parseCompositeIndexes(o->get("compositeIndexes"), e, path + ".compositeIndexes", w);
    parseRelations(o->get("relations"), e, path + ".relations", w);
    w.unknownKeys(o, {"typeName", "id_properties", "properties", "compositeIndexes", "relations", "ext_points"}, path);
    return e;
}

/// The column of `entity` for property `name` ("ID"/"id" = the key), or "".
std::string columnFor(const Entity& e, const std::string& name)
{
    if (lowerCase(name) == "id") return "id";
    std::string c = snakeCase(name);
    return e.propertyByColumn(c) >= 0 ? c : std::string();
}

void resolveRelation(Model& m, size_t from, Relation& r, std::vector<std::string>& problems)
{
    const Entity& f = m.entities[from];
    int to = m.entityByName(r.toEntity);
    if (to < 0) {
        problems.push_back(r.path + ": toEntity \"" + r.toEntity + "\" is not an entity of the model");
        return;
    }
    r.to = static_cast<size_t>(to);
    const Entity& t = m.entities[r.to];
    std::string refKey = r.fromColumn, foreignPK = r.toColumn;
    if (r.type == RelType::BelongsTo) {
        r.fromColumn = columnFor(f, refKey.empty() ? t.typeName + "ID" : refKey);
        r.toColumn = columnFor(t, foreignPK.empty() ? "ID" : foreignPK);
    } else {
        r.fromColumn = columnFor(f, refKey.empty() ? "ID" : refKey);
        r.toColumn = columnFor(t, foreignPK.empty() ? f.typeName + "ID" : foreignPK);
    }
    if (r.fromColumn.empty())
        problems.push_back(r.path + ": " + f.typeName + " has no property " +
                           (refKey.empty() ? t.typeName + "ID" : refKey) + " for relation " + r.name + " (set refKey)");
    if (r.toColumn.empty())
        problems.push_back(r.path + ": " + t.typeName + " has no property " +
                           (foreignPK.empty() ? f.typeName + "ID" : foreignPK) + " for relation " + r.name +
                           " (set foreignPK)");
}

void resolveForeignKeys(Model& m, std::vector<std::string>& problems)
{
    for (Entity& e : m.entities)
        for (Property& p : e.properties) {
            if (p.refEntity.empty()) continue;
            int to = m.entityByName(p.refEntity);
            if (to < 0) {
                problems.push_back(p.path + ".ref_entity: \"" + p.refEntity + "\" is not an entity of the model");
                continue;
            }
            const Entity& t = m.entities[static_cast<size_t>(to)];
            p.refTable = t.table;
            p.refColumn = columnFor(t, p.refField);
            int target = t.propertyByColumn(p.refColumn);
            if (p.refColumn.empty())
                problems.push_back(p.path + ".ref_field: " + t.typeName + " has no property \"" + p.refField + "\"");
            else if (p.refColumn != "id" && !t.properties[static_cast<size_t>(target)].unique)
                problems.push_back(p.path + ".ref_field: " + t.typeName + "." + p.refField +
                                   " must be unique to be referenced by a foreign key");
        }
}

} // namespace

ModelError::ModelError(const std::vector<std::string>& problems)
    : std::runtime_error([&] {
          std::string s;
          for (const auto& p : problems) s += (s.empty() ? "" : "\n") + p;
          return s;
      }())
{
}

int Entity::propertyByColumn(const std::string& column) const
{
    for (size_t i = 0; i < properties.size(); ++i)
        if (properties[i].column == column) return static_cast<int>(i);
    return -1;
}

int Model::entityByName(const std::string& name) const
{
    for (size_t i = 0; i < entities.size(); ++i)
        if (lowerCase(entities[i].typeName) == lowerCase(name)) return static_cast<int>(i);
    return -1;
}

ParseResult parseModels(const std::vector<std::pair<std::string, std::string>>& files)
{
    ParseResult out;
    std::vector<std::string> problems;
    for (const auto& [file, text] : files) {
        Walker w(file, problems, out.warnings);
        Var root;
        try {
            // Keep the file's key order: properties are served in model order, as jiffy does.
            Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
            root = parser.parse(text);
        } catch (const Poco::Exception& e) {
            std::optional<jiffy::JsonSyntaxError> at = jiffy::findJsonSyntaxError(text);
            problems.push_back(at ? file + ":" + std::to_string(at->line) + ":" + std::to_string(at->column) +
                                        ": not valid JSON: " + at->message
                                  : file + ": not valid JSON: " + e.message());
            continue;
        }
        if (!isObject(root)) {
            problems.push_back(file + ": expected an object with \"entities\", got " + describe(root));
            continue;
        }
        Var ents = root.extract<Object::Ptr>()->get("entities");
        if (!isArray(ents)) {
            problems.push_back(file + ": entities: required: an array of entities, got " + describe(ents));
            continue;
        }
        Array::Ptr arr = ents.extract<Array::Ptr>();
        for (unsigned i = 0; i < arr->size(); ++i) {
            Entity e = parseEntity(arr->get(i), "entities[" + std::to_string(i) + "]", w);
            if (e.typeName.empty()) continue;
            if (out.model.entityByName(e.typeName) >= 0)
                w.problem("entities[" + std::to_string(i) + "].typeName",
                          "entity \"" + e.typeName + "\" is defined twice");
            out.model.entities.push_back(std::move(e));
        }
    }
    for (size_t i = 0; i < out.model.entities.size(); ++i)
        for (Relation& r : out.model.entities[i].relations) resolveRelation(out.model, i, r, problems);
    resolveForeignKeys(out.model, problems);
    if (!problems.empty()) throw ModelError(problems);
    return out;
}

ParseResult loadModelFiles(const std::vector<std::string>& paths)
{
    std::vector<std::pair<std::string, std::string>> files;
    std::vector<std::string> problems;
    for (const auto& p : paths) {
        std::ifstream in(p, std::ios::binary);
        if (!in) {
            problems.push_back(p + ": cannot read the model file");
            continue;
        }
        std::stringstream ss;
        ss << in.rdbuf();
        files.emplace_back(p, ss.str());
    }
    if (!problems.empty()) throw ModelError(problems);
    return parseModels(files);
}

} // namespace jiffy::models
