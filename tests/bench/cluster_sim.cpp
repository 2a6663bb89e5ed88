// The cluster simulator: whole ClusterNodes on the in-memory network in
// virtual time (tests/support/SimCluster.h), for n members and a message loss
// rate. Per (n, loss) it forms the group, measures a fault-free window, kills
// one ordinary member, then the leader, and prints one Markdown row:
//   messages sent per member per ping cycle (fault-free window),
//   detection of the killed member (first member to mark it FAILED / all),
//   failover (a new leader acts after the old one is killed),
//   false FAILED declarations and suspicions per 1000 member-cycles.
// Exits 1 if a group does not form, a kill is never detected, a failover never
// happens or the leadership history breaks (two leaders in one term or at once).
//   cluster_sim [--sizes 3,16,64,1000] [--loss 0,1,5,10] [--seed N] [--smoke] [--no-header]
// (--no-header: rows only, to follow cluster_bench_processes' real-process row in one table)
#include "ClusterTable.h"

#include "support/SimCluster.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

using namespace jiffy::cluster;
using jiffy::test::SimCluster;

namespace {

constexpr SimCluster::TimeMs kCycle = 1000;

struct Row {
    std::size_t n = 0;
    double loss = 0;
    double msgsPerMemberCycle = 0;
    double detectFirst = -1, detectAll = -1, failover = -1;
    double falseFailed = 0, suspicions = 0;
    double formed = -1; ///< cycles until one leader and everyone knows everyone
    std::string problem;
};

std::vector<double> parseList(const std::string& s)
{
    std::vector<double> out;
    std::stringstream in(s);
    std::string item;
    while (std::getline(in, item, ',')) out.push_back(std::stod(item));
    return out;
}

/// Every live node holds every other live node as a live member (ALIVE or, under loss, SUSPECT).
bool allKnowAll(SimCluster& sim)
{
    auto up = sim.live();
    for (std::size_t i : up) {
        const Membership* m = sim.node(i).membership();
        if (!m || m->liveCount() < up.size()) return false;
    }
    return true;
}

std::uint64_t sumCounter(SimCluster& sim, std::uint64_t MembershipCounters::*field)
{
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < sim.size(); ++i) total += sim.node(i).counters().membership.*field;
    return total;
}

