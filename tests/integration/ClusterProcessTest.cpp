// Three real jiffyd on 127.0.0.2, .3 and .4 (HTTP and the cluster bus each on
// a free port of its address), one SQLite database, one real KVS for the
// leader lease (Redis, and jiffy-sluggo for the core cases); ping_cycle 1 s,
// failure_threshold 3 (tests/support/ClusterProcesses.h). What /cluster shows
// after forming, a kill -9 of the leader, SIGSTOP of the leader and of an
// ordinary member, ten restarts on the same address, the KVS stopped, a user
// deactivated through one instance, garbage and forged, replayed and
// oversized frames on the bus port, and a second jiffyd on a taken
// internal_address. Waits are liveness bounds of many ping cycles; no timing
// is asserted.
#include "support/ClusterProcesses.h"
#include "support/JiffydRunner.h"
#include "support/SluggoTestServer.h"

#include "cluster/Message.h"
#include "cluster/bus/Frame.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <csignal>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

using jiffy::test::ClusterGroup;
using jiffy::test::ClusterInstance;
using jiffy::test::ClusterKvs;
using jiffy::test::contains;
using jiffy::test::eventually;
using jiffy::test::HttpResult;
using jiffy::test::MemberView;
using jiffy::test::TempDir;
using jiffy::test::View;

namespace {

constexpr int kLivenessMs = 30000; // 30 ping cycles

/// Writes all of `bytes` to `s`.
void sendAll(Poco::Net::StreamSocket& s, const std::string& bytes)
{
    size_t off = 0;
    while (off < bytes.size()) off += static_cast<size_t>(s.sendBytes(bytes.data() + off, int(bytes.size() - off)));
}

/// Waits (bounded) until the peer closes `s`.
void awaitClose(Poco::Net::StreamSocket& s)
{
    char c;
    try {
        s.setReceiveTimeout(Poco::Timespan(10, 0));
        while (s.receiveBytes(&c, 1) > 0) {
        }
    } catch (const Poco::Exception&) {
    }
}

} // namespace

/// The cases, against the KVS the subclass names; each subclass lists the ones it runs.
class ClusterProcessTest : public CppUnit::TestFixture {
public:
    void setUp() override
    {
        kvs_ = makeKvs();
        kvs_->start();
        group_ = std::make_unique<ClusterGroup>(dir_, *kvs_);
    }

    void tearDown() override
    {
        group_.reset();
        kvs_.reset();
    }

    void testThreeInstancesAgreeOnLeaderTermAndMembers()
    {
        group().startAll();
        const std::string token = node(0).login("admin", "initpass");
        View v = group().waitForAgreement(token, 3, kLivenessMs);
        CPPUNIT_ASSERT(v.leader != 0);
        CPPUNIT_ASSERT(v.term >= 1);
        // Every instance knows itself by the PID the others list at its address.
        for (size_t i = 0; i < group().size(); ++i) {
            std::optional<View> own = node(i).view(token);
            CPPUNIT_ASSERT(own);
            CPPUNIT_ASSERT(own->at(node(i).busAddress()));
            CPPUNIT_ASSERT_EQUAL(own->self, own->at(node(i).busAddress())->pid);
        }
        // The lease record in the KVS names the leader and its term.
        const MemberView* leader = v.byPid(v.leader);
        CPPUNIT_ASSERT(leader);
        std::string record = kvs_->get("jiffy.cluster.leader");
        CPPUNIT_ASSERT_MESSAGE(record, contains(record, leader->address));
        CPPUNIT_ASSERT_MESSAGE(record, contains(record, "jiffy-leader/1 " + std::to_string(v.leader) + " " +
                                                            std::to_string(v.term) + " "));
        // /metrics counts the protocol at work.
        CPPUNIT_ASSERT(eventually([&] { return node(0).metric("jiffy_cluster_acks_total") > 0; }, kLivenessMs));
        CPPUNIT_ASSERT_EQUAL(uint64_t(v.term), node(0).metric("jiffy_cluster_term"));
        // The host API tells plugins the same term, and which one leads.
        for (size_t i = 0; i < group().size(); ++i) {
            HttpResult r = node(i).request("GET", "/leadership");
            CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
            CPPUNIT_ASSERT_MESSAGE(r.body, contains(r.body, "\"term\":" + std::to_string(v.term) + ","));
            const bool leads = node(i).busAddress() == leader->address;
            CPPUNIT_ASSERT_MESSAGE(r.body, contains(r.body, leads ? "\"leader\":true" : "\"leader\":false"));
        }
    }

