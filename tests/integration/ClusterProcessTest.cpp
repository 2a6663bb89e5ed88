// Three real jiffyd on 127.0.0.2, .3 and .4 (HTTP and the cluster bus each on
// a free port of its address), one SQLite database, one real Redis as the
// KVS; ping_cycle 1 s, failure_threshold 3. What /cluster shows after
// forming, a kill -9 of the leader, restarts on the same address, a user
// deactivated through one instance, garbage on the bus port, and a second
// jiffyd on a taken internal_address. Waits are liveness bounds of many
// ping cycles; no timing is asserted.
#include "support/ChildProcess.h"
#include "support/JiffydRunner.h"
#include "support/TestServers.h"
#include "support/TestSupport.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <csignal>
#include <functional>
#include <map>
#include <set>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using jiffy::test::ChildProcess;
using jiffy::test::contains;
using jiffy::test::HttpResult;
using jiffy::test::TempDir;

namespace {

constexpr int kLivenessMs = 30000; // 30 ping cycles

struct MemberView {
    uint64_t pid = 0;
    std::string address, status;
    uint64_t incarnation = 0;
};

struct View {
    uint64_t self = 0, leader = 0, term = 0;
    std::vector<MemberView> members;
    /// The newest member (highest PID) at `address`: a restarted process joins under a new PID.
    const MemberView* at(const std::string& address) const
    {
        const MemberView* found = nullptr;
        for (const auto& m : members)
            if (m.address == address && (!found || m.pid > found->pid)) found = &m;
        return found;
    }
    size_t count(const std::string& status) const
    {
        size_t n = 0;
        for (const auto& m : members) n += m.status == status;
        return n;
    }
};

std::optional<View> parseView(const std::string& body)
{
    try {
        auto o = Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
        View v;
        v.self = o->getValue<uint64_t>("self");
        v.leader = o->getValue<uint64_t>("leader");
        v.term = o->getValue<uint64_t>("term");
        auto a = o->getArray("members");
        for (unsigned i = 0; i < a->size(); ++i) {
            auto m = a->getObject(i);
            v.members.push_back({m->getValue<uint64_t>("pid"), m->getValue<std::string>("address"),
                                 m->getValue<std::string>("status"), m->getValue<uint64_t>("incarnation")});
        }
        return v;
    } catch (const Poco::Exception&) {
        return std::nullopt;
    }
}

/// Polls `ok` until it holds or `timeoutMs` passed (a liveness bound).
bool eventually(const std::function<bool()>& ok, int timeoutMs = kLivenessMs)
{
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (std::chrono::steady_clock::now() < end) {
        if (ok()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return ok();
}

/// One jiffyd on its own loopback address.
class Instance {
public:
    Instance(const TempDir& dir, std::string host, std::string configBody)
        : dir_(dir), host_(std::move(host)), httpPort_(jiffy::test::freePort(host_)),
          busPort_(jiffy::test::freePort(host_)), body_(std::move(configBody))
    {
        config_ = dir_.file("jiffyd-" + host_ + ".config.json");
        jiffy::test::writeFile(config_, "{\"external_address\": \"" + host_ + ":" + std::to_string(httpPort_) +
                                            "\", \"internal_address\": \"" + busAddress() + "\", " + body_ + "}");
    }

    void start()
    {
        proc_.reset();
        proc_ =
            std::make_unique<ChildProcess>(jiffy::test::jiffydBinary(), std::vector<std::string>{"--config", config_},
                                           dir_.file("jiffyd-" + host_ + "-" + std::to_string(++runs_) + ".log"));
        if (!jiffy::test::waitForHttp(host_, httpPort_, "/healthz", 200, 20000)) {
            std::string log = proc_->log();
            proc_.reset();
            CPPUNIT_FAIL("jiffyd on " + host_ + " did not start:\n" + log);
        }
    }
    void signal(int sig)
    {
        if (proc_) proc_->signal(sig);
    }
    void kill()
    {
        if (!proc_) return;
        proc_->signal(SIGKILL);
        proc_->wait(10000);
    }
    void stop()
    {
        if (!proc_) return;
        proc_->signal(SIGTERM);
        proc_->wait(15000);
        proc_.reset();
    }
    bool running() { return proc_ && proc_->running(); }
    std::string log() const { return proc_ ? proc_->log() : std::string(); }

    HttpResult request(const std::string& method, const std::string& path, const std::string& body = "",
                       const std::string& token = "")
    {
        std::map<std::string, std::string> headers;
        if (!token.empty()) headers["Authorization"] = "Bearer " + token;
        return jiffy::test::http(method, host_, httpPort_, path, body, headers);
    }
    std::optional<View> view(const std::string& token)
    {
        HttpResult r = request("GET", "/cluster", "", token);
        if (r.status != 200) return std::nullopt;
        return parseView(r.body);
    }
    std::string login(const std::string& email, const std::string& password)
    {
        HttpResult r = request("POST", "/usr/login", "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(host_ + ": login " + email + ": " + r.body, 200, r.status);
        return Poco::JSON::Parser().parse(r.body).extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("token");
    }

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

} // namespace

class ClusterProcessTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ClusterProcessTest);
    CPPUNIT_TEST(testThreeInstancesAgreeOnLeaderTermAndMembers);
    CPPUNIT_TEST(testClusterIsForSuperOnly);
    CPPUNIT_TEST(testKilledLeaderIsReplacedAndRestartedMembersRejoin);
    CPPUNIT_TEST(testSigtermOfTheLeaderHandsOverWithoutASuspicion);
    CPPUNIT_TEST(testPausedLeaderIsReplacedAndStepsDownOnWaking);
    CPPUNIT_TEST(testKvsStoppedMidRunHttpServesAndLeadershipResumes);
    CPPUNIT_TEST(testUserDeactivatedOnOneInstanceIsRefusedByAnotherAtOnce);
    CPPUNIT_TEST(testGarbageOnTheBusPortIsCountedAndHarmless);
    CPPUNIT_TEST(testSecondInstanceOnTheSameInternalAddressExits69);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override
    {
        redis_ = std::make_unique<jiffy::test::RedisServer>();
        redis_->start();
        const std::string body =
            "\"ping_cycle\": 1, \"failure_threshold\": 3, \"hmac_Key\": \"cluster-test-secret\", "
            "\"database\": {\"db_dialect\": \"sqlite\", \"name\": \"" +
            dir_.file("shared.db") +
            "\"}, \"group_leader_kvs\": {\"local_standalone\": {\"active\": false}, \"redis\": {\"active\": true, "
            "\"redis_address\": \"" +
            redis_->address() +
            "\"}}, \"logging\": {\"colorMsgTypes\": false, \"requests\": false}, "
            "\"ecdsa384_priv_key_file\": \"" +
            dir_.file("ec384.priv.pem") + "\", \"ecdsa384_pub_key_file\": \"" + dir_.file("ec384.pub.pem") +
            "\", \"jwt_sign_method\": \"ES384\", \"auth\": {\"bcrypt_cost\": 10, \"cache_refresh_s\": 600}, "
            "\"routes\": [{\"plugin\": \"models\", \"model_files\": [\"" +
            jiffy::test::sourceDir() + "/config/models/library.json\"]}]";
        for (const char* host : {"127.0.0.2", "127.0.0.3", "127.0.0.4"})
            nodes_.push_back(std::make_unique<Instance>(dir_, host, body));
        // The same signing keys for all (a token from one is good on every one).
        std::string out;
        int code = jiffy::test::runJiffydToEnd(
            {"--config", dir_.file("jiffyd-127.0.0.2.config.json"), "--generate-keys"}, dir_.file("keys.log"), out);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 0, code);
    }

    void tearDown() override
    {
        for (auto& n : nodes_) n->stop();
        nodes_.clear();
        redis_.reset();
    }

    void testThreeInstancesAgreeOnLeaderTermAndMembers()
    {
        startAll();
        const std::string token = nodes_[0]->login("admin", "initpass");
        View v = waitForAgreement(token, 3);
        CPPUNIT_ASSERT(v.leader != 0);
        CPPUNIT_ASSERT(v.term >= 1);
        // Every instance knows itself by the PID the others list at its address.
        for (auto& n : nodes_) {
            std::optional<View> own = n->view(token);
            CPPUNIT_ASSERT(own);
            CPPUNIT_ASSERT(own->at(n->busAddress()));
            CPPUNIT_ASSERT_EQUAL(own->self, own->at(n->busAddress())->pid);
        }
        // The lease record in the KVS names the leader.
        const MemberView* leader = nullptr;
        for (const auto& m : v.members)
            if (m.pid == v.leader) leader = &m;
        CPPUNIT_ASSERT(leader);
        std::string record = redisGet("jiffy.cluster.leader");
        CPPUNIT_ASSERT_MESSAGE(record, contains(record, leader->address));
        // /metrics counts the protocol at work.
        CPPUNIT_ASSERT(eventually([&] { return metric(*nodes_[0], "jiffy_cluster_acks_total") > 0; }));
        CPPUNIT_ASSERT_EQUAL(uint64_t(v.term), metric(*nodes_[0], "jiffy_cluster_term"));
    }

    void testClusterIsForSuperOnly()
    {
        nodes_[0]->start();
        CPPUNIT_ASSERT_EQUAL(401, nodes_[0]->request("GET", "/cluster").status);
        const std::string admin = nodes_[0]->login("admin", "initpass");
        HttpResult g = nodes_[0]->request("POST", "/usrgroup", R"({"group_name":"Readers","description":"x"})", admin);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(g.body, 201, g.status);
        createUser(*nodes_[0], admin, "reader@example.com", "Readers");
        const std::string reader = nodes_[0]->login("reader@example.com", "secret1");
        CPPUNIT_ASSERT_EQUAL(401, nodes_[0]->request("GET", "/cluster", "", reader).status);
        HttpResult ok = nodes_[0]->request("GET", "/cluster", "", admin);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(ok.body, 200, ok.status);
        std::optional<View> v = parseView(ok.body);
        CPPUNIT_ASSERT(v);
        CPPUNIT_ASSERT(contains(nodes_[0]->request("GET", "/openapi.json").body, "\"/cluster\""));
    }

    void testKilledLeaderIsReplacedAndRestartedMembersRejoin()
    {
        startAll();
        const std::string token = nodes_[0]->login("admin", "initpass");
        View before = waitForAgreement(token, 3);
        size_t leaderIdx = indexOfPid(before, before.leader);
        const std::string leaderAddress = nodes_[leaderIdx]->busAddress();
        nodes_[leaderIdx]->kill();

        std::vector<size_t> survivors;
        for (size_t i = 0; i < nodes_.size(); ++i)
            if (i != leaderIdx) survivors.push_back(i);
        bool httpAnswered = true;
        std::string lastSeen;
        bool replaced = eventually([&] {
            bool all = true;
            uint64_t newLeader = 0;
            for (size_t i : survivors) {
                // HTTP on survivors keeps answering throughout.
                httpAnswered = httpAnswered && nodes_[i]->request("GET", "/healthz").status == 200;
                std::optional<View> v = nodes_[i]->view(token);
                if (!v) return false;
                lastSeen = nodes_[i]->host() + " sees leader " + std::to_string(v->leader) + " term " +
                           std::to_string(v->term);
                const MemberView* old = v->at(leaderAddress);
                all = all && old && old->pid == before.leader && old->status == "FAILED" && v->leader != 0 &&
                      v->leader != before.leader && v->term > before.term && (newLeader == 0 || newLeader == v->leader);
                newLeader = v->leader;
            }
            return all;
        });
        CPPUNIT_ASSERT_MESSAGE("no new leader with a higher term on the survivors: " + lastSeen, replaced);
        CPPUNIT_ASSERT(httpAnswered);
        std::string record = redisGet("jiffy.cluster.leader");
        CPPUNIT_ASSERT_MESSAGE(record, !contains(record, leaderAddress));

        // Restarted at once on the same address, a few times: it rejoins each time.
        for (int round = 0; round < 3; ++round) {
            if (round > 0) nodes_[leaderIdx]->kill(); // round 0: the leader killed above
            nodes_[leaderIdx]->start();
            uint64_t self = 0;
            bool rejoined = eventually([&] {
                std::optional<View> own = nodes_[leaderIdx]->view(token);
                if (!own || own->self == 0) return false;
                self = own->self;
                for (size_t i : survivors) {
                    std::optional<View> v = nodes_[i]->view(token);
                    const MemberView* m = v ? v->at(leaderAddress) : nullptr;
                    if (!m || m->pid != self || m->status != "ALIVE") return false;
                }
                return own->count("ALIVE") == 3;
            });
            CPPUNIT_ASSERT_MESSAGE("round " + std::to_string(round) + ": the restarted member did not rejoin:\n" +
                                       nodes_[leaderIdx]->log(),
                                   rejoined);
        }
    }

    void testSigtermOfTheLeaderHandsOverWithoutASuspicion()
    {
        startAll();
        const std::string token = nodes_[0]->login("admin", "initpass");
        View before = waitForAgreement(token, 3);
        size_t leaderIdx = indexOfPid(before, before.leader);
        const std::string leaderAddress = nodes_[leaderIdx]->busAddress();
        nodes_[leaderIdx]->stop();
        std::string seen;
        bool handedOver = eventually([&] {
            for (size_t i = 0; i < nodes_.size(); ++i) {
                if (i == leaderIdx) continue;
                std::optional<View> v = nodes_[i]->view(token);
                if (!v) return false;
                const MemberView* old = v->at(leaderAddress);
                seen = nodes_[i]->host() + ": " + (old ? old->status : "?") + ", leader " + std::to_string(v->leader);
                if (!old || (old->status != "DEPARTING" && old->status != "DEPARTED")) return false;
                if (v->leader == 0 || v->leader == before.leader || v->term <= before.term) return false;
            }
            return true;
        });
        CPPUNIT_ASSERT_MESSAGE("no handover after SIGTERM of the leader: " + seen, handedOver);
        // Departed, not failed: nobody had to suspect it.
        for (size_t i = 0; i < nodes_.size(); ++i)
            if (i != leaderIdx) CPPUNIT_ASSERT_EQUAL(uint64_t(0), metric(*nodes_[i], "jiffy_cluster_failures_total"));
    }

    void testPausedLeaderIsReplacedAndStepsDownOnWaking()
    {
        startAll();
        const std::string token = nodes_[0]->login("admin", "initpass");
        View before = waitForAgreement(token, 3);
        size_t leaderIdx = indexOfPid(before, before.leader);
        // term -> every leader PID any instance named for it: never two.
        std::map<uint64_t, std::set<uint64_t>> leaders;
        auto observe = [&](size_t i) {
            std::optional<View> v = nodes_[i]->view(token);
            if (v && v->leader) leaders[v->term].insert(v->leader);
            return v;
        };
        nodes_[leaderIdx]->signal(SIGSTOP);
        bool replaced = eventually([&] {
            bool all = true;
            for (size_t i = 0; i < nodes_.size(); ++i) {
                if (i == leaderIdx) continue;
                std::optional<View> v = observe(i);
                all = all && v && v->leader != 0 && v->leader != before.leader && v->term > before.term;
            }
            return all;
        });
        nodes_[leaderIdx]->signal(SIGCONT);
        CPPUNIT_ASSERT_MESSAGE("the others elected no leader while the leader was paused", replaced);
        bool steppedDown = eventually([&] {
            std::optional<View> v = observe(leaderIdx);
            for (size_t i = 0; i < nodes_.size(); ++i)
                if (i != leaderIdx) observe(i);
            return v && v->leader != v->self && v->leader != 0 &&
                   metric(*nodes_[leaderIdx], "jiffy_cluster_is_leader") == 0;
        });
        CPPUNIT_ASSERT_MESSAGE("the woken leader did not step down:\n" + nodes_[leaderIdx]->log(), steppedDown);
        waitForAgreement(token, 3); // it refutes its suspicion and is ALIVE again
        for (const auto& [term, pids] : leaders)
            CPPUNIT_ASSERT_EQUAL_MESSAGE("leaders seen for term " + std::to_string(term), size_t(1), pids.size());
    }

    void testKvsStoppedMidRunHttpServesAndLeadershipResumes()
    {
        startAll();
        const std::string token = nodes_[0]->login("admin", "initpass");
        View before = waitForAgreement(token, 3);
        redis_->stop();
        // A few lease periods without the KVS: every instance keeps serving HTTP.
        bool leaderless = eventually([&] {
            for (auto& n : nodes_) {
                CPPUNIT_ASSERT_EQUAL(200, n->request("GET", "/healthz").status);
                CPPUNIT_ASSERT_EQUAL(200, n->request("GET", "/librarys", "", token).status);
            }
            return metric(*nodes_[indexOfPid(before, before.leader)], "jiffy_cluster_store_failures_total") > 0;
        });
        CPPUNIT_ASSERT_MESSAGE("the leader never noticed the KVS was gone", leaderless);
        redis_->start();
        bool resumed = eventually([&] {
            uint64_t leader = 0;
            for (auto& n : nodes_) {
                std::optional<View> v = n->view(token);
                if (!v || v->leader == 0 || v->count("ALIVE") != 3) return false;
                if (leader && v->leader != leader) return false;
                leader = v->leader;
            }
            return redisGet("jiffy.cluster.leader").find("jiffy-leader") != std::string::npos;
        });
        CPPUNIT_ASSERT_MESSAGE("no leader with a record in the KVS after it came back", resumed);
    }

    void testUserDeactivatedOnOneInstanceIsRefusedByAnotherAtOnce()
    {
        startAll();
        const std::string admin = nodes_[0]->login("admin", "initpass");
        waitForAgreement(admin, 3);
        int64_t id = createUser(*nodes_[0], admin, "dave@example.com", "Super");
        const std::string dave = nodes_[1]->login("dave@example.com", "secret1");
        CPPUNIT_ASSERT_EQUAL(200, nodes_[1]->request("GET", "/librarys", "", dave).status);
        HttpResult put = nodes_[0]->request("PUT", "/usr/" + std::to_string(id), "{\"active\":false}", admin);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(put.body, 201, put.status);
        // cache_refresh_s is 600: only the bus can tell B this soon.
        CPPUNIT_ASSERT_MESSAGE(
            "instance B still serves the deactivated user",
            eventually([&] { return nodes_[1]->request("GET", "/librarys", "", dave).status == 401; }, 10000));
        CPPUNIT_ASSERT(metric(*nodes_[1], "jiffy_cluster_invalidations_received_total") >= 1);
    }

    void testGarbageOnTheBusPortIsCountedAndHarmless()
    {
        nodes_[0]->start();
        {
            Poco::Net::StreamSocket s(Poco::Net::SocketAddress(nodes_[0]->host(), nodes_[0]->busPort()));
            std::string garbage = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
            garbage += std::string(4096, '\xff');
            s.sendBytes(garbage.data(), static_cast<int>(garbage.size()));
            char c;
            try {
                s.setReceiveTimeout(Poco::Timespan(10, 0));
                s.receiveBytes(&c, 1); // the bus closes the connection
            } catch (const Poco::Exception&) {
            }
        }
        CPPUNIT_ASSERT(eventually([&] { return dropped(*nodes_[0], "bad_magic") >= 1; }));
        CPPUNIT_ASSERT(nodes_[0]->running());
        CPPUNIT_ASSERT_EQUAL(200, nodes_[0]->request("GET", "/healthz").status);
        const std::string token = nodes_[0]->login("admin", "initpass");
        std::optional<View> v = nodes_[0]->view(token);
        CPPUNIT_ASSERT(v && v->self != 0 && v->leader == v->self);
    }

    void testSecondInstanceOnTheSameInternalAddressExits69()
    {
        nodes_[0]->start();
        const std::string cfg = dir_.file("second.config.json");
        jiffy::test::writeFile(
            cfg, "{\"external_address\": \"127.0.0.2:" + std::to_string(jiffy::test::freePort("127.0.0.2")) +
                     "\", \"internal_address\": \"" + nodes_[0]->busAddress() + "\", " + nodes_[0]->body() + "}");
        std::string out;
        int code = jiffy::test::runJiffydToEnd({"--config", cfg}, dir_.file("second.log"), out);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 69, code);
        CPPUNIT_ASSERT_MESSAGE(out, contains(out, "internal_address " + nodes_[0]->busAddress() + ": already in use"));
        CPPUNIT_ASSERT(nodes_[0]->running());
    }

private:
    void startAll()
    {
        for (auto& n : nodes_) n->start();
    }