Row simulate(std::size_t n, double loss, std::uint64_t seed, int window)
{
    Row row;
    row.n = n;
    row.loss = loss;
    SimCluster sim(NodeParams::fromConfig(1, 5), seed);
    sim.network().setLoss(loss / 100.0);
    for (std::size_t i = 0; i < n; ++i) sim.add();
    SimCluster::TimeMs formBound = (120 + static_cast<SimCluster::TimeMs>(n) / 5) * kCycle;
    bool formed = sim.runUntil([&] { return sim.now() % kCycle == 0 && sim.leaders().size() == 1 && allKnowAll(sim); },
                               formBound);
    if (!formed) {
        std::size_t members = 0, minAlive = n, maxAlive = 0, suspects = 0, failed = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const Membership* m = sim.node(i).membership();
            if (!m) continue;
            ++members;
            std::size_t alive = 0;
            for (const auto& mm : m->members()) {
                if (mm.status == Status::Alive) ++alive;
                if (mm.status == Status::Suspect) ++suspects;
                if (mm.status == Status::Failed) ++failed;
            }
            minAlive = std::min(minAlive, alive);
            maxAlive = std::max(maxAlive, alive);
        }
        row.problem = "group did not form: " + std::to_string(members) + " members, alive seen " +
                      std::to_string(minAlive) + ".." + std::to_string(maxAlive) + ", suspect entries " +
                      std::to_string(suspects) + ", failed entries " + std::to_string(failed) + ", leaders " +
                      std::to_string(sim.leaders().size());
        return row;
    }

    row.formed = static_cast<double>(sim.now()) / kCycle;

    // Fault-free window: message rate and false positives.
    std::uint64_t sent0 = sim.network().sentTotal();
    std::uint64_t failed0 = sumCounter(sim, &MembershipCounters::failures);
    std::uint64_t susp0 = sumCounter(sim, &MembershipCounters::suspicions);
    sim.run(window * kCycle);
    double memberCycles = static_cast<double>(n) * window;
    row.msgsPerMemberCycle = static_cast<double>(sim.network().sentTotal() - sent0) / memberCycles;
    row.falseFailed =
        1000.0 * static_cast<double>(sumCounter(sim, &MembershipCounters::failures) - failed0) / memberCycles;
    row.suspicions =
        1000.0 * static_cast<double>(sumCounter(sim, &MembershipCounters::suspicions) - susp0) / memberCycles;

    // Kill an ordinary member: first and last detection.
    std::size_t leader = sim.leaders().at(0);
    std::size_t victim = (leader + 1 + seed % (n > 1 ? n - 1 : 1)) % n;
    if (n > 1 && victim == leader) victim = (victim + 1) % n;
    if (n > 1) {
        SimCluster::TimeMs t0 = sim.now();
        sim.kill(victim);
        bool all = sim.runUntil(
            [&] {
                std::size_t seen = 0, up = 0;
                for (std::size_t i : sim.live()) {
                    ++up;
                    if (sim.statusSeenBy(i, victim) == Status::Failed) ++seen;
                }
                if (seen > 0 && row.detectFirst < 0) row.detectFirst = static_cast<double>(sim.now() - t0) / kCycle;
                return seen == up;
            },
            120 * kCycle);
        if (!all) {
            row.problem = "killed member not detected by all";
            return row;
        }
        row.detectAll = static_cast<double>(sim.now() - t0) / kCycle;
        sim.run(5 * kCycle);
    }

    // Kill the leader: time until another member acts as leader.
    if (n > 2) {
        leader = sim.leaders().empty() ? leader : sim.leaders().at(0);
        SimCluster::TimeMs t1 = sim.now();
        sim.kill(leader);
        bool over = sim.runUntil(
            [&] {
                auto l = sim.leaders();
                return l.size() == 1 && l[0] != leader;
            },
            120 * kCycle);
        if (!over) {
            row.problem = "no failover";
            return row;
        }
        row.failover = static_cast<double>(sim.now() - t1) / kCycle;
    }
    std::string broken = sim.leadershipViolations();
    if (!broken.empty()) row.problem = "leadership: " + broken;
    return row;
}

std::string fmt(double v)
{
    if (v < 0) return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

std::string fmt2(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    return buf;
}

} // namespace

int main(int argc, char** argv)
{
    std::vector<double> sizes{3, 16, 64, 1000}, losses{0, 1, 5, 10};
    std::uint64_t seed = 1;
    int window = 60;
    bool header = true;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--sizes" && i + 1 < argc) {
            sizes = parseList(argv[++i]);
        } else if (a == "--loss" && i + 1 < argc) {
            losses = parseList(argv[++i]);
        } else if (a == "--seed" && i + 1 < argc) {
            seed = std::strtoull(argv[++i], nullptr, 10);
        } else if (a == "--no-header") {
            header = false;
        } else if (a == "--smoke") {
            sizes = {3, 16};
            losses = {0, 5};
            window = 20;
        } else {
            std::fprintf(stderr, "usage: cluster_sim [--sizes 3,16,64,1000] [--loss 0,1,5,10] [--seed N] [--smoke] "
                                 "[--no-header]\n");
            return 2;
        }
    }
    if (header) jiffy::bench::printClusterTableHeader();
    int rc = 0;
    for (double n : sizes) {
        for (double loss : losses) {
            auto start = std::chrono::steady_clock::now();
            Row r = simulate(static_cast<std::size_t>(n), loss, seed, window);
            double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            std::printf("| %zu | %g | %s | %s | %s | %s | %s | %s |\n", r.n, r.loss, fmt2(r.msgsPerMemberCycle).c_str(),
                        fmt(r.detectFirst).c_str(), fmt(r.detectAll).c_str(), fmt(r.failover).c_str(),
                        fmt2(r.falseFailed).c_str(), fmt2(r.suspicions).c_str());
            std::fflush(stdout);
            std::fprintf(stderr, "cluster_sim: n=%zu loss=%g%%: formed in %s cycles, simulated in %.1f s%s%s\n", r.n,
                         r.loss, fmt(r.formed).c_str(), secs, r.problem.empty() ? "" : ": ", r.problem.c_str());
            if (!r.problem.empty()) rc = 1;
        }
    }
    return rc;
}
