// Runs the real jiffyd for a test: writes a config (the runner adds
// external_address on a free loopback port), starts it, waits for
// /healthz, talks HTTP to it, stops it with SIGTERM.
#pragma once

#include "support/ChildProcess.h"
#include "support/TestSupport.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace jiffy::test {

/// Runs jiffyd with `args` until it exits (modes that exit at once); its
/// output goes to `logFile` (replaced) and into `output`. Returns the exit code.
int runJiffydToEnd(const std::vector<std::string>& args, const std::string& logFile, std::string& output);

class JiffydRunner {
public:
    explicit JiffydRunner(const TempDir& dir) : dir_(dir) {}
    ~JiffydRunner() { stop(); }

    /// Starts jiffyd with `config` (a JSON object without external_address)
    /// and `args`; fails the test with the log when it does not come up.
    void start(const std::string& config, const std::vector<std::string>& args = {});
    /// Runs jiffyd with `config` and `args` until it exits; returns the exit code.
    int run(const std::string& config, const std::vector<std::string>& args, std::string& log);
    void stop();

    uint16_t port() const { return port_; }
    std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }
    const std::string& configFile() const { return configFile_; }
    std::string log() const { return proc_ ? proc_->log() : std::string(); }

    HttpResult get(const std::string& path, const std::map<std::string, std::string>& headers = {});
    HttpResult post(const std::string& path, const std::string& body,
                    const std::map<std::string, std::string>& headers = {});
    HttpResult put(const std::string& path, const std::string& body,
                   const std::map<std::string, std::string>& headers = {});
    HttpResult del(const std::string& path, const std::map<std::string, std::string>& headers = {});

private:
    void writeConfig(const std::string& config);

    const TempDir& dir_;
    uint16_t port_ = 0;
    int runs_ = 0;
    std::string configFile_;
    std::unique_ptr<ChildProcess> proc_;
};

} // namespace jiffy::test
