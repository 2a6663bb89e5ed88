// jiffyd as a Poco ServerApplication: command line, config, plugins, HTTP
// server, signal handling and orderly shutdown. main.cpp only builds it.
#pragma once

#include <Poco/Util/ServerApplication.h>

#include <string>
#include <vector>

namespace jiffy::host {

struct Config;
class HttpServer;
namespace auth {
class AuthService;
}

class JiffyServer : public Poco::Util::ServerApplication {
public:
    /// Rewrites jiffy's single-dash long flags (-dev, -prod, -dr, -rs) to
    /// the double-dash form Poco's option parser expects.
    static std::vector<std::string> normalizeArgs(int argc, char** argv);
    /// False with `why` set when the command line has an unknown option, a
    /// missing option argument or a stray argument (main exits 64 then).
    bool checkArgs(const std::vector<std::string>& args, std::string& why);

protected:
    void defineOptions(Poco::Util::OptionSet& options) override;
    void handleOption(const std::string& name, const std::string& value) override;
    int main(const std::vector<std::string>& args) override;

private:
    /// Loads the config chosen on the command line; prints problems and
    /// returns false when it is unusable.
    bool loadConfig(Config& cfg);
    void setupLogging(const Config& cfg);
    int listPlugins(const Config& cfg);
    int serve(Config& cfg);
    /// The one-shot maintenance modes (-dr, --set-password) that need only the database.
    int maintenance(Config& cfg);
    void printHelp();
    /// Creates the data directory (0700) when missing; false after printing why not.
    static bool ensureDataDir(const std::string& dir);
    /// SIGHUP: re-reads the config file and applies what can change while
    /// serving (log levels, TLS certificate and key, login throttling);
    /// logs what needs a restart. A bad file changes nothing.
    void reload(const Config& running, HttpServer& http, auth::AuthService* authService);
    /// Top-level keys whose change reload() cannot apply, comma-separated.
    static std::string keysNeedingRestart(const Config& running, const Config& next);

    std::string configFile_;
    bool dev_ = false, prod_ = false;
    bool checkOnly_ = false, listPlugins_ = false, showVersion_ = false, showHelp_ = false;
    bool destructiveReset_ = false, rebuildSuper_ = false, confirmReset_ = false, generateKeys_ = false;
    std::string setPasswordFor_;
    bool stop_ = false;
    int exitCode_ = 0;
};

} // namespace jiffy::host
