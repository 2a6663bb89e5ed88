// routes/models: serves jiffy model files as a REST API — jiffy's routes,
// JSON and status codes, with no code generation. At start it parses the
// model files, creates or migrates the tables, and announces one route per
// entity action with jiffy's route names (library.GET_ID, ...), which the
// host's authorization layer uses.
#include "BodyDecoder.h"
#include "EntityService.h"
#include <jiffy/json.hpp>
#include "ModelParser.h"
#include "OpenApi.h"
#include "RouteTable.h"
#include "SchemaMigrator.h"

#include <jiffy/routes.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/String.h>

#include <memory>
#include <optional>

namespace {

using namespace jiffy::models;

const jiffy_option kOptions[] = {
    jiffy::option("model_files", JIFFY_OPT_PATH_LIST, true, nullptr,
                  "jiffy model files (relative to the config file) whose entities are served"),
    jiffy::option("migrate", JIFFY_OPT_BOOL, false, "true",
                  "create missing tables and columns at start (false: only check)"),
    jiffy::option("open", JIFFY_OPT_BOOL, false, "false",
                  "serve the entity routes without authentication (development only)"),
    jiffy::option("strict_bodies", JIFFY_OPT_BOOL, false, "false",
                  "answer 400 naming a body field the entity does not have (jiffy ignores such fields)"),
};

/// Reads a JSON array of strings the option table declares (the host checked its type).
std::vector<std::string> stringList(const jiffy::Host& host, const char* key)
{
    std::vector<std::string> out;
    auto arr = Poco::JSON::Parser().parse(host.optionJson(key)).extract<Poco::JSON::Array::Ptr>();
    for (unsigned i = 0; i < arr->size(); ++i) out.push_back(arr->getElement<std::string>(i));
    return out;
}

/// Value of `key` in `o`, matched case-insensitively as jiffy's Go decoder does.
Poco::Dynamic::Var field(const Poco::JSON::Object::Ptr& o, const std::string& key)
{
    for (const auto& kv : *o)
        if (Poco::icompare(kv.first, key) == 0) return kv.second;
    return {};
}

/// Which entities jiffy's service_activations switch on; every entity when
/// the key is absent.
std::vector<bool> activations(const jiffy::Host& host, const Model& model)
{
    std::vector<bool> on(model.entities.size(), true);
    auto json = host.configJson("service_activations", JIFFY_CONFIG_ROOT);
    if (!json) {
        host.info("service_activations is absent: serving every entity of the model");
        return on;
    }
    std::fill(on.begin(), on.end(), false);
    // A name no model file defines is a typo that would silently switch an
    // entity off; refuse it, unless another models entry may define it.
    int modelsEntries = 0;
    if (auto routes = host.configJson("routes", JIFFY_CONFIG_ROOT)) {
        auto list = Poco::JSON::Parser().parse(*routes).extract<Poco::JSON::Array::Ptr>();
        for (unsigned i = 0; i < list->size(); ++i)
            if (auto r = list->getObject(i); r && r->optValue<std::string>("plugin", "") == "models") ++modelsEntries;
    }
    std::string known;
    for (const auto& e : model.entities) known += (known.empty() ? "" : ", ") + e.typeName;
    auto arr = Poco::JSON::Parser().parse(*json).extract<Poco::JSON::Array::Ptr>();
    for (unsigned i = 0; i < arr->size(); ++i) {
        auto o = arr->getObject(i);
        if (!o) continue;
        Poco::Dynamic::Var name = field(o, "service_name"), active = field(o, "service_active");
        int idx = name.isString() ? model.entityByName(name.convert<std::string>()) : -1;
        if (idx >= 0) {
            on[static_cast<size_t>(idx)] = active.type() == typeid(bool) && active.extract<bool>();
        } else if (name.isString()) {
            std::string msg = "service_activations[" + std::to_string(i) + "].service_name: no entity \"" +
                              name.convert<std::string>() + "\" in the model files, which define " + known;
            if (modelsEntries > 1)
                host.warning(msg);
            else
                jiffy::fail(JIFFY_INVALID, msg);
        }
    }
    for (size_t i = 0; i < on.size(); ++i)
        if (!on[i])
            host.info("entity " + model.entities[i].typeName + " is not active in service_activations: not served");
    return on;
}

class ModelsRoutes : public jiffy::RouteHandler {
public:
    ModelsRoutes(const jiffy::Host& host, std::string_view) : host_(host), sql_(host.dialect())
    {
        ParseResult parsed = parse(host);
        model_ = std::move(parsed.model);
        for (const auto& w : parsed.warnings) host.warning(w);
        migrate(host.optionBool("migrate"));
        const bool strict = host.optionBool("strict_bodies");
        for (const Entity& e : model_.entities)
            services_.push_back(std::make_unique<EntityService>(host, e, sql_, strict));
        table_ = RouteTable(model_, activations(host, model_), host.optionBool("open"));
    }

    /// `jiffyd --check-config`: everything the constructor checks, reading
    /// the database only (opened read-only by the host) and writing nothing.
    static void check(const jiffy::Host& host, std::string_view)
    {
        Model model = parse(host).model;
        activations(host, model);
        if (!host.optionBool("migrate")) return;
        std::optional<Sql> sql;
        try {
            sql.emplace(host.dialect());
        } catch (const jiffy::Error& e) {
            if (e.status() == JIFFY_UNAVAILABLE) return; // no database to compare with
            throw;
        }
        try {
            SchemaMigrator(host, model, *sql).check();
        } catch (const ModelError& e) {
            jiffy::fail(JIFFY_INVALID, std::string("the start would refuse the schema migration:\n") + e.what());
        }
    }

