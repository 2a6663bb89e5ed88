// A route as the host knows it: method, pattern, authorization name, and
// what runs it (a route plugin's id or a built-in handler). The Router maps
// requests to these; layers outside HTTP (auth) add their routes through
// AddRoute and read the table through RouteList, without the Router itself.
#pragma once

#include "http/Exchange.h"
#include "metrics/RouteMetrics.h"

#include <jiffy/abi.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace jiffy::host {

class RoutesInstance;

/// What a matched route runs: a plugin route or a built-in host route.
struct RouteTarget {
    std::string method;
    std::string pattern;
    std::string name;   ///< authorization name ("" = none)
    uint32_t flags = 0; ///< JIFFY_ROUTE_*
    const RoutesInstance* plugin = nullptr;
    uint32_t id = 0; ///< the plugin's route id
    std::function<jiffy_status(const jiffy_request&, jiffy_response&, jiffy_error*)> builtin;
    std::vector<std::string> paramNames; ///< filled by Router::add, in path order
    /// Request counts and latencies, allocated with the route so the
    /// dispatcher records into it without a lookup or a lock.
    std::shared_ptr<metrics::RouteMetrics> stats = std::make_shared<metrics::RouteMetrics>();
    /// The route's label on /metrics and in the request log: name, else pattern.
    const std::string& label() const { return name.empty() ? pattern : name; }
};

/// The routes of a router, in the order they were added.
using RouteList = std::vector<std::unique_ptr<RouteTarget>>;

/// Adds one route (to the Router, in jiffyd); throws std::invalid_argument
/// on a malformed pattern or a method and pattern shape already taken.
using AddRoute = std::function<void(RouteTarget)>;

} // namespace jiffy::host
