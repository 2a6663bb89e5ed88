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

#include <sstream>

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

std::string buildOpenApi(const PluginRegistry& plugins, const Router& router, const std::string& version)
{
    Poco::JSON::Object::Ptr paths = new Poco::JSON::Object(true);
    for (const auto& r : plugins.routes()) {
        std::string frag;
        try {
            frag = r->openapi();
            if (frag.empty()) continue;
            auto obj = Poco::JSON::Parser().parse(frag).extract<Poco::JSON::Object::Ptr>();
            for (const auto& [k, v] : *obj) paths->set(k, v);
        } catch (const Poco::Exception& e) {
            Poco::Logger::get("jiffyd").warning("%s: ignoring its OpenAPI document: %s", r->label(), e.displayText());
        }
    }
    // Routes without a plugin-provided description still appear, so the
    // document lists everything the server answers.
    for (const auto& t : router.routes()) {
        std::string p = t->pattern;
        for (size_t i = p.find(":int}"); i != std::string::npos; i = p.find(":int}")) p.erase(i, 4);
        Poco::JSON::Object::Ptr item =
            paths->has(p) ? paths->getObject(p) : Poco::JSON::Object::Ptr(new Poco::JSON::Object(true));
        std::string m = Poco::toLower(t->method);
        if (!item->has(m)) {
            Poco::JSON::Object::Ptr op = new Poco::JSON::Object(true);
            if (!t->name.empty()) op->set("operationId", t->name);
            Poco::JSON::Object::Ptr responses = new Poco::JSON::Object;
            Poco::JSON::Object::Ptr dflt = new Poco::JSON::Object;
            dflt->set("description", "see the route's plugin");
            responses->set("default", dflt);
            op->set("responses", responses);
            item->set(m, op);
        }
        paths->set(p, item);
    }
    Poco::JSON::Object doc(true);
    doc.set("openapi", "3.0.3");
    Poco::JSON::Object info(true);
    info.set("title", "jiffyd");
    info.set("version", version);
    doc.set("info", info);
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

void addBuiltinRoutes(Router& router, const PluginRegistry& plugins, const Dispatcher& dispatcher,
                      const MetricsRegistry& metrics, const std::string& version)
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
    add("/metrics",
        [&dispatcher, &metrics, &plugins, version](const jiffy_request&, jiffy_response& out, jiffy_error*) {
            out.headers.emplace_back("Content-Type", "text/plain; version=0.0.4");
            out.body = dispatcher.renderMetrics() + renderHostMetrics(plugins, version) + metrics.render();
            return JIFFY_OK;
        });
    auto doc = std::make_shared<std::string>();
    add("/openapi.json", [doc](const jiffy_request&, jiffy_response& out, jiffy_error*) {
        json(out, 200, *doc);
        return JIFFY_OK;
    });
    *doc = buildOpenApi(plugins, router, version);
}

} // namespace jiffy::host