    void testClusterIsForSuperOnly()
    {
        node(0).start();
        CPPUNIT_ASSERT_EQUAL(401, node(0).request("GET", "/cluster").status);
        const std::string admin = node(0).login("admin", "initpass");
        HttpResult g = node(0).request("POST", "/usrgroup", R"({"group_name":"Readers","description":"x"})", admin);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(g.body, 201, g.status);
        createUser(node(0), admin, "reader@example.com", "Readers");
        const std::string reader = node(0).login("reader@example.com", "secret1");
        CPPUNIT_ASSERT_EQUAL(401, node(0).request("GET", "/cluster", "", reader).status);
        HttpResult ok = node(0).request("GET", "/cluster", "", admin);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(ok.body, 200, ok.status);
        CPPUNIT_ASSERT(jiffy::test::parseView(ok.body));
        CPPUNIT_ASSERT(contains(node(0).request("GET", "/openapi.json").body, "\"/cluster\""));
    }

    void testKilledLeaderIsReplacedWithAHigherTerm()
    {
        group().startAll();
        const std::string token = node(0).login("admin", "initpass");
        View before = group().waitForAgreement(token, 3, kLivenessMs);
        size_t leaderIdx = group().indexOfPid(before, before.leader);
        const std::string leaderAddress = node(leaderIdx).busAddress();
        node(leaderIdx).kill();

        std::vector<size_t> survivors = others(leaderIdx);
        bool httpAnswered = true;
        std::string lastSeen;
        bool replaced = eventually(
            [&] {
                bool all = true;
                uint64_t newLeader = 0;
                for (size_t i : survivors) {
                    // HTTP on survivors keeps answering throughout.
                    httpAnswered = httpAnswered && node(i).request("GET", "/librarys", "", token).status == 200;
                    std::optional<View> v = node(i).view(token);
                    if (!v) return false;
                    lastSeen = node(i).host() + " sees leader " + std::to_string(v->leader) + " term " +
                               std::to_string(v->term);
                    const MemberView* old = v->at(leaderAddress);
                    all = all && old && old->pid == before.leader && old->status == "FAILED" && v->leader != 0 &&
                          v->leader != before.leader && v->term > before.term &&
                          (newLeader == 0 || newLeader == v->leader);
                    newLeader = v->leader;
                }
                return all;
            },
            kLivenessMs);
        CPPUNIT_ASSERT_MESSAGE("no new leader with a higher term on the survivors: " + lastSeen, replaced);
        CPPUNIT_ASSERT(httpAnswered);
        // The KVS names the new leader under its (higher) term.
        std::optional<View> now = node(survivors[0]).view(token);
        CPPUNIT_ASSERT(now);
        std::string record = kvs_->get("jiffy.cluster.leader");
        CPPUNIT_ASSERT_MESSAGE(record, !contains(record, leaderAddress));
        CPPUNIT_ASSERT_MESSAGE(record, contains(record, "jiffy-leader/1 " + std::to_string(now->leader) + " " +
                                                            std::to_string(now->term) + " "));
        // Plugins see the same through the host API (ABI 1.1): only the new
        // leader says it leads, every survivor reports the higher term.
        std::string seen;
        bool fenced = eventually(
            [&] {
                seen.clear();
                int leaders = 0;
                for (size_t i : survivors) {
                    HttpResult r = node(i).request("GET", "/leadership");
                    seen += node(i).host() + ": " + r.body + " ";
                    if (r.status != 200 || !contains(r.body, "\"term\":" + std::to_string(now->term) + ","))
                        return false;
                    const bool says = contains(r.body, "\"leader\":true");
                    const bool is = node(i).busAddress() == now->byPid(now->leader)->address;
                    if (says != is) return false;
                    leaders += says;
                }
                return leaders == 1;
            },
            kLivenessMs);
        CPPUNIT_ASSERT_MESSAGE("the host API disagrees with /cluster: " + seen, fenced);
    }

