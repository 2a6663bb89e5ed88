// One member of three real jiffyd (127.0.0.2-4, Redis as the KVS) cut off
// from the other two on the bus, then healed: iptables DROP rules on the
// loopback for its bus port and for what it sends to theirs (outbound bus
// connections leave from the member's own address, see
// host/cluster/bus/README.md). HTTP and the KVS stay reachable for all. The
// others declare it FAILED; after the heal it refutes and is ALIVE again
// under its PID with a higher incarnation (docs/cluster.md, FAILED members).
// Every rule carries the comment jiffy-test-<pid of this test> and is deleted
// in every path (tearDown, destructor, and at start for rules of test
// processes that no longer exist). Without root, or with an iptables that
// cannot add a rule here, the suite exits 77: ctest reports SKIP.
#include "support/ClusterProcesses.h"

#include <cppunit/extensions/HelperMacros.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

using jiffy::test::ClusterGroup;
using jiffy::test::ClusterInstance;
using jiffy::test::eventually;
using jiffy::test::MemberView;
using jiffy::test::TempDir;
using jiffy::test::View;

namespace {

constexpr int kLivenessMs = 30000; // 30 ping cycles
constexpr const char* kCommentPrefix = "jiffy-test-";

/// Runs a shell command; its exit status, and its output (stderr too) in `out`.
int run(const std::string& cmd, std::string* out = nullptr)
{
    return jiffy::test::runCommand(cmd + " 2>&1", out);
}

/// DROP rules on INPUT that cut members off, all under one comment; removed when the object dies.
class Firewall {
public:
    Firewall() : comment_(kCommentPrefix + std::to_string(::getpid())) { removeStale(); }
    ~Firewall() { heal(); }

    /// Nothing reaches `member`'s bus port, and nothing it sends from its address reaches the others' bus ports.
    void cut(const ClusterInstance& member, const std::vector<const ClusterInstance*>& others)
    {
        add("-p tcp -d " + member.host() + " --dport " + std::to_string(member.busPort()));
        for (const ClusterInstance* o : others)
            add("-p tcp -s " + member.host() + " -d " + o->host() + " --dport " + std::to_string(o->busPort()));
    }

    /// Deletes every rule of this process.
    void heal()
    {
        removeWhere([this](const std::string& c) { return c == comment_; });
    }

private:
    void add(const std::string& match)
    {
        std::string out;
        const std::string cmd = "iptables -w 10 -I INPUT 1 " + match + " -m comment --comment " + comment_ + " -j DROP";
        if (run(cmd, &out) != 0) throw std::runtime_error(cmd + ": " + out);
    }

    /// Rules left by test processes that are gone (killed before their cleanup ran).
    void removeStale()
    {
        removeWhere([](const std::string& c) {
            const std::string pid = c.substr(std::string(kCommentPrefix).size());
            struct stat st {};
            return !pid.empty() && ::stat(("/proc/" + pid).c_str(), &st) != 0;
        });
    }

    template <class Pred> void removeWhere(Pred doomed)
    {
        std::string listing;
        if (run("iptables -w 10 -S INPUT", &listing) != 0) return;
        std::istringstream lines(listing);
        std::string line;
        while (std::getline(lines, line)) {
            const std::string tag = "--comment " + std::string(kCommentPrefix);
            size_t at = line.find(tag);
            if (line.rfind("-A INPUT ", 0) != 0 || at == std::string::npos) continue;
            std::string comment = line.substr(at + 10);
            comment = comment.substr(0, comment.find(' '));
            if (!doomed(comment)) continue;
            std::string out;
            if (run("iptables -w 10 -D" + line.substr(2), &out) != 0)
                std::cerr << "could not delete the rule '" << line << "': " << out << "\n";
        }
    }

