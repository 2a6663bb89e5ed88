// A route plugin instance: its routes (copied at start) and handle().
#pragma once

#include "plugins/PluginInstance.h"

#include <string>
#include <vector>

namespace jiffy::host {

/// A route as announced by a plugin, owned by the host.
struct RouteSpec {
    std::string method;
    std::string pattern;
    std::string name;
    uint32_t flags = 0;
    uint32_t id = 0;
};

class RoutesInstance : public PluginInstance {
public:
    RoutesInstance(std::shared_ptr<PluginLibrary> lib, std::unique_ptr<jiffy_host> ctx, const std::string& configJson);

    const std::vector<RouteSpec>& routes() const { return routes_; }
    /// Raw handle call (see jiffy_routes_vtable.handle).
    jiffy_status handle(uint32_t id, const jiffy_request* req, jiffy_response* resp, jiffy_error* err) const;
    /// The plugin's OpenAPI "paths" object as JSON text, "" when it offers none.
    std::string openapi() const;

private:
    std::vector<RouteSpec> routes_;
};

} // namespace jiffy::host
