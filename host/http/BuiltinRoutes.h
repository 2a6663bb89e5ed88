// Routes the host itself serves, open to everyone: /healthz (liveness),
// /readyz (every plugin started and its backend answering), /metrics
// (Prometheus text) and /openapi.json (merged from the route plugins).
#pragma once

#include "http/Router.h"

namespace jiffy::host {

class Dispatcher;
class MetricsRegistry;
class PluginRegistry;

/// Adds the built-in routes to `router`. The OpenAPI document is built here,
/// once, from the plugins' fragments and the router's table.
void addBuiltinRoutes(Router& router, const PluginRegistry& plugins, const Dispatcher& dispatcher,
                      const MetricsRegistry& metrics, const std::string& version);

/// Registers every route of every route plugin in `router`; throws
/// std::invalid_argument naming the plugin when two routes clash.
void addPluginRoutes(Router& router, const PluginRegistry& plugins);

} // namespace jiffy::host
