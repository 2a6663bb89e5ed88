// A group of real jiffyd processes for cluster tests and the cluster bench:
// each instance on its own loopback address (127.0.0.2, .3, ...) with HTTP
// and the bus on free ports of that address, one SQLite database, one KVS
// (a real Redis or jiffy-sluggo) for the leader lease, ping_cycle 1 s,
// failure_threshold 3 unless told otherwise. What a test reads is /cluster (View), /metrics
// (metric()) and the KVS record (ClusterKvs::get()).
#pragma once

#include "support/ChildProcess.h"
#include "support/TestServers.h"
#include "support/TestSupport.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace jiffy::test {

/// The bus secret every instance of a ClusterGroup has in hmac_Key.
inline constexpr const char* kClusterKey = "cluster-test-secret";

/// One row of GET /cluster's members.
struct MemberView {
    uint64_t pid = 0;
    std::string address, status;
    uint64_t incarnation = 0;
};

/// GET /cluster of one instance.
struct View {
    uint64_t self = 0, leader = 0, term = 0;
    std::vector<MemberView> members;
    /// The newest member (highest PID) at `address`: a restarted process joins under a new PID.
    const MemberView* at(const std::string& address) const;
    const MemberView* byPid(uint64_t pid) const;
    size_t count(const std::string& status) const;
};

std::optional<View> parseView(const std::string& body);

/// Polls `ok` every 50 ms until it holds or `timeoutMs` passed (a liveness bound, never a timing).
bool eventually(const std::function<bool()>& ok, int timeoutMs);

/// The KVS of the group: a real server on 127.0.0.1 and what jiffyd's config says about it.
class ClusterKvs {
public:
    virtual ~ClusterKvs() = default;
    virtual std::string name() const = 0;
    virtual void start() = 0;
    virtual void stop() = 0;
    /// The value of `key` ("" when absent or when the server does not answer).
    virtual std::string get(const std::string& key) = 0;
    /// jiffy's `group_leader_kvs` object with this store active.
    virtual std::string groupLeaderKvs() const = 0;
};

/// redis-server (TestServers' RedisServer), read with redis-cli.
std::unique_ptr<ClusterKvs> redisClusterKvs();
/// build/bin/jiffy-sluggo (with its atomic extensions), read over the Go protocol's /get.
std::unique_ptr<ClusterKvs> sluggoClusterKvs();

/// The config of a group member after its addresses: ping_cycle 1, `failureThreshold`, kClusterKey, SQLite
/// and signing keys in `dir`, `groupLeaderKvs` as jiffy's group_leader_kvs, the library models and the
/// `leadership` test plugin (GET /leadership: the host API's cluster_term and is_leader).
std::string clusterConfigBody(const TempDir& dir, const std::string& groupLeaderKvs, int failureThreshold = 3);

/// One jiffyd on its own loopback address.
class ClusterInstance {
public:
    ClusterInstance(const TempDir& dir, std::string host, std::string configBody);
    ~ClusterInstance();

    /// Starts it and waits for /healthz (throws with the log when it does not come up).
    void start();
    void signal(int sig);
    /// SIGKILL and reap.
    void kill();
    /// SIGTERM, wait, reap.
    void stop();
    bool running();
    pid_t osPid() const;
    std::string log() const;

    HttpResult request(const std::string& method, const std::string& path, const std::string& body = "",
                       const std::string& token = "");
    std::optional<View> view(const std::string& token);
    /// POST /usr/login; throws when it is refused.
    std::string login(const std::string& email, const std::string& password);
    /// The value of an unlabelled sample (or the sample with `labels`) in /metrics; 0 when absent.
    uint64_t metric(const std::string& name, const std::string& labels = "");
    /// jiffy_cluster_frames_dropped_total{reason="<reason>"}.
    uint64_t dropped(const std::string& reason);

    const std::string& host() const { return host_; }
    uint16_t httpPort() const { return httpPort_; }
    uint16_t busPort() const { return busPort_; }
    std::string busAddress() const { return host_ + ":" + std::to_string(busPort_); }
    const std::string& body() const { return body_; }

private:
    const TempDir& dir_;
    std::string host_;
    uint16_t httpPort_, busPort_;
    std::string body_, config_;
    int runs_ = 0;
    std::unique_ptr<ChildProcess> proc_;
};

/// `size` instances on 127.0.0.2 ... sharing one database, one KVS and one set of signing keys.
class ClusterGroup {
public:
    /// failure_threshold 3 keeps the tests short; the bench uses jiffy's default, 5.
    ClusterGroup(const TempDir& dir, ClusterKvs& kvs, size_t size = 3, int failureThreshold = 3);
    ~ClusterGroup();

    ClusterInstance& operator[](size_t i) { return *nodes_.at(i); }
    size_t size() const { return nodes_.size(); }
    void startAll();
    void stopAll();

    /// Waits until every running instance lists `n` members, all ALIVE, and all agree on leader and term;
    /// throws with what each one saw otherwise.
    View waitForAgreement(const std::string& token, size_t n, int timeoutMs);
    /// The instance at the address of member `pid` in `v` (throws when none is).
    size_t indexOfPid(const View& v, uint64_t pid);

private:
    std::vector<std::unique_ptr<ClusterInstance>> nodes_;
};

} // namespace jiffy::test