    void testKilledMemberRestartedAtOnceRejoinsTenTimes()
    {
        group().startAll();
        const std::string token = node(0).login("admin", "initpass");
        View before = group().waitForAgreement(token, 3, kLivenessMs);
        // The leader first (its record still names its address when it comes back), then an ordinary member.
        const size_t target = group().indexOfPid(before, before.leader);
        const std::string address = node(target).busAddress();
        std::set<uint64_t> pids{before.leader};
        for (int round = 0; round < 10; ++round) {
            node(target).kill();
            node(target).start();
            uint64_t self = 0;
            bool rejoined = eventually(
                [&] {
                    std::optional<View> own = node(target).view(token);
                    if (!own || own->self == 0) return false;
                    self = own->self;
                    for (size_t i : others(target)) {
                        std::optional<View> v = node(i).view(token);
                        const MemberView* m = v ? v->at(address) : nullptr;
                        if (!m || m->pid != self || m->status != "ALIVE" || v->leader == 0) return false;
                    }
                    return own->count("ALIVE") == 3 && own->leader != 0;
                },
                kLivenessMs);
            CPPUNIT_ASSERT_MESSAGE("round " + std::to_string(round) + ": the restarted member did not rejoin:\n" +
                                       node(target).log(),
                                   rejoined);
            // A new process, a new PID: never one used before.
            CPPUNIT_ASSERT_MESSAGE("round " + std::to_string(round) + ": pid " + std::to_string(self) + " reused",
                                   pids.insert(self).second);
        }
    }

    void testSigtermOfTheLeaderHandsOverWithoutASuspicion()
    {
        group().startAll();
        const std::string token = node(0).login("admin", "initpass");
        View before = group().waitForAgreement(token, 3, kLivenessMs);
        size_t leaderIdx = group().indexOfPid(before, before.leader);
        const std::string leaderAddress = node(leaderIdx).busAddress();
        node(leaderIdx).stop();
        std::string seen;
        bool handedOver = eventually(
            [&] {
                for (size_t i : others(leaderIdx)) {
                    std::optional<View> v = node(i).view(token);
                    if (!v) return false;
                    const MemberView* old = v->at(leaderAddress);
                    seen = node(i).host() + ": " + (old ? old->status : "?") + ", leader " + std::to_string(v->leader);
                    if (!old || (old->status != "DEPARTING" && old->status != "DEPARTED")) return false;
                    if (v->leader == 0 || v->leader == before.leader || v->term <= before.term) return false;
                }
                return true;
            },
            kLivenessMs);
        CPPUNIT_ASSERT_MESSAGE("no handover after SIGTERM of the leader: " + seen, handedOver);
        // Departed, not failed: nobody had to suspect it.
        for (size_t i : others(leaderIdx))
            CPPUNIT_ASSERT_EQUAL(uint64_t(0), node(i).metric("jiffy_cluster_failures_total"));
    }

    void testPausedLeaderIsReplacedAndStepsDownOnWaking()
    {
        group().startAll();
        const std::string token = node(0).login("admin", "initpass");
        View before = group().waitForAgreement(token, 3, kLivenessMs);
        size_t leaderIdx = group().indexOfPid(before, before.leader);
        // term -> every leader PID any instance named for it: never two.
        std::map<uint64_t, std::set<uint64_t>> leaders;
        auto observe = [&](size_t i) {
            std::optional<View> v = node(i).view(token);
            if (v && v->leader) leaders[v->term].insert(v->leader);
            return v;
        };
        node(leaderIdx).signal(SIGSTOP);
        bool replaced = eventually(
            [&] {
                bool all = true;
                for (size_t i : others(leaderIdx)) {
                    std::optional<View> v = observe(i);
                    all = all && v && v->leader != 0 && v->leader != before.leader && v->term > before.term;
                }
                return all;
            },
            kLivenessMs);
        node(leaderIdx).signal(SIGCONT);
        CPPUNIT_ASSERT_MESSAGE("the others elected no leader while the leader was paused", replaced);
        bool steppedDown = eventually(
            [&] {
                std::optional<View> v = observe(leaderIdx);
                for (size_t i : others(leaderIdx)) observe(i);
                return v && v->leader != v->self && v->leader != 0 &&
                       node(leaderIdx).metric("jiffy_cluster_is_leader") == 0;
            },
            kLivenessMs);
        CPPUNIT_ASSERT_MESSAGE("the woken leader did not step down:\n" + node(leaderIdx).log(), steppedDown);
        group().waitForAgreement(token, 3, kLivenessMs); // it refutes its suspicion and is ALIVE again
        for (const auto& [term, pids] : leaders)
            CPPUNIT_ASSERT_EQUAL_MESSAGE("leaders seen for term " + std::to_string(term), size_t(1), pids.size());
    }

