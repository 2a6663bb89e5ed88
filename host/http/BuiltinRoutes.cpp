#include "http/BuiltinRoutes.h"

#include "http/Dispatcher.h"
#include "metrics/AuthCounters.h"
#include "metrics/Exposition.h"
#include "metrics/MetricsRegistry.h"
#include "plugins/PluginErrors.h"
#include "plugins/PluginRegistry.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Logger.h>

#include <cctype>
#include <mutex>
#include <sstream>
#include <utility>
#include <vector>

namespace jiffy::host {
namespace {

void json(jiffy_response& out, int status, std::string body)
{
    out.status = status;
    out.headers.emplace_back("Content-Type", "application/json");
    out.body = std::move(body);
}

/// Probes every backend; the body lists each plugin with "ok" or its error.
jiffy_status readyz(const PluginRegistry& plugins, jiffy_response& out)
{
    Poco::JSON::Object checks;
    bool ok = true;
    auto probe = [&](const PluginInstance* inst, auto&& call) {
        if (!inst) return;
        CallError err;
        jiffy_status s = call(err.get());
        // UNSUPPORTED: the plugin cannot tell; say so without failing readiness.
        if (s == JIFFY_UNSUPPORTED) {
            checks.set(inst->label(), "unknown: " + err.message(s));
            return;
        }
        checks.set(inst->label(), s == JIFFY_OK ? std::string("ok") : err.message(s));
        ok = ok && s == JIFFY_OK;
    };
    probe(plugins.db(), [&](jiffy_error* e) { return plugins.db()->health(e); });
    probe(plugins.kvs(), [&](jiffy_error* e) { return plugins.kvs()->health(e); });
    if (!plugins.db() || !plugins.kvs()) ok = false;
    for (const auto& r : plugins.routes()) checks.set(r->label(), std::string("ok"));
    Poco::JSON::Object doc;
    doc.set("status", ok ? "ready" : "not ready");
    doc.set("checks", checks);
    std::ostringstream os;
    doc.stringify(os);
    json(out, ok ? 200 : 503, os.str());
    return JIFFY_OK;
}

/// The `{name}` / `{name:int}` parameters of a route pattern, in order.
std::vector<std::pair<std::string, bool>> patternParams(const std::string& pattern)
{
    std::vector<std::pair<std::string, bool>> out;
    for (size_t open = pattern.find('{'); open != std::string::npos; open = pattern.find('{', open + 1)) {
        size_t close = pattern.find('}', open);
        if (close == std::string::npos) break;
        std::string inside = pattern.substr(open + 1, close - open - 1);
        size_t colon = inside.find(':');
        out.emplace_back(inside.substr(0, colon), colon != std::string::npos && inside.substr(colon + 1) == "int");
    }
    return out;
}

Poco::JSON::Object::Ptr jsonObject()
{
    return new Poco::JSON::Object(true);
}

/// Completes one operation so the document validates as OpenAPI 3: a
/// summary, an operationId, every path parameter, the security it needs, a 401.
void completeOperation(Poco::JSON::Object::Ptr op, const RouteTarget& t, const std::string& path)
{
    const bool open = (t.flags & JIFFY_ROUTE_OPEN) != 0;
    std::string id = t.name;
    if (id.empty()) {
        for (char c : t.method + path) id += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    }
    if (!op->has("operationId")) op->set("operationId", id);
    if (!op->has("summary")) op->set("summary", t.name.empty() ? t.method + " " + path : t.name);
    Poco::JSON::Array::Ptr params =
        op->has("parameters") ? op->getArray("parameters") : Poco::JSON::Array::Ptr(new Poco::JSON::Array);
    for (const auto& [name, integer] : patternParams(t.pattern)) {
        bool listed = false;
        for (size_t i = 0; i < params->size(); ++i)
            if (params->getObject(static_cast<unsigned>(i))->optValue<std::string>("name", "") == name &&
                params->getObject(static_cast<unsigned>(i))->optValue<std::string>("in", "") == "path")
                listed = true;
        if (listed) continue;
        Poco::JSON::Object::Ptr p = jsonObject();
        p->set("name", name);
        p->set("in", "path");
        p->set("required", true);
        Poco::JSON::Object::Ptr schema = jsonObject();
        schema->set("type", integer ? "integer" : "string");
        if (integer) schema->set("format", "int64");
        p->set("schema", schema);
        params->add(p);
    }
    if (params->size()) op->set("parameters", params);
    Poco::JSON::Array::Ptr security = new Poco::JSON::Array;
    if (!open) {
        Poco::JSON::Object::Ptr bearer = jsonObject();
        bearer->set("bearerAuth", Poco::JSON::Array::Ptr(new Poco::JSON::Array));
        security->add(bearer);
    }
    op->set("security", security);
    Poco::JSON::Object::Ptr responses = op->has("responses") ? op->getObject("responses") : jsonObject();
    if (!open && !responses->has("401")) {
        Poco::JSON::Object::Ptr r = jsonObject();
        r->set("description",
               "no valid token, or its groups do not hold " + (t.name.empty() ? std::string("this route") : t.name));
        responses->set("401", r);
    }
    if (responses->size() == 0) {
        Poco::JSON::Object::Ptr r = jsonObject();
        r->set("description", "see the route's plugin");
        responses->set("default", r);
    }
    op->set("responses", responses);
}

/// One OpenAPI "paths" object and whose it is, for the log.
struct OpenApiFragment {
    std::string label;
    std::string json;
};

/// The fragments of the host's own routes and of every routes plugin (a
/// plugin's openapi() is serialised with its other calls, as every call).
std::vector<OpenApiFragment> collectOpenApi(const PluginRegistry& plugins,
                                            const std::vector<OpenApiSource>& hostFragments)
{
    std::vector<OpenApiFragment> out;
    auto keep = [&out](const std::string& label, std::string frag) {
        if (!frag.empty()) out.push_back({label, std::move(frag)});
    };
    for (const auto& f : hostFragments) keep("jiffyd", f());
    for (const auto& r : plugins.routes()) {
        try {
            keep(r->label(), r->openapi());
        } catch (const Poco::Exception& e) {
            Poco::Logger::get("jiffyd").warning("%s: ignoring its OpenAPI document: %s", r->label(), e.displayText());
        }
    }
    return out;
}

/// The whole document from the fragments and the route table.
std::string buildOpenApi(const std::vector<OpenApiFragment>& fragments, const Router& router,
                         const std::string& version)
{
    Poco::JSON::Object::Ptr paths = jsonObject();
    for (const auto& f : fragments) {
        try {
            auto obj = Poco::JSON::Parser().parse(f.json).extract<Poco::JSON::Object::Ptr>();
            for (const auto& [k, v] : *obj) paths->set(k, v);
        } catch (const Poco::Exception& e) {
            Poco::Logger::get("jiffyd").warning("%s: ignoring its OpenAPI document: %s", f.label, e.displayText());
        }
    }
    // Every route appears, described or not, and every operation is made
    // complete, so the document lists what the server answers and validates.
    for (const auto& t : router.routes()) {
        std::string p = t->pattern;
        for (size_t i = p.find(":int}"); i != std::string::npos; i = p.find(":int}")) p.erase(i, 4);
        Poco::JSON::Object::Ptr item = paths->has(p) ? paths->getObject(p) : jsonObject();
        std::string m = Poco::toLower(t->method);
        Poco::JSON::Object::Ptr op = item->has(m) ? item->getObject(m) : jsonObject();
        completeOperation(op, *t, p);
        item->set(m, op);
        paths->set(p, item);
    }
    Poco::JSON::Object doc(true);
    doc.set("openapi", "3.0.3");
    Poco::JSON::Object info(true);
    info.set("title", "jiffyd");
    info.set("version", version);
    info.set("description", "A jiffy-compatible REST service. Protected routes take `Authorization: Bearer <jwt>` "
                            "from POST /usr/login.");
    doc.set("info", info);
    Poco::JSON::Array::Ptr servers = new Poco::JSON::Array;
    Poco::JSON::Object::Ptr here = jsonObject();
    here->set("url", "/");
    servers->add(here);
    doc.set("servers", servers);
    Poco::JSON::Object::Ptr bearer = jsonObject();
    bearer->set("type", "http");
    bearer->set("scheme", "bearer");
    bearer->set("bearerFormat", "JWT");
    Poco::JSON::Object::Ptr schemes = jsonObject();
    schemes->set("bearerAuth", bearer);
    Poco::JSON::Object::Ptr components = jsonObject();
    components->set("securitySchemes", schemes);
    doc.set("components", components);
    doc.set("paths", paths);
    std::ostringstream os;
    doc.stringify(os);
    return os.str();
}

/// Login counters, build info and backend health; the backends are probed
/// now, so the gauges say what a scrape found.
std::string renderHostMetrics(const PluginRegistry& plugins, const std::string& version)
{
    using metrics::appendHeader;
    using metrics::appendSample;
    std::string out;
    const auto& auth = metrics::AuthCounters::instance();
    appendHeader(out, "jiffy_login_failures_total", "counter",
                 "Logins and password changes refused for a wrong email or password.");
    appendSample(out, "jiffy_login_failures_total", "", auth.loginFailures.load(std::memory_order_relaxed));
    appendHeader(out, "jiffy_login_throttled_total", "counter",
                 "Logins and password changes answered 429 after too many failures (per email or address).");
    appendSample(out, "jiffy_login_throttled_total", "", auth.loginThrottled.load(std::memory_order_relaxed));
    appendHeader(out, "jiffy_build_info", "gauge", "jiffyd's version and plugin ABI version.");
    appendSample(out, "jiffy_build_info",
                 "version=\"" + metrics::escapeLabel(version) + "\",abi=\"" + std::to_string(JIFFY_ABI_MAJOR) + "." +
                     std::to_string(JIFFY_ABI_MINOR) + "\"",
                 uint64_t(1));
    auto up = [&out](const char* name, const char* help, const PluginInstance* inst, auto&& call) {
        if (!inst) return;
        CallError err;
        appendHeader(out, name, "gauge", help);
        appendSample(out, name, "plugin=\"" + metrics::escapeLabel(inst->label()) + "\"",
                     uint64_t(call(err.get()) == JIFFY_OK ? 1 : 0));
    };
    up("jiffy_kvs_up", "1 when the KVS answered its health probe during this scrape, else 0.", plugins.kvs(),
       [&](jiffy_error* e) { return plugins.kvs()->health(e); });
    up("jiffy_db_up", "1 when the database answered its health probe during this scrape, else 0.", plugins.db(),
       [&](jiffy_error* e) { return plugins.db()->health(e); });
    return out;
}

} // namespace

void addPluginRoutes(Router& router, const PluginRegistry& plugins)
{
    for (const auto& inst : plugins.routes()) {
        for (const RouteSpec& spec : inst->routes()) {
            RouteTarget t;
            t.method = spec.method;
            t.pattern = spec.pattern;
            t.name = spec.name;
            t.flags = spec.flags;
            t.plugin = inst.get();
            t.id = spec.id;
            try {
                router.add(std::move(t));
            } catch (const std::invalid_argument& e) {
                throw std::invalid_argument(inst->label() + ": " + e.what());
            }
        }
    }
}

std::string clusterOpenApi()
{
    // clang-format off
    return R"json({"/cluster": {"get": {
  "operationId": "cluster.GET",
  "summary": "This instance's view of the cluster: its PID, the leader, the leader term and every member",
  "tags": ["cluster"],
  "responses": {"200": {"description": "the membership as this instance sees it",
    "content": {"application/json": {"schema": {"type": "object",
      "required": ["self", "leader", "term", "ping_cycle_ms", "members"],
      "properties": {
        "self": {"type": "integer", "format": "int64", "description": "this instance's PID, 0 before it joined"},
        "leader": {"type": "integer", "format": "int64", "description": "the leader's PID, 0 when none is known"},
        "term": {"type": "integer", "format": "int64", "description": "the highest leader term seen"},
        "ping_cycle_ms": {"type": "integer", "format": "int64", "minimum": 1000, "description": "the protocol period (ping_cycle) in milliseconds: how often the view can change"},
        "members": {"type": "array", "items": {"type": "object", "properties": {
          "pid": {"type": "integer", "format": "int64"},
          "address": {"type": "string", "description": "internal_address"},
          "status": {"type": "string", "enum": ["ALIVE", "SUSPECT", "FAILED", "DEPARTING", "DEPARTED"]},
          "incarnation": {"type": "integer", "format": "int64"}}}}}}}}}}
}}})json";
    // clang-format on
}

