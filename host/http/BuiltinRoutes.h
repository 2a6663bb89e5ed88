// Routes the host itself serves, open to everyone: /healthz (liveness),
// /readyz (every plugin started and its backend answering), /metrics
// (Prometheus text) and /openapi.json (merged from the route plugins).
#pragma once

#include "http/Router.h"

#include <string>
#include <vector>

namespace jiffy::host {

class Dispatcher;
class MetricsRegistry;
class PluginRegistry;

/// Adds the built-in routes to `router`. The OpenAPI document is built here,
/// once, from `openApiFragments` (the host's own routes, e.g. auth), the
/// plugins' fragments and the router's table; add this last.
void addBuiltinRoutes(Router& router, const PluginRegistry& plugins, const Dispatcher& dispatcher,
                      const MetricsRegistry& metrics, const std::string& version,
                      const std::vector<std::string>& openApiFragments = {});

/// Registers every route of every route plugin in `router`; throws
/// std::invalid_argument naming the plugin when two routes clash.
void addPluginRoutes(Router& router, const PluginRegistry& plugins);

} // namespace jiffy::host
