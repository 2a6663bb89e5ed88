#include "support/TestSupport.h"

#include "config/ConfigLoader.h"
#include "plugins/OptionValidator.h"
#include "plugins/PluginErrors.h"

#include <Poco/Base64Encoder.h>
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Logger.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <Poco/TemporaryFile.h>

#include <cppunit/TestAssert.h>

#include <cstdio>
#include <sys/wait.h>
#include <sstream>
#include <stdexcept>

namespace jiffy::test {

std::string pluginFile(const std::string& kind, const std::string& name)
{
    return std::string(JIFFY_TEST_PLUGIN_DIR) + "/libjiffy-" + kind + "-" + name + ".so";
}

std::string testPluginFile(const std::string& kind, const std::string& name)
{
    return std::string(JIFFY_TEST_TESTPLUGIN_DIR) + "/libjiffy-" + kind + "-" + name + ".so";
}

std::string jiffydBinary()
{
    return JIFFY_TEST_JIFFYD;
}
std::string sourceDir()
{
    return JIFFY_TEST_SOURCE_DIR;
}

TempDir::TempDir() : path_(Poco::TemporaryFile::tempName())
{
    Poco::File(path_).createDirectories();
}

TempDir::~TempDir()
{
    try {
        Poco::File(path_).remove(true);
    } catch (...) {
    }
}

void writeFile(const std::string& path, const std::string& content)
{
    Poco::FileOutputStream out(path);
    out << content;
}

std::string readFile(const std::string& path)
{
    std::string s;
    Poco::FileInputStream in(path);
    Poco::StreamCopier::copyToString(in, s);
    return s;
}

std::string refusalOf(const std::function<void()>& start, const std::string& accepted)
{
    try {
        start();
    } catch (const host::PluginLoadError& e) {
        return e.message();
    }
    CPPUNIT_FAIL(accepted);
    return "";
}

int runCommand(const std::string& cmd, std::string* out)
{
    std::string text;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return -1;
    char buf[4096];
    while (size_t n = std::fread(buf, 1, sizeof buf, p)) text.append(buf, n);
    int status = ::pclose(p);
    if (out) *out = std::move(text);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string commandOutput(const std::string& cmd)
{
    std::string out;
    runCommand(cmd, &out);
    return out;
}

std::vector<std::string> nonEmptyLines(const std::string& text)
{
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        if (!l.empty()) out.push_back(l);
    return out;
}

std::string base64url(const std::string& s)
{
    std::ostringstream os;
    Poco::Base64Encoder enc(os, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
    enc.rdbuf()->setLineLength(0);
    enc << s;
    enc.close();
    return os.str();
}

uint16_t freePort(const std::string& host)
{
    Poco::Net::ServerSocket s(Poco::Net::SocketAddress(host, 0));
    return s.address().port();
}

int64_t idOf(const std::string& json)
{
    size_t at = json.find("\"id\":");
    return at == std::string::npos ? -1 : std::stoll(json.substr(at + 5));
}

Poco::JSON::Object::Ptr openApiResponseSchema(const std::string& document, const std::string& path,
                                              const std::string& method, const std::string& code)
{
    Poco::JSON::Object::Ptr at = Poco::JSON::Parser().parse(document).extract<Poco::JSON::Object::Ptr>();
    for (const std::string& key : {std::string("paths"), path, method, std::string("responses"), code,
                                   std::string("content"), std::string("application/json"), std::string("schema")}) {
        at = at ? at->getObject(key) : nullptr;
        if (!at)
            throw Poco::NotFoundException("/openapi.json has no " + key + " on the way to the " + code +
                                          " JSON schema of " + method + " " + path);
    }
    return at;
}

HttpResult http(const std::string& method, const std::string& host, uint16_t port, const std::string& path,
                const std::string& body, const std::map<std::string, std::string>& headers, int timeoutMs)
{
    HttpResult r;
    try {
        Poco::Net::HTTPClientSession session(host, port);
        session.setTimeout(Poco::Timespan(0, timeoutMs * 1000));
        Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
        for (const auto& [k, v] : headers) req.set(k, v);
        if (!body.empty() || method == "POST" || method == "PUT") {
            req.setContentLength(static_cast<std::streamsize>(body.size()));
            if (!req.has("Content-Type")) req.setContentType("application/json");
        }
        session.sendRequest(req) << body;
        Poco::Net::HTTPResponse resp;
        std::istream& in = session.receiveResponse(resp);
        Poco::StreamCopier::copyToString(in, r.body);
        r.status = resp.getStatus();
        for (const auto& [k, v] : resp) r.headers[Poco::toLower(k)] = v;
    } catch (const Poco::Exception&) {
        r.status = 0;
    }
    return r;
}

PluginHarness::PluginHarness() : loader_({JIFFY_TEST_PLUGIN_DIR})
{
    cfg_ = host::ConfigLoader().loadText("{}", "(test)", "/tmp");
    services_.config = &cfg_;
    if (!std::getenv("JIFFY_TEST_VERBOSE")) Poco::Logger::root().setLevel(Poco::Message::PRIO_WARNING);
}

PluginHarness::~PluginHarness() = default;

std::unique_ptr<jiffy_host> PluginHarness::context(const host::PluginLibrary& lib, const std::string& configJson,
                                                   std::string& applied)
{
    Poco::JSON::Object::Ptr raw = Poco::JSON::Parser().parse(configJson).extract<Poco::JSON::Object::Ptr>();
    std::vector<host::ConfigIssue> issues;
    std::vector<std::string> warnings;
    Poco::JSON::Object::Ptr cfg =
        host::applyOptions(lib, raw, "test", cfg_, {"active", "plugin", "db_dialect"}, issues, warnings);
    if (!issues.empty()) throw std::invalid_argument(issues.front().text());
    std::ostringstream os;
    Poco::JSON::Stringifier::condense(cfg, os);
    applied = os.str();
    auto ctx = std::make_unique<jiffy_host>();
    ctx->services = &services_;
    ctx->label = std::string(host::kindName(lib.kind())) + "/" + lib.name();
    ctx->logger = &Poco::Logger::get("test." + ctx->label);
    ctx->config = cfg;
    return ctx;
}

std::unique_ptr<host::KvsInstance> PluginHarness::kvs(const std::string& file, const std::string& configJson)
{
    auto lib = loader_.load(JIFFY_KIND_KVS, file, "");
    std::string applied;
    auto ctx = context(*lib, configJson, applied);
    return std::make_unique<host::KvsInstance>(lib, std::move(ctx), applied);
}

std::unique_ptr<host::DbInstance> PluginHarness::db(const std::string& file, const std::string& configJson)
{
    auto lib = loader_.load(JIFFY_KIND_DB, file, "");
    std::string applied;
    auto ctx = context(*lib, configJson, applied);
    return std::make_unique<host::DbInstance>(lib, std::move(ctx), applied);
}

std::unique_ptr<host::RoutesInstance> PluginHarness::routes(const std::string& file, const std::string& configJson)
{
    auto lib = loader_.load(JIFFY_KIND_ROUTES, file, "");
    std::string applied;
    auto ctx = context(*lib, configJson, applied);
    return std::make_unique<host::RoutesInstance>(lib, std::move(ctx), applied);
}

} // namespace jiffy::test
