#include "support/TestServers.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <set>
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

TcpServer::TcpServer(std::string program, ArgsFn args, std::string host, uint16_t port)
    : program_(std::move(program)), args_(std::move(args)), host_(std::move(host)), port_(port ? port : freePort(host_))
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

std::string findProgram(const std::string& program)
{
    namespace fs = std::filesystem;
    auto runnable = [](const fs::path& p) { return ::access(p.c_str(), X_OK) == 0 && fs::is_regular_file(p); };
    if (program.find('/') != std::string::npos) {
        if (runnable(program)) return program;
        throw std::runtime_error("test server binary " + program + " is missing (scripts/deps.sh installs it)");
    }
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";
    size_t start = 0;
    while (start <= dirs.size()) {
        size_t colon = dirs.find(':', start);
        if (colon == std::string::npos) colon = dirs.size();
        fs::path candidate = fs::path(dirs.substr(start, colon - start)) / program;
        if (colon > start && runnable(candidate)) return candidate.string();
        start = colon + 1;
    }
    throw std::runtime_error("test server binary " + program + " is not on PATH (scripts/deps.sh installs it)");
}

void TcpServer::waitUntilListening(int timeoutMs)
{
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (std::chrono::steady_clock::now() < deadline) {
        if (waitForPort(host_, port_, 200)) return;
        if (!proc_->running()) break; // it died: say so now, not after the timeout
    }
    std::string log = proc_->log();
    bool died = !proc_->running();
    proc_.reset();
    throw std::runtime_error(program_ + (died ? " exited before listening on " : " did not start on ") + address() +
                             ": " + log);
}

void TcpServer::start()
{
    if (proc_) return;
    proc_ = std::make_unique<ChildProcess>(findProgram(program_), args_(port_, dir_.path()), dir_.file("server.log"));
    waitUntilListening(20000);
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

/// The bin directory of the newest PostgreSQL installed (Debian keeps each
/// major under /usr/lib/postgresql/<major>/bin); $JIFFY_TEST_PG_BIN overrides.
std::string postgresBinDir()
{
    if (const char* env = std::getenv("JIFFY_TEST_PG_BIN")) return env;
    std::error_code ec;
    int best = -1;
    std::string dir;
    for (const auto& e : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
        const std::string name = e.path().filename().string();
        if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
        if (!std::filesystem::exists(e.path() / "bin" / "postgres")) continue;
        if (std::stoi(name) > best) {
            best = std::stoi(name);
            dir = (e.path() / "bin").string();
        }
    }
    if (dir.empty())
        throw std::runtime_error("no PostgreSQL server found under /usr/lib/postgresql/*/bin (install postgresql-15, "
                                 "or set JIFFY_TEST_PG_BIN)");
    return dir;
}

/// Runs a command (as user postgres when we are root); throws on failure.
void runAsPostgres(const std::string& cmd)
{
    std::string full = ::geteuid() == 0 ? "runuser -u postgres -- " + cmd : cmd;
    if (std::system((full + " >/dev/null 2>&1").c_str()) != 0) throw std::runtime_error("failed: " + full);
}

} // namespace