    /// Waits until every running instance lists `n` members ALIVE and all agree on leader and term.
    View waitForAgreement(const std::string& token, size_t n)
    {
        View last;
        std::string seen;
        bool agreed = eventually([&] {
            std::optional<View> first;
            seen.clear();
            for (auto& node : nodes_) {
                std::optional<View> v = node->view(token);
                if (!v) return false;
                seen += node->host() + ": leader " + std::to_string(v->leader) + " term " + std::to_string(v->term) +
                        " alive " + std::to_string(v->count("ALIVE")) + "; ";
                if (v->count("ALIVE") != n || v->members.size() != n || v->leader == 0) return false;
                if (first && (first->leader != v->leader || first->term != v->term)) return false;
                if (!first) first = v;
            }
            last = *first;
            return true;
        });
        CPPUNIT_ASSERT_MESSAGE("the instances do not agree: " + seen + "\n" + nodes_[0]->log(), agreed);
        return last;
    }

    size_t indexOfPid(const View& v, uint64_t pid)
    {
        for (const auto& m : v.members)
            if (m.pid == pid)
                for (size_t i = 0; i < nodes_.size(); ++i)
                    if (nodes_[i]->busAddress() == m.address) return i;
        CPPUNIT_FAIL("pid " + std::to_string(pid) + " is no instance of the test");
        return 0;
    }

