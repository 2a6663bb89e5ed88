#include "plugins/RoutesInstance.h"

#include "plugins/PluginErrors.h"

#include <jiffy/plugin.hpp>

#include <cstring>

namespace jiffy::host {

RoutesInstance::RoutesInstance(std::shared_ptr<PluginLibrary> lib, std::unique_ptr<jiffy_host> ctx,
                               const std::string& configJson)
    : PluginInstance(std::move(lib), std::move(ctx), configJson)
{
    jiffy_route_sink sink{};
    sink.struct_size = sizeof sink;
    sink.ctx = &routes_;
    sink.add = [](void* c, const jiffy_route* r) -> jiffy_status {
        if (!r || !r->method || !r->pattern) return JIFFY_INVALID;
        jiffy_route x{};
        std::memcpy(&x, r, r->struct_size < sizeof x ? r->struct_size : sizeof x);
        static_cast<std::vector<RouteSpec>*>(c)->push_back({x.method, x.pattern, x.name ? x.name : "", x.flags, x.id});
        return JIFFY_OK;
    };
    CallError err;
    auto lock = serialize();
    jiffy_status s = lib_->routes().routes(state(), &sink, err.get());
    if (s != JIFFY_OK)
        throw PluginLoadError("routes plugin " + lib_->name() + " (" + lib_->file() +
                              ") could not list its routes: " + err.message(s));
}

jiffy_status RoutesInstance::handle(uint32_t id, const jiffy_request* req, jiffy_response* resp, jiffy_error* err) const
{
    auto lock = serialize();
    return lib_->routes().handle(state(), id, req, resp, err);
}

std::string RoutesInstance::openapi() const
{
    if (!lib_->routes().openapi) return {};
    std::string out;
    jiffy_sink sink = jiffy::stringSink(out);
    CallError err;
    auto lock = serialize();
    checkStatus(lib_->routes().openapi(state(), &sink, err.get()), err, label() + " openapi");
    return out;
}

} // namespace jiffy::host
