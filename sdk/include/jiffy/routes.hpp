// jiffy/routes.hpp — write an HTTP route plugin as an ordinary C++ class.
//
//   class Hello : public jiffy::RouteHandler {
//   public:
//       Hello(const jiffy::Host& host, std::string_view configJson);
//       std::vector<jiffy::Route> routes() override { return {{"GET", "/hello", "hello.GET", 0, 1}}; }
//       void handle(uint32_t id, const jiffy::Request& req, jiffy::Response& resp) override;
//   };
//   JIFFY_ROUTES_PLUGIN(Hello, "hello", "1.0.0", JIFFY_CAP_THREAD_SAFE, kOptions)
//
// Throwing jiffy::Error(JIFFY_INVALID, "...") before writing anything makes
// the host answer 400 {"error":"..."}; see jiffy_routes_vtable.handle.
#ifndef JIFFY_ROUTES_HPP
#define JIFFY_ROUTES_HPP

#include "jiffy/plugin.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jiffy {

/// One route announced by a plugin (see jiffy_route).
struct Route {
    std::string method;
    std::string pattern;
    std::string name;   ///< authorization name; empty = none
    uint32_t flags = 0; ///< JIFFY_ROUTE_*
    uint32_t id = 0;    ///< passed back to handle()
};

/// The request being handled; views stay valid until handle() returns.
class Request {
public:
    Request(const jiffy_host_api* api, const jiffy_request* req) : api_(api), req_(req) {}
    std::string_view method() const { return part(JIFFY_REQ_METHOD); }
    /// URL-decoded path.
    std::string_view path() const { return part(JIFFY_REQ_PATH); }
    std::string_view query() const { return part(JIFFY_REQ_QUERY); }
    std::string_view body() const { return part(JIFFY_REQ_BODY); }
    std::string_view routeName() const { return part(JIFFY_REQ_ROUTE_NAME); }
    /// "http://host:port" as the client addressed the server.
    std::string_view baseUrl() const { return part(JIFFY_REQ_BASE_URL); }
    std::string_view remoteAddr() const { return part(JIFFY_REQ_REMOTE_ADDR); }
    std::string_view requestId() const { return part(JIFFY_REQ_REQUEST_ID); }
    /// Path parameter `{name}`, or nullopt.
    std::optional<std::string_view> param(std::string_view name) const
    {
        return lookup(JIFFY_HOST_ENTRY(api_, request_param), name);
    }
    /// Header value, or nullopt.
    std::optional<std::string_view> header(std::string_view name) const
    {
        return lookup(JIFFY_HOST_ENTRY(api_, request_header), name);
    }

private:
    using LookupFn = jiffy_status (*)(const jiffy_request*, const char*, size_t, const char**, size_t*);
    std::string_view part(int32_t what) const
    {
        const char* d = nullptr;
        size_t n = 0;
        auto fn = JIFFY_HOST_ENTRY(api_, request_get);
        if (fn && fn(req_, what, &d, &n) == JIFFY_OK && d) return {d, n};
        return {};
    }
    std::optional<std::string_view> lookup(LookupFn fn, std::string_view name) const
    {
        const char* d = nullptr;
        size_t n = 0;
        if (fn && fn(req_, name.data(), name.size(), &d, &n) == JIFFY_OK) return std::string_view(d ? d : "", n);
        return std::nullopt;
    }
    const jiffy_host_api* api_;
    const jiffy_request* req_;
};

/// The response being built.
class Response {
public:
    Response(const jiffy_host_api* api, jiffy_response* resp) : api_(api), resp_(resp) {}
    Response& status(int code)
    {
        auto fn = JIFFY_HOST_ENTRY(api_, response_status);
        check(fn ? fn(resp_, code) : JIFFY_UNSUPPORTED);
        return *this;
    }
    Response& header(std::string_view name, std::string_view value)
    {
        auto fn = JIFFY_HOST_ENTRY(api_, response_header);
        check(fn ? fn(resp_, name.data(), name.size(), value.data(), value.size()) : JIFFY_UNSUPPORTED);
        return *this;
    }
    Response& write(std::string_view data)
    {
        auto fn = JIFFY_HOST_ENTRY(api_, response_write);
        check(fn ? fn(resp_, data.data(), data.size()) : JIFFY_UNSUPPORTED);
        return *this;
    }
    /// Status, `Content-Type: application/json` and the body in one call.
    void json(int code, std::string_view body)
    {
        status(code);
        header("Content-Type", "application/json");
        write(body);
    }

private:
    static void check(jiffy_status s)
    {
        if (s != JIFFY_OK) throw Error(s, "the host refused the response write");
    }
    const jiffy_host_api* api_;
    jiffy_response* resp_;
};

/// Base class of a route plugin.
class RouteHandler {
public:
    virtual ~RouteHandler() = default;
    /// Every route this instance serves; called once after construction.
    virtual std::vector<Route> routes() = 0;
    /// Serves one request matched to route `id`.
    virtual void handle(uint32_t id, const Request& req, Response& resp) = 0;
    /// A JSON object of OpenAPI 3 "paths" entries, or "" for none; asked for once,
    /// when GET /openapi.json is first requested.
    virtual std::string openapi() { return {}; }
};

namespace detail {

template <class T> struct RoutesThunks {
    static jiffy_status routes(void* st, const jiffy_route_sink* sink, jiffy_error* err) noexcept
    {
        return guard(err, [&] {
            for (const Route& r : impl<T>(st).routes()) {
                jiffy_route c{};
                c.struct_size = sizeof c;
                c.method = r.method.c_str();
                c.pattern = r.pattern.c_str();
                c.name = r.name.c_str();
                c.flags = r.flags;
                c.id = r.id;
                jiffy_status s = sink->add(sink->ctx, &c);
                if (s != JIFFY_OK) throw Error(s, "the host refused route " + r.method + " " + r.pattern);
            }
        });
    }
    static jiffy_status handle(void* st, uint32_t id, const jiffy_request* req, jiffy_response* resp,
                               jiffy_error* err) noexcept
    {
        return guard(err, [&] {
            const Host& h = host<T>(st);
            Request rq(h.api(), req);
            Response rs(h.api(), resp);
            impl<T>(st).handle(id, rq, rs);
        });
    }
    static jiffy_status openapi(void* st, const jiffy_sink* out, jiffy_error* err) noexcept
    {
        return guard(err, [&] {
            std::string doc = impl<T>(st).openapi();
            if (!doc.empty()) writeTo(out, doc);
        });
    }

    static const jiffy_routes_vtable table;
};

template <class T>
const jiffy_routes_vtable RoutesThunks<T>::table = {sizeof(jiffy_routes_vtable), &RoutesThunks<T>::routes,
                                                    &RoutesThunks<T>::handle, &RoutesThunks<T>::openapi};

} // namespace detail
} // namespace jiffy

/// Exports route plugin class `Class` (derived from jiffy::RouteHandler) under `name`.
#define JIFFY_ROUTES_PLUGIN(Class, name, version, capabilities, options)                                               \
    static const jiffy_plugin_descriptor jiffy_plugin_descriptor_ = jiffy::makeDescriptor<Class>(                      \
        JIFFY_KIND_ROUTES, jiffy::PluginInfo{name, version, capabilities, options, jiffy::optionCount(options)},       \
        &jiffy::detail::RoutesThunks<Class>::table);                                                                   \
    JIFFY_EXPORT_DESCRIPTOR(jiffy_plugin_descriptor_)

#endif // JIFFY_ROUTES_HPP
