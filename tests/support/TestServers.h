// Real servers for integration tests, each on a free loopback port in a
// temporary directory, stopped (and cleaned up) when the object dies.
// stop()/start() let a test take a backend down and bring it back on the
// same port.
#pragma once

#include "support/ChildProcess.h"
#include "support/TestSupport.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace jiffy::test {

/// The absolute path of `program` (searched on PATH unless it has a '/');
/// throws naming it when it is missing, so a suite fails at once.
std::string findProgram(const std::string& program);

/// True once something accepts TCP connections on host:port.
bool waitForPort(const std::string& host, uint16_t port, int timeoutMs);

/// A server process that listens on 127.0.0.1:port().
class TcpServer {
public:
    using ArgsFn = std::function<std::vector<std::string>(uint16_t port, const std::string& dir)>;
    /// `program` is run with `args(port, dir)`; `dir` is a fresh temp directory.
    /// `port` 0 picks a free one.
    TcpServer(std::string program, ArgsFn args, std::string host = "127.0.0.1", uint16_t port = 0);
    virtual ~TcpServer();
    TcpServer(const TcpServer&) = delete;
    TcpServer& operator=(const TcpServer&) = delete;

    /// Starts the server and waits until it accepts connections (throws if not within 20 s).
    virtual void start();
    /// Stops it (SIGTERM, then SIGKILL after 10 s).
    virtual void stop();
    bool running() const { return proc_ != nullptr; }
    /// SIGSTOP, returning only once every thread of the server has stopped:
    /// the kernel still accepts connections, nothing answers (a hung server).
    void freeze();
    /// SIGCONT.
    void thaw();
    uint16_t port() const { return port_; }
    const std::string& host() const { return host_; }
    std::string address() const { return host_ + ":" + std::to_string(port_); }
    const std::string& dir() const { return dir_.path(); }
    std::string log() const { return proc_ ? proc_->log() : readLog(); }

protected:
    std::string readLog() const;
    /// Waits until the started process accepts connections; throws at once
    /// when it exits first, and after `timeoutMs` otherwise.
    void waitUntilListening(int timeoutMs);

    std::string program_;
    ArgsFn args_;
    std::string host_;
    uint16_t port_;
    TempDir dir_;
    std::unique_ptr<ChildProcess> proc_;
};

/// redis-server without persistence.
class RedisServer : public TcpServer {
public:
    RedisServer();
};

/// memcached (run as user memcache, which it needs when started by root).
class MemcachedServer : public TcpServer {
public:
    MemcachedServer();
};

/// A PostgreSQL 15 cluster made with initdb in a temp directory (owned by
/// the postgres user, as PostgreSQL refuses root), trust authentication,
/// user "postgres", and a database `database()` created at first start.
class PostgresServer : public TcpServer {
public:
    PostgresServer();
    ~PostgresServer() override;
    void start() override;
    void stop() override;
    std::string database() const { return "jiffy_test"; }
    /// JSON object text for jiffy's `database` key pointing at this server.
    std::string databaseConfig() const;

private:
    bool initialized_ = false;
};

/// One member of an EtcdCluster; its data directory is in dir().
class EtcdMember : public TcpServer {
public:
    /// `initialCluster` is etcd's --initial-cluster ("n1=http://127.0.0.1:P1,...").
    /// `extraArgs` are appended (e.g. TLS files); `scheme` is that of the client URL.
    EtcdMember(const std::string& name, uint16_t clientPort, uint16_t peerPort, const std::string& initialCluster,
               const std::vector<std::string>& extraArgs = {}, const std::string& scheme = "http");
    /// SIGKILL: the member dies without any shutdown (a crash or power loss).
    void kill();
    const std::string& name() const { return name_; }

private:
    std::string name_;
};

/// An etcd v3 cluster of `size` members on loopback (client and peer ports
/// free, data directories in temp directories). As a TcpServer it stands for
/// the whole cluster: start() starts every member that is down and waits
/// until all answer /health, stop() stops them all, and port()/address() are
/// those of member 0.
class EtcdCluster : public TcpServer {
public:
    /// `extraArgs` go to every member. With `scheme` "https" (the members
    /// given their certificate in `extraArgs`) start() waits only until the
    /// members listen: the test checks health through its own TLS client.
    explicit EtcdCluster(size_t size = 3, const std::vector<std::string>& extraArgs = {},
                         const std::string& scheme = "http");
    ~EtcdCluster() override;
    void start() override;
    void stop() override;
    size_t size() const { return members_.size(); }
    EtcdMember& member(size_t i) { return *members_.at(i); }
    /// The members' client addresses as a JSON array, in member order.
    std::string endpointsJson() const;
    /// Index of the member that is the raft leader, as the running members
    /// report it (/v3/maintenance/status); waits up to `timeoutMs` for an
    /// election to settle, then throws.
    size_t leader(int timeoutMs = 30000);
    /// Waits until every running member answers /health with a leader; throws after `timeoutMs`.
    void waitHealthy(int timeoutMs = 30000);

private:
    std::vector<std::unique_ptr<EtcdMember>> members_;
    bool https_ = false;
};

/// A MariaDB server made with mariadb-install-db in a temp directory (root
/// with an empty password), listening on 127.0.0.1:port() and on its own
/// socket, with a utf8mb4 database `database()` created at first start.
class MariadbServer : public TcpServer {
public:
    /// `extraArgs` go to mariadbd as they are (e.g. --ssl-cert=...).
    explicit MariadbServer(std::vector<std::string> extraArgs = {});
    ~MariadbServer() override;
    void start() override;
    void stop() override;
    std::string database() const { return "jiffy_test"; }
    /// JSON object text for jiffy's `database` key pointing at this server
    /// (`dialect` "mysql" or "mariadb", database `name`, default database()).
    std::string databaseConfig(const std::string& dialect = "mysql", const std::string& name = "") const;
    /// Runs `statements` with the mariadb client as root in database `db`
    /// ("" = none); returns the output (tab-separated, no headers). Throws on failure.
    std::string sql(const std::string& statements, const std::string& db = "") const;

private:
    bool initialized_ = false;
};

/// One server of type S for the whole test process: it starts on first use
/// (CppUnit builds every fixture before the first test runs, and a server
/// takes seconds to set up), and again after a test that stopped it and failed.
template <class S> S& sharedServer()
{
    static std::unique_ptr<S> s;
    if (!s) s = std::make_unique<S>();
    if (!s->running()) s->start();
    return *s;
}

} // namespace jiffy::test