    int64_t createUser(Instance& on, const std::string& admin, const std::string& email, const std::string& groups)
    {
        HttpResult r = on.request("POST", "/usr",
                                  "{\"name\":\"N\",\"email\":\"" + email +
                                      "\",\"password\":\"secret1\",\"active\":true,\"groups\":\"" + groups + "\"}",
                                  admin);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 201, r.status);
        return Poco::JSON::Parser().parse(r.body).extract<Poco::JSON::Object::Ptr>()->getValue<int64_t>("ID");
    }

    /// The value of an unlabelled sample (or the sample with `labels`) in /metrics; 0 when absent.
    uint64_t metric(Instance& on, const std::string& name, const std::string& labels = "")
    {
        std::string body = on.request("GET", "/metrics").body;
        std::string prefix = "\n" + name + (labels.empty() ? "" : "{" + labels + "}") + " ";
        size_t at = body.find(prefix);
        if (at == std::string::npos) return 0;
        return std::stoull(body.substr(at + prefix.size()));
    }
    uint64_t dropped(Instance& on, const std::string& reason)
    {
        return metric(on, "jiffy_cluster_frames_dropped_total", "reason=\"" + reason + "\"");
    }

    std::string redisGet(const std::string& key)
    {
        std::string cmd = "redis-cli -h 127.0.0.1 -p " + std::to_string(redis_->port()) + " GET " + key + " 2>&1";
        std::string out;
        if (FILE* p = ::popen(cmd.c_str(), "r")) {
            char buf[512];
            while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
            ::pclose(p);
        }
        return out;
    }

    TempDir dir_;
    std::unique_ptr<jiffy::test::RedisServer> redis_;
    std::vector<std::unique_ptr<Instance>> nodes_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(ClusterProcessTest);