PostgresServer::PostgresServer()
    : TcpServer(postgresBinDir() + "/postgres", [](uint16_t port, const std::string& dir) {
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
        std::string bin = std::filesystem::path(program_).parent_path().string();
        runAsPostgres(findProgram(bin + "/initdb") + " -D " + dir_.path() + "/data -A trust -U postgres");
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
    proc_ = std::make_unique<ChildProcess>(findProgram(prog), args, dir_.file("server.log"));
    waitUntilListening(30000);
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

EtcdMember::EtcdMember(const std::string& name, uint16_t clientPort, uint16_t peerPort,
                       const std::string& initialCluster, const std::vector<std::string>& extraArgs,
                       const std::string& scheme)
    : TcpServer(
          "etcd",
          [name, peerPort, initialCluster, extraArgs, scheme](uint16_t port, const std::string& dir) {
              const std::string client = scheme + "://127.0.0.1:" + std::to_string(port);
              const std::string peer = "http://127.0.0.1:" + std::to_string(peerPort);
              // Once the data directory exists etcd ignores the --initial-* flags,
              // so a restarted member rejoins with what it had.
              std::vector<std::string> args = {"--name",
                                               name,
                                               "--data-dir",
                                               dir + "/data",
                                               "--listen-client-urls",
                                               client,
                                               "--advertise-client-urls",
                                               client,
                                               "--listen-peer-urls",
                                               peer,
                                               "--initial-advertise-peer-urls",
                                               peer,
                                               "--initial-cluster",
                                               initialCluster,
                                               "--initial-cluster-state",
                                               "new",
                                               "--initial-cluster-token",
                                               "jiffy-test",
                                               "--logger",
                                               "zap",
                                               "--log-outputs",
                                               "stderr"};
              args.insert(args.end(), extraArgs.begin(), extraArgs.end());
              return args;
          },
          "127.0.0.1", clientPort),
      name_(name)
{
}

void EtcdMember::kill()
{
    if (!proc_) return;
    proc_->signal(SIGKILL);
    proc_->wait(10000);
    proc_.reset();
}

EtcdCluster::EtcdCluster(size_t size, const std::vector<std::string>& extraArgs, const std::string& scheme)
    : TcpServer("etcd", [](uint16_t, const std::string&) { return std::vector<std::string>{}; })
{
    findProgram("etcd"); // fail at once, naming it
    std::vector<uint16_t> client{port_}, peer;
    std::string initial;
    std::set<uint16_t> taken{port_};
    auto another = [&taken] { // freePort() reserves nothing: never hand out one port twice
        uint16_t p = freePort();
        while (!taken.insert(p).second) p = freePort();
        return p;
    };
    for (size_t i = 0; i < size; ++i) {
        if (i > 0) client.push_back(another());
        peer.push_back(another());
        initial += (i ? "," : "") + std::string("n") + std::to_string(i + 1) +
                   "=http://127.0.0.1:" + std::to_string(peer.back());
    }
    for (size_t i = 0; i < size; ++i)
        members_.push_back(
            std::make_unique<EtcdMember>("n" + std::to_string(i + 1), client[i], peer[i], initial, extraArgs, scheme));
    https_ = scheme == "https";
}

EtcdCluster::~EtcdCluster()
{
    try {
        EtcdCluster::stop();
    } catch (...) {
    }
}

void EtcdCluster::start()
{
    // Every member binds its client port before it has a quorum, so each
    // start() returns at once and the members find each other afterwards.
    for (auto& m : members_) m->start();
    waitHealthy();
}

void EtcdCluster::stop()
{
    for (auto& m : members_) m->stop();
}

std::string EtcdCluster::endpointsJson() const
{
    std::string out;
    for (const auto& m : members_) out += (out.empty() ? "[\"" : ", \"") + m->address() + "\"";
    return out + "]";
}

void EtcdCluster::waitHealthy(int timeoutMs)
{
    if (https_) return; // http() speaks plain HTTP only
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    std::string last;
    while (std::chrono::steady_clock::now() < deadline) {
        bool all = true;
        for (auto& m : members_) {
            if (!m->running()) continue;
            HttpResult r = http("GET", m->host(), m->port(), "/health", "", {}, 2000);
            if (r.status != 200 || !contains(r.body, "\"true\"")) {
                all = false;
                last = m->name() + ": HTTP " + std::to_string(r.status) + " " + r.body;
                break;
            }
        }
        if (all) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    throw std::runtime_error("etcd cluster not healthy after " + std::to_string(timeoutMs) + " ms: " + last +
                             "\nlog of n1: " + members_.front()->log());
}

size_t EtcdCluster::leader(int timeoutMs)
{
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (std::chrono::steady_clock::now() < deadline) {
        for (size_t i = 0; i < members_.size(); ++i) {
            EtcdMember& m = *members_[i];
            if (!m.running()) continue;
            HttpResult r = http("POST", m.host(), m.port(), "/v3/maintenance/status", "{}", {}, 2000);
            if (r.status != 200) continue;
            try {
                auto status = Poco::JSON::Parser().parse(r.body).extract<Poco::JSON::Object::Ptr>();
                std::string self = status->getObject("header")->getValue<std::string>("member_id");
                if (status->optValue<std::string>("leader", "") == self) return i;
            } catch (const Poco::Exception&) {
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    throw std::runtime_error("no etcd member reports itself the leader after " + std::to_string(timeoutMs) + " ms");
}

MariadbServer::MariadbServer(std::vector<std::string> extraArgs)
    : TcpServer("mariadbd", [extraArgs](uint16_t port, const std::string& dir) {
          // --no-defaults: nothing from /etc/mysql; small buffers and no
          // durability, a test server holds nothing worth an fsync.
          std::vector<std::string> a{"--no-defaults", "--datadir=" + dir + "/data", "--socket=" + dir + "/sock",
                                     "--pid-file=" + dir + "/mariadbd.pid",
                                     // Its own tmpdir: a starting mariadbd deletes every #sql* file
                                     // in its tmpdir, also those of another server still running.
                                     "--tmpdir=" + dir + "/tmp", "--port=" + std::to_string(port),
                                     "--bind-address=127.0.0.1", "--character-set-server=utf8mb4",
                                     "--collation-server=utf8mb4_bin", "--innodb-buffer-pool-size=64M",
                                     "--innodb-log-file-size=16M", "--innodb-flush-log-at-trx-commit=0",
                                     "--innodb-doublewrite=0", "--max-connections=300", "--skip-log-bin"};
          if (::geteuid() == 0) a.push_back("--user=root");
          a.insert(a.end(), extraArgs.begin(), extraArgs.end());
          return a;
      })
{
}

MariadbServer::~MariadbServer()
{
    try {
        MariadbServer::stop();
    } catch (...) {
    }
}

void MariadbServer::start()
{
    if (proc_) return;
    std::filesystem::create_directories(dir_.path() + "/tmp");
    if (!initialized_) {
        // TMPDIR is the bootstrap server's tmpdir (see --tmpdir above).
        std::string cmd =
            "TMPDIR=" + dir_.path() + "/tmp " + findProgram("mariadb-install-db") +
            " --no-defaults --auth-root-authentication-method=normal --skip-test-db --datadir=" + dir_.path() +
            "/data" + (::geteuid() == 0 ? " --user=root" : "") + " >" + dir_.file("install.log") + " 2>&1";
        if (std::system(cmd.c_str()) != 0)
            throw std::runtime_error("mariadb-install-db failed: " + readFile(dir_.file("install.log")));
        initialized_ = true;
    }
    proc_ = std::make_unique<ChildProcess>(findProgram(program_), args_(port_, dir_.path()), dir_.file("server.log"));
    waitUntilListening(30000);
    // The port opens before the server takes queries: wait for a query to succeed.
    std::string lastError;
    for (int i = 0; i < 200; ++i) {
        try {
            sql("SELECT 1");
            lastError.clear();
            break;
        } catch (const std::exception& e) {
            lastError = e.what();
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
    if (!lastError.empty()) throw std::runtime_error("mariadbd does not answer queries: " + lastError);
    sql("CREATE DATABASE IF NOT EXISTS " + database() + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
}

void MariadbServer::stop()
{
    if (!proc_) return;
    proc_->signal(SIGTERM); // shutdown; InnoDB needs a moment
    if (proc_->wait(30000) < 0) {
        proc_->signal(SIGKILL);
        proc_->wait(5000);
    }
    proc_.reset();
}

std::string MariadbServer::databaseConfig(const std::string& dialect, const std::string& name) const
{
    return "{\"db_dialect\": \"" + dialect + "\", \"host\": \"127.0.0.1\", \"port\": " + std::to_string(port_) +
           ", \"usr\": \"root\", \"password\": \"\", \"name\": \"" + (name.empty() ? database() : name) + "\"}";
}

std::string MariadbServer::sql(const std::string& statements, const std::string& db) const
{
    // One file per call and thread: tests may run this from several threads.
    static std::atomic<int> seq{0};
    const std::string base = dir_.file("q" + std::to_string(++seq));
    writeFile(base + ".sql", statements + ";\n");
    std::string cmd = findProgram("mariadb") + " --no-defaults -h 127.0.0.1 -P " + std::to_string(port_) +
                      " -u root -N -B " + (db.empty() ? "" : "-D " + db + " ") + "< " + base + ".sql >" + base +
                      ".out 2>" + base + ".err";
    int rc = std::system(cmd.c_str());
    std::string out = readFile(base + ".out");
    std::string err = readFile(base + ".err");
    std::filesystem::remove(base + ".sql");
    std::filesystem::remove(base + ".out");
    std::filesystem::remove(base + ".err");
    if (rc != 0) throw std::runtime_error("mariadb client failed on \"" + statements.substr(0, 200) + "\": " + err);
    return out;
}

} // namespace jiffy::test
