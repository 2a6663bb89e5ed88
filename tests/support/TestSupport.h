// Helpers shared by the test suites: where the built artefacts are, temp
// directories, free loopback ports, a small HTTP client, and in-process
// plugin instances.
#pragma once

#include "config/Config.h"
#include "plugins/DbInstance.h"
#include "plugins/HostContext.h"
#include "plugins/KvsInstance.h"
#include "plugins/PluginLoader.h"
#include "plugins/RoutesInstance.h"

#include <Poco/JSON/Object.h>

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace jiffy::test {

/// build/plugins/libjiffy-<kind>-<name>.so
std::string pluginFile(const std::string& kind, const std::string& name);
/// build/testplugins/libjiffy-<kind>-<name>.so
std::string testPluginFile(const std::string& kind, const std::string& name);
std::string jiffydBinary();
std::string sourceDir();

/// A directory removed with everything in it when the object dies.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

/// True when `part` occurs in `text` (for messages and bodies).
inline bool contains(std::string_view text, std::string_view part)
{
    return text.find(part) != std::string_view::npos;
}

void writeFile(const std::string& path, const std::string& content);
std::string readFile(const std::string& path);
/// The what() of the `E` that `f` throws; "" when it returns (other exceptions pass through).
template <class E, class F> std::string messageOf(F&& f)
{
    try {
        f();
    } catch (const E& e) {
        return e.what();
    }
    return "";
}
/// Runs `start`, a plugin start that must be refused, and returns the
/// PluginLoadError's message; fails the test saying `accepted` when it starts.
std::string refusalOf(const std::function<void()>& start, const std::string& accepted);
/// What the shell command `cmd` writes to stdout (append " 2>&1" for stderr too).
std::string commandOutput(const std::string& cmd);
/// Runs the shell command `cmd`: its exit status (-1 when it could not run or
/// did not exit normally), and what it wrote to stdout in `out` when given.
int runCommand(const std::string& cmd, std::string* out = nullptr);
/// The non-empty lines of `text` (a log, a /metrics body), in order.
std::vector<std::string> nonEmptyLines(const std::string& text);

/// Base64url without padding (JWT segments).
std::string base64url(const std::string& s);

/// A TCP port on `host` that was free a moment ago.
uint16_t freePort(const std::string& host = "127.0.0.1");

struct HttpResult {
    int status = 0;
    std::string body;
    std::map<std::string, std::string> headers; ///< lower-case names
    std::string header(const std::string& lowerName) const
    {
        auto it = headers.find(lowerName);
        return it == headers.end() ? std::string() : it->second;
    }
};

/// The integer after "\"id\":" in a JSON body (jiffy's created or read entity); -1 without one.
int64_t idOf(const std::string& json);

/// In an /openapi.json document: the JSON schema of `method` `path`'s `code`
/// response (application/json); throws Poco::Exception when any step is missing.
Poco::JSON::Object::Ptr openApiResponseSchema(const std::string& document, const std::string& path,
                                              const std::string& method = "get", const std::string& code = "200");

/// One HTTP request on a fresh connection; status 0 when it could not connect.
HttpResult http(const std::string& method, const std::string& host, uint16_t port, const std::string& path,
                const std::string& body = "", const std::map<std::string, std::string>& headers = {},
                int timeoutMs = 10000);

/// Makes plugin instances in-process the way jiffyd does, for unit tests.
class PluginHarness {
public:
    PluginHarness();
    ~PluginHarness();
    /// Loads `file` and creates an instance with `configJson` (options applied).
    std::unique_ptr<host::KvsInstance> kvs(const std::string& file, const std::string& configJson);
    std::unique_ptr<host::DbInstance> db(const std::string& file, const std::string& configJson);
    std::unique_ptr<host::RoutesInstance> routes(const std::string& file, const std::string& configJson);
    host::HostServices& services() { return services_; }
    host::PluginLoader& loader() { return loader_; }

private:
    std::unique_ptr<jiffy_host> context(const host::PluginLibrary& lib, const std::string& configJson,
                                        std::string& applied);
    host::Config cfg_;
    host::HostServices services_;
    host::PluginLoader loader_;
};

/// A start line for threads (C++17 has no std::barrier): each of `count`
/// threads calls arriveAndWait(), and all go on once the last has arrived.
class StartLine {
public:
    explicit StartLine(int count) : left_(count) {}
    void arriveAndWait()
    {
        std::unique_lock<std::mutex> lock(mutex_);
        if (--left_ <= 0) {
            cv_.notify_all();
            return;
        }
        cv_.wait(lock, [this] { return left_ <= 0; });
    }

private:
    std::mutex mutex_;
    std::condition_variable cv_;
    int left_;
};

} // namespace jiffy::test