    void testPausedMemberIsFailedThenRefutesWithAHigherIncarnation()
    {
        group().startAll();
        const std::string token = node(0).login("admin", "initpass");
        View before = group().waitForAgreement(token, 3, kLivenessMs);
        const size_t leaderIdx = group().indexOfPid(before, before.leader);
        const size_t paused = (leaderIdx + 1) % group().size();
        const std::string address = node(paused).busAddress();
        const MemberView was = memberAt(before, address);
        std::vector<size_t> awake = others(paused);
        std::map<size_t, uint64_t> acksBefore;
        for (size_t i : awake) acksBefore[i] = node(i).metric("jiffy_cluster_acks_total");

        node(paused).signal(SIGSTOP);
        std::string seen;
        bool failed = eventually(
            [&] {
                for (size_t i : awake) {
                    std::optional<View> v = node(i).view(token);
                    if (!v) return false;
                    const MemberView* m = v->at(address);
                    seen = node(i).host() + " sees " + (m ? m->status : "nothing") + ", leader " +
                           std::to_string(v->leader) + " term " + std::to_string(v->term);
                    // The leader and its term do not move for an ordinary member.
                    CPPUNIT_ASSERT_EQUAL_MESSAGE(seen, before.leader, v->leader);
                    CPPUNIT_ASSERT_EQUAL_MESSAGE(seen, before.term, v->term);
                    if (!m || m->pid != was.pid || m->status != "FAILED") return false;
                    // The two awake members still hold each other ALIVE.
                    for (size_t j : awake) {
                        const MemberView* a = v->at(node(j).busAddress());
                        if (!a || a->status != "ALIVE") return false;
                    }
                }
                return true;
            },
            kLivenessMs);
        CPPUNIT_ASSERT_MESSAGE("the paused member was not declared FAILED: " + seen, failed);
        // They kept probing each other: probes answered since the pause, on both.
        for (size_t i : awake) {
            CPPUNIT_ASSERT_MESSAGE(
                node(i).host(),
                eventually([&] { return node(i).metric("jiffy_cluster_acks_total") > acksBefore[i] + 1; },
                           kLivenessMs));
        }

        node(paused).signal(SIGCONT);
        // docs/cluster.md: a FAILED member is told so by the pings it still gets, refutes, and is ALIVE again
        // under the same PID with a higher incarnation, in every view, with the leader unchanged.
        bool back = eventually(
            [&] {
                for (size_t i = 0; i < group().size(); ++i) {
                    std::optional<View> v = node(i).view(token);
                    const MemberView* m = v ? v->at(address) : nullptr;
                    seen = node(i).host() + " sees " +
                           (m ? m->status + " incarnation " + std::to_string(m->incarnation) : std::string("nothing"));
                    if (!m || m->pid != was.pid || m->status != "ALIVE" || m->incarnation <= was.incarnation)
                        return false;
                    if (v->count("ALIVE") != 3 || v->leader != before.leader || v->term != before.term) return false;
                }
                return true;
            },
            kLivenessMs);
        CPPUNIT_ASSERT_MESSAGE("the woken member did not come back ALIVE with a higher incarnation: " + seen + "\n" +
                                   node(paused).log(),
                               back);
        CPPUNIT_ASSERT(node(paused).metric("jiffy_cluster_refutations_total") >= 1);
    }

    void testKvsStoppedMidRunHttpServesAndLeadershipResumes()
    {
        group().startAll();
        const std::string token = node(0).login("admin", "initpass");
        View before = group().waitForAgreement(token, 3, kLivenessMs);
        kvs_->stop();
        // A few lease periods without the KVS: every instance keeps serving HTTP.
        bool leaderless = eventually(
            [&] {
                for (size_t i = 0; i < group().size(); ++i) {
                    CPPUNIT_ASSERT_EQUAL(200, node(i).request("GET", "/healthz").status);
                    CPPUNIT_ASSERT_EQUAL(200, node(i).request("GET", "/librarys", "", token).status);
                }
                return node(group().indexOfPid(before, before.leader)).metric("jiffy_cluster_store_failures_total") > 0;
            },
            kLivenessMs);
        CPPUNIT_ASSERT_MESSAGE("the leader never noticed the KVS was gone", leaderless);
        kvs_->start();
        bool resumed = eventually(
            [&] {
                uint64_t leader = 0;
                for (size_t i = 0; i < group().size(); ++i) {
                    std::optional<View> v = node(i).view(token);
                    if (!v || v->leader == 0 || v->count("ALIVE") != 3) return false;
                    if (leader && v->leader != leader) return false;
                    leader = v->leader;
                }
                return contains(kvs_->get("jiffy.cluster.leader"), "jiffy-leader");
            },
            kLivenessMs);
        CPPUNIT_ASSERT_MESSAGE("no leader with a record in the KVS after it came back", resumed);
    }

