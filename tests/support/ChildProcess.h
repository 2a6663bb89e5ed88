// A child process for integration tests (jiffyd, redis-server, ...): output
// to a log file, stop by signal, wait with a deadline.
#pragma once

#include <map>
#include <string>
#include <sys/types.h>
#include <vector>

namespace jiffy::test {

class ChildProcess {
public:
    /// Starts `program` with `args`; stdout and stderr go to `logFile`.
    ChildProcess(const std::string& program, const std::vector<std::string>& args, const std::string& logFile,
                 const std::map<std::string, std::string>& env = {}, const std::string& workDir = "");
    /// Kills (SIGKILL) the child if still running.
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    pid_t pid() const { return pid_; }
    void signal(int sig) const;
    /// Exit code (or 128+signal) once the child ended; -1 when still running after `timeoutMs`.
    int wait(int timeoutMs);
    bool running();
    std::string log() const;

private:
    pid_t pid_ = -1;
    int status_ = -1;
    bool reaped_ = false;
    std::string logFile_;
};

/// Polls GET http://host:port/path until it answers `status` or `timeoutMs` passes.
bool waitForHttp(const std::string& host, uint16_t port, const std::string& path, int status, int timeoutMs);

} // namespace jiffy::test
