// Routes the host itself serves, open to everyone: /healthz (liveness),
// /readyz (every plugin started and its backend answering), /metrics
// (Prometheus text) and /openapi.json (merged from the route plugins); and
// GET /cluster (auth name cluster.GET, which only group Super holds).
#pragma once

#include "http/Router.h"

#include <functional>
#include <string>
#include <vector>

namespace jiffy::host {

class Dispatcher;
class MetricsRegistry;
class PluginRegistry;

/// What the cluster shows, as text (the cluster layer renders it; http/
/// knows nothing of the cluster). Unset: no /cluster route, no cluster metrics.
struct ClusterIntrospection {
    std::function<std::string()> viewJson; ///< GET /cluster's body
    std::function<std::string()> metrics;  ///< appended to /metrics
};

/// Makes one OpenAPI "paths" object (JSON text) of the host's own routes;
/// called once, for the first GET /openapi.json.
using OpenApiSource = std::function<std::string()>;

/// The OpenAPI fragment of GET /cluster (for addBuiltinRoutes' fragments).
std::string clusterOpenApi();

/// Adds the built-in routes to `router`. The OpenAPI document (the plugins'
/// fragments, `openApiFragments` of the host's own routes, e.g. auth, and the
/// router's table) is built once, on the first GET /openapi.json. Add this
/// last: `router` must hold every route by then, and `router` and `plugins`
/// must outlive the server.
void addBuiltinRoutes(Router& router, const PluginRegistry& plugins, const Dispatcher& dispatcher,
                      const MetricsRegistry& metrics, const std::string& version,
                      std::vector<OpenApiSource> openApiFragments = {}, const ClusterIntrospection& cluster = {});

/// Registers every route of every route plugin in `router`; throws
/// std::invalid_argument naming the plugin when two routes clash.
void addPluginRoutes(Router& router, const PluginRegistry& plugins);

} // namespace jiffy::host