    std::vector<jiffy::Route> routes() override { return table_.routes(); }

    void handle(uint32_t id, const jiffy::Request& req, jiffy::Response& resp) override
    {
        Reply r;
        try {
            r = dispatch(table_.action(id), req);
        } catch (const QueryError& e) {
            r = badRequest(e.what());
        } catch (const BadRequest& e) {
            r = badRequest(e.what());
        }
        resp.status(r.status);
        resp.header("Content-Type", r.contentType);
        if (!r.body.empty()) resp.write(r.body);
    }

    /// Built when the host asks, which it does once, for the first GET
    /// /openapi.json: a start builds no JSON tree for it.
    std::string openapi() override { return buildOpenApi(model_, table_); }

private:
    /// The configured model files, parsed; a ModelError is the config's fault (INVALID).
    static ParseResult parse(const jiffy::Host& host)
    {
        try {
            return loadModelFiles(stringList(host, "model_files"));
        } catch (const ModelError& e) {
            jiffy::fail(JIFFY_INVALID, e.what());
        }
    }

    static Reply badRequest(const std::string& msg)
    {
        return {400, "application/json", "{\"error\":" + JsonWriter::quote(msg) + "}"};
    }

    void migrate(bool apply)
    {
        if (!apply) return;
        try {
            for (const auto& line : SchemaMigrator(host_, model_, sql_).migrate()) host_.info(line);
        } catch (const ModelError& e) {
            jiffy::fail(JIFFY_INVALID, std::string("schema migration refused:\n") + e.what());
        }
    }

    /// Path parameter `name` as a positive id; QueryError otherwise.
    static int64_t idParam(const jiffy::Request& req, const std::string& name, const std::string& what)
    {
        auto v = req.param(name);
        auto id = v ? parseInteger(*v, 1, std::numeric_limits<int64_t>::max()) : std::nullopt;
        if (!id) throw QueryError("Invalid " + what + " ID");
        return *id;
    }

    static Commands commands(const jiffy::Request& req, const Entity& e)
    {
        auto cmd = req.param("cmd");
        return cmd ? parseCommands(*cmd, e) : Commands{};
    }

    Reply dispatch(const RouteAction& a, const jiffy::Request& req) const
    {
        const EntityService& svc = *services_[a.entity];
        const Entity& e = svc.entity();
        std::string_view base = req.baseUrl();
        switch (a.action) {
        case Action::List:
            return svc.list({}, commands(req, e), base);
        case Action::Create:
            return svc.create(req.body(), base);
        case Action::Get:
            return svc.get(idParam(req, "id", e.table), base);
        case Action::Update:
            return svc.update(idParam(req, "id", e.table), req.body(), base);
        case Action::Delete:
            return svc.remove(idParam(req, "id", e.table));
        case Action::Filter: {
            const Property& p = e.properties[a.index];
            Filter f = parseFilter(req.param("expr").value_or(""), p);
            return svc.list({{p.column, f.op, f.value}}, commands(req, e), base);
        }
        case Action::Relation:
            return relation(a, req, base);
        }
        return badRequest("unknown route");
    }

    Reply relation(const RouteAction& a, const jiffy::Request& req, std::string_view base) const
    {
        const EntityService& from = *services_[a.entity];
        const Relation& r = from.entity().relations[a.index];
        const EntityService& to = *services_[r.to];
        int64_t fromId = idParam(req, a.fromParam, from.entity().table);
        std::optional<Scalar> key = from.columnValue(fromId, r.fromColumn);
        if (!key) return from.notFound(fromId);
        std::vector<Condition> where;
        std::string missing = from.entity().table + " " + std::to_string(fromId) + " has no " + to.entity().table;
        if (key->isNull) {
            // A null key relates to nothing: an empty list, or 404 for a single object.
            if (r.type == RelType::HasMany && !req.param(a.toParam))
                return commands(req, to.entity()).count ? Reply{200, "application/text", "0"}
                                                        : Reply{200, "application/json", "[]"};
            return {404, "application/json", "{\"error\":" + JsonWriter::quote(missing) + "}"};
        }
        key->kind = to.columnKind(r.toColumn);
        where.push_back({r.toColumn, Op::Eq, *key});
        if (req.param(a.toParam)) {
            int64_t toId = idParam(req, a.toParam, to.entity().table);
            Scalar idValue;
            idValue.kind = Kind::Int;
            idValue.i = toId;
            where.push_back({"id", Op::Eq, idValue});
            return to.first(where, base,
                            to.entity().table + " " + std::to_string(toId) + " is not related to " +
                                from.entity().table + " " + std::to_string(fromId),
                            200);
        }
        if (r.type == RelType::HasMany) return to.list(where, commands(req, to.entity()), base);
        return to.first(where, base, missing, 200);
    }

    jiffy::Host host_;
    Sql sql_;
    Model model_;
    std::vector<std::unique_ptr<EntityService>> services_;
    RouteTable table_;
};

} // namespace

JIFFY_ROUTES_PLUGIN(ModelsRoutes, "models", "1.0.0", JIFFY_CAP_THREAD_SAFE, kOptions)