    void testUserDeactivatedOnOneInstanceIsRefusedByAnotherAtOnce()
    {
        group().startAll();
        const std::string admin = node(0).login("admin", "initpass");
        group().waitForAgreement(admin, 3, kLivenessMs);
        int64_t id = createUser(node(0), admin, "dave@example.com", "Super");
        const std::string dave = node(1).login("dave@example.com", "secret1");
        CPPUNIT_ASSERT_EQUAL(200, node(1).request("GET", "/librarys", "", dave).status);
        HttpResult put = node(0).request("PUT", "/usr/" + std::to_string(id), "{\"active\":false}", admin);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(put.body, 201, put.status);
        // cache_refresh_s is 600: only the bus can tell B this soon.
        CPPUNIT_ASSERT_MESSAGE(
            "instance B still serves the deactivated user",
            eventually([&] { return node(1).request("GET", "/librarys", "", dave).status == 401; }, 10000));
        CPPUNIT_ASSERT(node(1).metric("jiffy_cluster_invalidations_received_total") >= 1);
    }

    void testGarbageOnTheBusPortIsCountedAndHarmless()
    {
        node(0).start();
        {
            Poco::Net::StreamSocket s(Poco::Net::SocketAddress(node(0).host(), node(0).busPort()));
            std::string garbage = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
            garbage += std::string(4096, '\xff');
            sendAll(s, garbage);
            awaitClose(s); // the bus closes the connection
        }
        CPPUNIT_ASSERT(eventually([&] { return node(0).dropped("bad_magic") >= 1; }, kLivenessMs));
        CPPUNIT_ASSERT(node(0).running());
        CPPUNIT_ASSERT_EQUAL(200, node(0).request("GET", "/healthz").status);
        const std::string token = node(0).login("admin", "initpass");
        std::optional<View> v = node(0).view(token);
        CPPUNIT_ASSERT(v && v->self != 0 && v->leader == v->self);
    }