void addBuiltinRoutes(Router& router, const PluginRegistry& plugins, const Dispatcher& dispatcher,
                      const MetricsRegistry& metrics, const std::string& version,
                      std::vector<OpenApiSource> openApiFragments, const ClusterIntrospection& cluster)
{
    auto add = [&router](const std::string& pattern,
                         std::function<jiffy_status(const jiffy_request&, jiffy_response&, jiffy_error*)> fn) {
        RouteTarget t;
        t.method = "GET";
        t.pattern = pattern;
        t.flags = JIFFY_ROUTE_OPEN;
        t.builtin = std::move(fn);
        router.add(std::move(t));
    };
    add("/healthz", [](const jiffy_request&, jiffy_response& out, jiffy_error*) {
        json(out, 200, "{\"status\":\"ok\"}");
        return JIFFY_OK;
    });
    add("/readyz",
        [&plugins](const jiffy_request&, jiffy_response& out, jiffy_error*) { return readyz(plugins, out); });
    add("/metrics", [&dispatcher, &metrics, &plugins, version,
                     clusterMetrics = cluster.metrics](const jiffy_request&, jiffy_response& out, jiffy_error*) {
        out.headers.emplace_back("Content-Type", "text/plain; version=0.0.4");
        out.body = dispatcher.renderMetrics() + renderHostMetrics(plugins, version) + metrics.render();
        if (clusterMetrics) out.body += clusterMetrics();
        return JIFFY_OK;
    });
    if (cluster.viewJson) {
        RouteTarget t;
        t.method = "GET";
        t.pattern = "/cluster";
        t.name = "cluster.GET"; // an auth name: the bootstrap grants it to group Super only
        t.builtin = [view = cluster.viewJson](const jiffy_request&, jiffy_response& out, jiffy_error*) {
            json(out, 200, view());
            return JIFFY_OK;
        };
        router.add(std::move(t));
    }
    // Built on the first GET /openapi.json, not here: routes never change
    // after start, and building it (the plugins' fragments, JSON trees of
    // every schema) cost a start milliseconds and a megabyte of heap for a
    // document most deployments never fetch. A fragment that is not JSON is
    // logged then.
    struct Document {
        std::vector<OpenApiSource> hostFragments;
        std::once_flag built;
        std::string text;
    };
    auto doc = std::make_shared<Document>();
    doc->hostFragments = std::move(openApiFragments);
    add("/openapi.json", [doc, &plugins, &router, version](const jiffy_request&, jiffy_response& out, jiffy_error*) {
        std::call_once(doc->built, [&] {
            doc->text = buildOpenApi(collectOpenApi(plugins, doc->hostFragments), router, version);
            doc->hostFragments.clear();
        });
        json(out, 200, doc->text);
        return JIFFY_OK;
    });
}

} // namespace jiffy::host
