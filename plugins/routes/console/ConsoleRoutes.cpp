// The admin console: static files (HTML, CSS, JavaScript modules) served at
// /_/ with a strict Content-Security-Policy. The page talks only to jiffyd's
// own REST API with the user's bearer token, so this plugin holds no session
// and grants nothing: its routes are open, and every call the page makes is
// authorized by the host as any other client's.
#include "StaticFiles.h"

#include <jiffy/json.hpp>
#include <jiffy/routes.hpp>

#include <dlfcn.h>

#include <filesystem>
#include <string>
#include <vector>

namespace {

const jiffy_option kOptions[] = {
    jiffy::option("static_dir", JIFFY_OPT_PATH, false, nullptr,
                  "directory of the console's files (default: console/ beside the plugin, else the installed copy)"),
    jiffy::option("groups", JIFFY_OPT_STRING_LIST, false, "[\"Super\"]",
                  "groups whose members the page lets past sign-in (the REST API still authorizes every call)"),
};

// Every answer of the plugin carries these: nothing inline may run, nothing
// may frame the page, nothing is fetched from anywhere but jiffyd itself.
const char* kCsp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                   "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
                   "frame-ancestors 'none'";

enum RouteId : uint32_t { kIndex = 0, kFile = 1 };

/// Where the console's files are when `static_dir` is not set: beside the
/// plugin's own shared object (the build tree copies them to plugins/console/),
/// then the configured install prefix, then the Debian package's place.
std::string staticDir(const jiffy::Host& host)
{
    if (auto d = host.configString("static_dir")) return *d;
    std::vector<std::filesystem::path> candidates;
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(&staticDir), &info) != 0 && info.dli_fname)
        candidates.push_back(std::filesystem::path(info.dli_fname).parent_path() / "console");
    candidates.emplace_back(JIFFY_CONSOLE_INSTALL_DIR);
    candidates.emplace_back("/usr/share/jiffy/console");
    std::string tried;
    for (const auto& c : candidates) {
        std::error_code ec;
        if (std::filesystem::exists(c / "index.html", ec)) return c.string();
        tried += (tried.empty() ? "" : ", ") + c.string();
    }
    jiffy::fail(JIFFY_INVALID, "static_dir: no console files (index.html) in " + tried + "; set static_dir");
}

class ConsoleRoutes : public jiffy::RouteHandler {
public:
    ConsoleRoutes(const jiffy::Host& host, std::string_view) : files_(staticDir(host))
    {
        // What the page needs to know before sign-in, served as a file of its own
        // so that no script is generated inline.
        std::string groups = host.optionJson("groups");
        files_.put("console-config.json", "{\"groups\":" + groups + "}", "application/json");
        host.info("console: serving " + std::to_string(files_.size()) + " files at /_/");
    }

    std::vector<jiffy::Route> routes() override
    {
        return {{"GET", "/_", "", JIFFY_ROUTE_OPEN, kIndex}, {"GET", "/_/{file}", "", JIFFY_ROUTE_OPEN, kFile}};
    }

    std::string openapi() override
    {
        // R"J(...)J": the descriptions hold ")" followed by a quote
        const std::string headers = R"J("headers": {"ETag": {"schema": {"type": "string"}},)J"
                                    R"J( "Content-Security-Policy": {"schema": {"type": "string"}}})J";
        const std::string notModified = R"J("304": {"description": "not modified (If-None-Match)"})J";
        const std::string notFound =
            R"J("404": {"description": "no such file", "content": {"application/json": {"schema": )J"
            R"J({"type": "object", "properties": {"error": {"type": "string"}}}}}})J";
        return R"J({"/_": {"get": {"operationId": "consoleIndex", "summary": "The admin console's page",)J"
               R"J( "tags": ["console"], "security": [], "responses": {"200": {"description": "index.html", )J" +
               headers + R"J(, "content": {"text/html": {"schema": {"type": "string"}}}}, )J" + notModified + ", " +
               notFound +
               R"J(}}}, "/_/{file}": {"get": {"operationId": "consoleFile",)J"
               R"J( "summary": "A file of the admin console", "tags": ["console"], "security": [],)J"
               R"J( "parameters": [{"name": "file", "in": "path", "required": true, "schema": {"type": "string"}}],)J"
               R"J( "responses": {"200": {"description": "the file, typed by its extension", )J" +
               headers + R"J(, "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}}}, )J" +
               notModified + ", " + notFound + "}}}}";
    }

    void handle(uint32_t id, const jiffy::Request& req, jiffy::Response& resp) override
    {
        resp.header("Content-Security-Policy", kCsp);
        resp.header("X-Content-Type-Options", "nosniff");
        resp.header("X-Frame-Options", "DENY");
        resp.header("Referrer-Policy", "no-referrer");
        resp.header("Cross-Origin-Opener-Policy", "same-origin");
        std::string name = id == kIndex ? std::string("index.html") : std::string(req.param("file").value_or(""));
        const jiffy::console::StaticFile* f = files_.find(name);
        if (!f) {
            jiffy::JsonWriter w;
            w.beginObject().key("error").string("console: no file " + name).endObject();
            resp.header("Cache-Control", "no-store");
            resp.json(404, w.str());
            return;
        }
        // Revalidate every time: a new release changes a file under the same name.
        resp.header("Cache-Control", "no-cache");
        resp.header("ETag", f->etag);
        auto inm = req.header("If-None-Match");
        if (inm && (inm->find(f->etag) != std::string_view::npos || *inm == "*")) {
            resp.status(304);
            return;
        }
        resp.status(200);
        resp.header("Content-Type", f->contentType);
        resp.write(f->body);
    }

private:
    jiffy::console::StaticFiles files_;
};

} // namespace

JIFFY_ROUTES_PLUGIN(ConsoleRoutes, "console", "1.0.0", JIFFY_CAP_THREAD_SAFE, kOptions)