    void testForgedReplayedAndOversizedFramesAreCountedAndHarmless()
    {
        group().startAll();
        const std::string token = node(0).login("admin", "initpass");
        View before = group().waitForAgreement(token, 3, kLivenessMs);
        ClusterInstance& target = node(0);
        const uint64_t self = memberAt(before, target.busAddress()).pid;
        auto counts = [&] {
            return std::map<std::string, uint64_t>{
                {"received", target.metric("jiffy_cluster_invalidations_received_total")},
                {"bad_mac", target.dropped("bad_mac")},
                {"replayed", target.dropped("replayed")},
                {"stale", target.dropped("stale")},
                {"oversized", target.dropped("oversized")}};
        };
        std::map<std::string, uint64_t> was = counts();

        // Real frames from the bus's own encoder, from a sender that is no member: a cache
        // invalidation of a cache nobody has, so an accepted one is visible in /metrics only.
        namespace bus = jiffy::cluster::bus;
        const std::string sender = "127.0.0.9:9";
        jiffy::cluster::Envelope env;
        env.type = static_cast<uint8_t>(jiffy::cluster::MessageType::CacheInvalidate);
        env.incarnation = 1;
        auto payload = [](const std::string& key) {
            return jiffy::cluster::encode(jiffy::cluster::CacheInvalidate{"jiffy.test.none", key});
        };
        const int64_t now =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                .count();
        const std::string valid = bus::encodeFrame(env, sender, 1, now, payload("a"), jiffy::test::kClusterKey);
        const std::string wrongKey = bus::encodeFrame(env, sender, 2, now, payload("b"), "another-cluster's-key");
        std::string unsignedFrame = bus::encodeFrame(env, sender, 3, now, payload("c"), jiffy::test::kClusterKey);
        unsignedFrame.replace(unsignedFrame.size() - bus::kMacSize, bus::kMacSize, bus::kMacSize, '\0');
        const std::string stale =
            bus::encodeFrame(env, sender, 4, now - 10 * 60 * 1000, payload("d"), jiffy::test::kClusterKey);
        const std::string last = bus::encodeFrame(env, sender, 5, now, payload("e"), jiffy::test::kClusterKey);
        {
            Poco::Net::StreamSocket s(Poco::Net::SocketAddress(target.host(), target.busPort()));
            sendAll(s, valid);
            sendAll(s, valid); // the replay
            sendAll(s, wrongKey);
            sendAll(s, unsignedFrame);
            sendAll(s, stale);
            sendAll(s, valid); // replayed again, after frames the bus skipped
            sendAll(s, last);
        }
        {
            // A validly signed frame whose payload is above the bus's 64 KiB: refused from its header.
            Poco::Net::StreamSocket s(Poco::Net::SocketAddress(target.host(), target.busPort()));
            sendAll(s, bus::encodeFrame(env, sender, 6, now, std::string(bus::kDefaultMaxPayload + 1, 'x'),
                                        jiffy::test::kClusterKey));
            awaitClose(s);
        }
        std::map<std::string, uint64_t> got;
        bool counted = eventually(
            [&] {
                got = counts();
                // The two fresh frames reach the node after everything sent before them on the connection.
                return got["received"] >= was["received"] + 2 && got["oversized"] >= was["oversized"] + 1;
            },
            kLivenessMs);
        auto delta = [&](const std::string& k) { return std::to_string(got[k] - was[k]); };
        const std::string summary = "received +" + delta("received") + ", bad_mac +" + delta("bad_mac") +
                                    ", replayed +" + delta("replayed") + ", stale +" + delta("stale") +
                                    ", oversized +" + delta("oversized");
        CPPUNIT_ASSERT_MESSAGE(summary, counted);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(summary, was["received"] + 2, got["received"]); // the replays were not taken
        CPPUNIT_ASSERT_EQUAL_MESSAGE(summary, was["replayed"] + 2, got["replayed"]);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(summary, was["bad_mac"] + 2, got["bad_mac"]);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(summary, was["stale"] + 1, got["stale"]);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(summary, was["oversized"] + 1, got["oversized"]);

        // The process is up and still the same member of the same group.
        CPPUNIT_ASSERT(target.running());
        View after = group().waitForAgreement(token, 3, kLivenessMs);
        CPPUNIT_ASSERT_EQUAL(self, memberAt(after, target.busAddress()).pid);
        CPPUNIT_ASSERT_EQUAL(before.leader, after.leader);
        CPPUNIT_ASSERT_EQUAL(before.term, after.term);
        CPPUNIT_ASSERT_EQUAL(200, target.request("GET", "/healthz").status);
    }

    void testSecondInstanceOnTheSameInternalAddressExits69()
    {
        node(0).start();
        const std::string cfg = dir_.file("second.config.json");
        jiffy::test::writeFile(
            cfg, "{\"external_address\": \"127.0.0.2:" + std::to_string(jiffy::test::freePort("127.0.0.2")) +
                     "\", \"internal_address\": \"" + node(0).busAddress() + "\", " + node(0).body() + "}");
        std::string out;
        int code = jiffy::test::runJiffydToEnd({"--config", cfg}, dir_.file("second.log"), out);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 69, code);
        CPPUNIT_ASSERT_MESSAGE(out, contains(out, "internal_address " + node(0).busAddress() + ": already in use"));
        CPPUNIT_ASSERT(node(0).running());
    }

protected:
    virtual std::unique_ptr<ClusterKvs> makeKvs() = 0;

    ClusterGroup& group() { return *group_; }
    ClusterInstance& node(size_t i) { return (*group_)[i]; }
    std::vector<size_t> others(size_t except) const
    {
        std::vector<size_t> out;
        for (size_t i = 0; i < group_->size(); ++i)
            if (i != except) out.push_back(i);
        return out;
    }

    /// The member at `address` in `v`; fails the test when there is none.
    static const MemberView& memberAt(const View& v, const std::string& address)
    {
        const MemberView* m = v.at(address);
        if (!m) CPPUNIT_FAIL("no member at " + address + " in the view");
        return *m;
    }

    int64_t createUser(ClusterInstance& on, const std::string& admin, const std::string& email,
                       const std::string& groups)
    {
        HttpResult r = on.request("POST", "/usr",
                                  "{\"name\":\"N\",\"email\":\"" + email +
                                      "\",\"password\":\"secret1\",\"active\":true,\"groups\":\"" + groups + "\"}",
                                  admin);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 201, r.status);
        return Poco::JSON::Parser().parse(r.body).extract<Poco::JSON::Object::Ptr>()->getValue<int64_t>("ID");
    }

    TempDir dir_;
    std::unique_ptr<ClusterKvs> kvs_;
    std::unique_ptr<ClusterGroup> group_;
};

