#include "support/TestServers.h"

#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>
#include <unistd.h>

namespace jiffy::test {

bool waitForPort(const std::string& host, uint16_t port, int timeoutMs)
{
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (std::chrono::steady_clock::now() < deadline) {
        try {
            Poco::Net::StreamSocket s;
            s.connect(Poco::Net::SocketAddress(host, port), Poco::Timespan(0, 500000));
            return true;
        } catch (const Poco::Exception&) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }
    return false;
}

TcpServer::TcpServer(std::string program, ArgsFn args, std::string host)
    : program_(std::move(program)), args_(std::move(args)), host_(std::move(host)), port_(freePort(host_))
{
}

TcpServer::~TcpServer()
{
    try {
        TcpServer::stop();
    } catch (...) {
    }
}

std::string TcpServer::readLog() const
{
    try {
        return readFile(dir_.file("server.log"));
    } catch (...) {
        return {};
    }
}

void TcpServer::start()
{
    if (proc_) return;
    proc_ = std::make_unique<ChildProcess>(program_, args_(port_, dir_.path()), dir_.file("server.log"));
    if (!waitForPort(host_, port_, 20000)) {
        std::string log = proc_->log();
        proc_.reset();
        throw std::runtime_error(program_ + " did not start on " + address() + ": " + log);
    }
}

void TcpServer::stop()
{
    if (!proc_) return;
    proc_->signal(SIGTERM);
    if (proc_->wait(10000) < 0) {
        proc_->signal(SIGKILL);
        proc_->wait(5000);
    }
    proc_.reset();
}

namespace {

/// True when every thread of `pid` is stopped ('T' in /proc/<pid>/task/*/stat).
bool allThreadsStopped(pid_t pid)
{
    std::error_code ec;
    std::filesystem::path tasks = "/proc/" + std::to_string(pid) + "/task";
    for (const auto& t : std::filesystem::directory_iterator(tasks, ec)) {
        std::string stat;
        try {
            stat = readFile((t.path() / "stat").string());
        } catch (...) {
            continue; // the thread ended
        }
        size_t close = stat.rfind(')');
        if (close == std::string::npos || close + 2 >= stat.size() || stat[close + 2] != 'T') return false;
    }
    return !ec;
}

} // namespace

void TcpServer::freeze()
{
    if (!proc_) return;
    proc_->signal(SIGSTOP);
    for (int i = 0; i < 500 && !allThreadsStopped(proc_->pid()); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
}

void TcpServer::thaw()
{
    if (proc_) proc_->signal(SIGCONT);
}

RedisServer::RedisServer()
    : TcpServer("redis-server", [](uint16_t port, const std::string& dir) {
          return std::vector<std::string>{
              "--port", std::to_string(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir",
              dir,      "--protected-mode",   "yes"};
      })
{
}

MemcachedServer::MemcachedServer()
    : TcpServer("memcached", [](uint16_t port, const std::string&) {
          std::vector<std::string> a{"-l", "127.0.0.1", "-p", std::to_string(port), "-U", "0", "-m", "64"};
          if (::geteuid() == 0) {
              a.push_back("-u");
              a.push_back("memcache");
          }
          return a;
      })
{
}

namespace {

const char* kPgBin = "/usr/lib/postgresql/15/bin";

/// Runs a command (as user postgres when we are root); throws on failure.
void runAsPostgres(const std::string& cmd)
{
    std::string full = ::geteuid() == 0 ? "runuser -u postgres -- " + cmd : cmd;
    if (std::system((full + " >/dev/null 2>&1").c_str()) != 0) throw std::runtime_error("failed: " + full);
}

} // namespace

PostgresServer::PostgresServer()
    : TcpServer(std::string(kPgBin) + "/postgres", [](uint16_t port, const std::string& dir) {
          return std::vector<std::string>{"-D", dir + "/data", "-p", std::to_string(port),
                                          "-k", dir,           "-c", "listen_addresses=127.0.0.1",
                                          "-c", "fsync=off",   "-c", "max_connections=200"};
      })
{
    if (::geteuid() == 0) {
        if (std::system(("chown postgres " + dir_.path()).c_str()) != 0)
            throw std::runtime_error("cannot chown " + dir_.path() + " to postgres");
    }
}

PostgresServer::~PostgresServer()
{
    try {
        PostgresServer::stop();
    } catch (...) {
    }
}

void PostgresServer::start()
{
    if (proc_) return;
    if (!initialized_) {
        runAsPostgres(std::string(kPgBin) + "/initdb -D " + dir_.path() + "/data -A trust -U postgres");
        initialized_ = true;
    }
    // postgres refuses to run as root: drop to user postgres with setpriv,
    // which execs (runuser would fork and keep itself as the parent), so the
    // pid we signal is postgres itself.
    std::vector<std::string> args = args_(port_, dir_.path());
    std::string prog = program_;
    if (::geteuid() == 0) {
        args.insert(args.begin(), {"--reuid=postgres", "--regid=postgres", "--init-groups", "--", program_});
        prog = "setpriv";
    }
    proc_ = std::make_unique<ChildProcess>(prog, args, dir_.file("server.log"));
    if (!waitForPort(host_, port_, 30000)) {
        std::string log = proc_->log();
        proc_.reset();
        throw std::runtime_error("postgres did not start on " + address() + ": " + log);
    }
    // Accepting TCP is not yet accepting queries: wait for psql to succeed.
    std::string psql = "psql -h 127.0.0.1 -p " + std::to_string(port_) + " -U postgres -d postgres -tAc ";
    for (int i = 0; i < 100; ++i) {
        if (std::system((psql + "'SELECT 1' >/dev/null 2>&1").c_str()) == 0) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::system((psql + "'CREATE DATABASE " + database() + "' >/dev/null 2>&1").c_str());
}

void PostgresServer::stop()
{
    if (!proc_) return;
    proc_->signal(SIGINT); // fast shutdown
    if (proc_->wait(20000) < 0) {
        proc_->signal(SIGKILL);
        proc_->wait(5000);
    }
    proc_.reset();
}

std::string PostgresServer::databaseConfig() const
{
    return "{\"db_dialect\": \"postgres\", \"host\": \"127.0.0.1\", \"port\": " + std::to_string(port_) +
           ", \"usr\": \"postgres\", \"password\": \"\", \"name\": \"" + database() + "\"}";
}

} // namespace jiffy::test