    std::string comment_;
};

/// Exits 77 (SKIP) when this machine cannot run the test: not root, or no usable iptables.
void requireIptables()
{
    std::string out;
    if (::geteuid() != 0) {
        std::cerr << "SKIP: the partition test needs root for iptables\n";
        std::exit(77);
    }
    if (run("iptables -w 10 -S INPUT", &out) != 0) {
        std::cerr << "SKIP: iptables cannot list INPUT here: " << out << "\n";
        std::exit(77);
    }
    // Listing is not writing (no CAP_NET_ADMIN, no comment match): try a rule no packet can match.
    const std::string probe = " INPUT -p tcp -s 127.255.255.254 -d 127.255.255.254 --dport 9 -m comment --comment " +
                              std::string(kCommentPrefix) + std::to_string(::getpid()) + " -j DROP";
    if (run("iptables -w 10 -I" + probe, &out) != 0) {
        std::cerr << "SKIP: iptables cannot add a rule here: " << out << "\n";
        std::exit(77);
    }
    run("iptables -w 10 -D" + probe);
}

} // namespace

class ClusterPartitionTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ClusterPartitionTest);
    CPPUNIT_TEST(testCutOffMemberIsFailedThenRejoinsWithAHigherIncarnation);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override
    {
        requireIptables();
        firewall_ = std::make_unique<Firewall>();
        kvs_ = jiffy::test::redisClusterKvs();
        kvs_->start();
        group_ = std::make_unique<ClusterGroup>(dir_, *kvs_);
    }

    void tearDown() override
    {
        firewall_.reset(); // heals first: the instances stop with their DEPARTING delivered
        group_.reset();
        kvs_.reset();
    }

    void testCutOffMemberIsFailedThenRejoinsWithAHigherIncarnation()
    {
        ClusterGroup& g = *group_;
        g.startAll();
        const std::string token = g[0].login("admin", "initpass");
        View before = g.waitForAgreement(token, 3, kLivenessMs);
        const size_t leaderIdx = g.indexOfPid(before, before.leader);
        const size_t cut = (leaderIdx + 1) % g.size();
        const std::string address = g[cut].busAddress();
        const MemberView* at = before.at(address);
        CPPUNIT_ASSERT_MESSAGE("no member at " + address, at);
        const MemberView was = *at;
        std::vector<size_t> rest;
        std::vector<const ClusterInstance*> restNodes;
        for (size_t i = 0; i < g.size(); ++i)
            if (i != cut) {
                rest.push_back(i);
                restNodes.push_back(&g[i]);
            }

        firewall_->cut(g[cut], restNodes);
        std::string seen;
        bool failed = eventually(
            [&] {
                for (size_t i : rest) {
                    std::optional<View> v = g[i].view(token);
                    if (!v) return false;
                    const MemberView* m = v->at(address);
                    seen = g[i].host() + " sees " + (m ? m->status : std::string("nothing")) + ", leader " +
                           std::to_string(v->leader);
                    if (!m || m->pid != was.pid || m->status != "FAILED") return false;
                    if (v->leader != before.leader) return false;
                }
                return true;
            },
            kLivenessMs);
        CPPUNIT_ASSERT_MESSAGE("the cut-off member was not declared FAILED: " + seen, failed);
        // Cut off from the bus only: it keeps serving HTTP.
        CPPUNIT_ASSERT_EQUAL(200, g[cut].request("GET", "/healthz").status);

        firewall_->heal();
        bool back = eventually(
            [&] {
                for (size_t i = 0; i < g.size(); ++i) {
                    std::optional<View> v = g[i].view(token);
                    const MemberView* m = v ? v->at(address) : nullptr;
                    seen = g[i].host() + " sees " +
                           (m ? m->status + " pid " + std::to_string(m->pid) + " incarnation " +
                                    std::to_string(m->incarnation)
                              : std::string("nothing"));
                    if (!m || m->pid != was.pid || m->status != "ALIVE" || m->incarnation <= was.incarnation)
                        return false;
                    if (v->count("ALIVE") != 3 || v->leader == 0) return false;
                }
                return true;
            },
            kLivenessMs);
        CPPUNIT_ASSERT_MESSAGE(
            "the member did not come back ALIVE with a higher incarnation: " + seen + "\n" + g[cut].log(), back);
        CPPUNIT_ASSERT(g[cut].metric("jiffy_cluster_refutations_total") >= 1);
    }

private:
    TempDir dir_;
    std::unique_ptr<Firewall> firewall_;
    std::unique_ptr<jiffy::test::ClusterKvs> kvs_;
    std::unique_ptr<ClusterGroup> group_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(ClusterPartitionTest);