/// Every case, with a real Redis as the KVS.
class RedisClusterProcessTest : public ClusterProcessTest {
    CPPUNIT_TEST_SUITE(RedisClusterProcessTest);
    CPPUNIT_TEST(testThreeInstancesAgreeOnLeaderTermAndMembers);
    CPPUNIT_TEST(testClusterIsForSuperOnly);
    CPPUNIT_TEST(testKilledLeaderIsReplacedWithAHigherTerm);
    CPPUNIT_TEST(testKilledMemberRestartedAtOnceRejoinsTenTimes);
    CPPUNIT_TEST(testSigtermOfTheLeaderHandsOverWithoutASuspicion);
    CPPUNIT_TEST(testPausedLeaderIsReplacedAndStepsDownOnWaking);
    CPPUNIT_TEST(testPausedMemberIsFailedThenRefutesWithAHigherIncarnation);
    CPPUNIT_TEST(testKvsStoppedMidRunHttpServesAndLeadershipResumes);
    CPPUNIT_TEST(testUserDeactivatedOnOneInstanceIsRefusedByAnotherAtOnce);
    CPPUNIT_TEST(testGarbageOnTheBusPortIsCountedAndHarmless);
    CPPUNIT_TEST(testForgedReplayedAndOversizedFramesAreCountedAndHarmless);
    CPPUNIT_TEST(testSecondInstanceOnTheSameInternalAddressExits69);
    CPPUNIT_TEST_SUITE_END();

protected:
    std::unique_ptr<ClusterKvs> makeKvs() override { return jiffy::test::redisClusterKvs(); }
};

/// The core cases with jiffy-sluggo (its atomic add/compare_and_set extensions) as the KVS.
class SluggoClusterProcessTest : public ClusterProcessTest {
    CPPUNIT_TEST_SUITE(SluggoClusterProcessTest);
    CPPUNIT_TEST(testThreeInstancesAgreeOnLeaderTermAndMembers);
    CPPUNIT_TEST(testKilledLeaderIsReplacedWithAHigherTerm);
    CPPUNIT_TEST(testNoWeakLeaderSafetyWarningWithJiffySluggo);
    CPPUNIT_TEST_SUITE_END();

public:
    void testNoWeakLeaderSafetyWarningWithJiffySluggo()
    {
        group().startAll();
        const std::string token = node(0).login("admin", "initpass");
        group().waitForAgreement(token, 3, kLivenessMs);
        for (size_t i = 0; i < group().size(); ++i) {
            const std::string log = node(i).log();
            CPPUNIT_ASSERT_MESSAGE(log, contains(log, "kvs/sluggo"));
            CPPUNIT_ASSERT_MESSAGE(log, !contains(log, "leader safety is weaker"));
            CPPUNIT_ASSERT_MESSAGE(log, !contains(log, "no atomic compare-and-set"));
        }
        // The same jiffyd against a sluggo without the extensions (Go sluggo's protocol only) says so at start.
        jiffy::test::SluggoTestServer plain({"--no-extensions"});
        plain.start();
        ClusterInstance weak(
            dir_, "127.0.0.5",
            jiffy::test::clusterConfigBody(dir_, "{\"local_standalone\": {\"active\": false}, \"sluggo\": {\"active\": "
                                                 "true, \"sluggo_address\": \"" +
                                                     plain.address() + "\"}}"));
        weak.start();
        const std::string log = weak.log();
        CPPUNIT_ASSERT_MESSAGE(log, contains(log, "leader safety is weaker"));
        weak.stop();
    }

protected:
    std::unique_ptr<ClusterKvs> makeKvs() override { return jiffy::test::sluggoClusterKvs(); }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RedisClusterProcessTest);
CPPUNIT_TEST_SUITE_REGISTRATION(SluggoClusterProcessTest);
