// The cluster bench on real processes: three jiffyd on 127.0.0.2-4 with a
// real Redis (tests/support/ClusterProcesses.h; ping_cycle 1 s and
// failure_threshold 5, as in cluster_sim), in the columns of cluster_sim's table. Per run:
//   messages per member per cycle: bus frames written (jiffy_cluster_frames_out_total)
//     over a fault-free window, per member and ping cycle; suspicions and FAILED
//     declarations (jiffy_cluster_suspicions_total, _failures_total) in the same window;
//   kill -9 of the leader, then, polling /cluster every 20 ms and the KVS record:
//     detection = the first / both survivors show it FAILED,
//     failover = the KVS record names another leader.
// Prints one Markdown row (mean, and min-max over the runs) after the header
// (unless --no-header); per-run figures go to stderr. Exits 1 when a group does
// not form or a kill is not detected or failed over within 60 cycles.
//   cluster_bench_processes [--runs 3] [--window 30] [--no-header]
#include "ClusterTable.h"

#include "support/ClusterProcesses.h"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <thread>
#include <vector>

using jiffy::test::ClusterGroup;
using jiffy::test::View;

namespace {

constexpr double kCycleMs = 1000; // ping_cycle 1 s

struct Run {
    double msgs = -1, detectFirst = -1, detectAll = -1, failover = -1, falseFailed = 0, suspicions = 0;
};

double since(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / kCycleMs;
}

Run measure(int windowCycles)
{
    Run r;
    jiffy::test::TempDir dir;
    auto kvs = jiffy::test::redisClusterKvs();
    kvs->start();
    ClusterGroup g(dir, *kvs, 3, 5);
    g.startAll();
    const std::string token = g[0].login("admin", "initpass");
    View v = g.waitForAgreement(token, 3, 60000);

    auto sum = [&](const char* name) {
        uint64_t s = 0;
        for (size_t i = 0; i < g.size(); ++i) s += g[i].metric(name);
        return s;
    };
    const uint64_t out0 = sum("jiffy_cluster_frames_out_total");
    const uint64_t susp0 = sum("jiffy_cluster_suspicions_total");
    const uint64_t fail0 = sum("jiffy_cluster_failures_total");
    const auto w0 = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(windowCycles * kCycleMs)));
    const double cycles = since(w0);
    const double memberCycles = cycles * static_cast<double>(g.size());
    r.msgs = static_cast<double>(sum("jiffy_cluster_frames_out_total") - out0) / memberCycles;
    r.suspicions = 1000.0 * static_cast<double>(sum("jiffy_cluster_suspicions_total") - susp0) / memberCycles;
    r.falseFailed = 1000.0 * static_cast<double>(sum("jiffy_cluster_failures_total") - fail0) / memberCycles;

    const size_t leaderIdx = g.indexOfPid(v, v.leader);
    const std::string leaderAddress = g[leaderIdx].busAddress();
    const std::string oldRecord = "jiffy-leader/1 " + std::to_string(v.leader) + " ";
    std::vector<size_t> survivors;
    for (size_t i = 0; i < g.size(); ++i)
        if (i != leaderIdx) survivors.push_back(i);
    std::vector<bool> saw(g.size(), false);
    const auto t0 = std::chrono::steady_clock::now();
    g[leaderIdx].signal(SIGKILL);
    while (since(t0) < 60 && (r.detectAll < 0 || r.failover < 0)) {
        for (size_t i : survivors) {
            if (saw[i]) continue;
            std::optional<View> s = g[i].view(token);
            const jiffy::test::MemberView* m = s ? s->at(leaderAddress) : nullptr;
            if (m && m->pid == v.leader && m->status == "FAILED") {
                saw[i] = true;
                if (r.detectFirst < 0) r.detectFirst = since(t0);
                if (std::all_of(survivors.begin(), survivors.end(), [&](size_t j) { return saw[j]; }))
                    r.detectAll = since(t0);
            }
        }
        if (r.failover < 0) {
            const std::string record = kvs->get("jiffy.cluster.leader");
            if (record.rfind("jiffy-leader/1 ", 0) == 0 && record.rfind(oldRecord, 0) != 0) r.failover = since(t0);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    g[leaderIdx].kill();
    return r;
}

/// "mean (min–max)" of one figure over the runs, with `digits` decimals; "-" when a run lacks it.
std::string cell(const std::vector<Run>& runs, double Run::*field, int digits)
{
    double lo = 1e300, hi = -1e300, total = 0;
    for (const Run& r : runs) {
        if (r.*field < 0) return "-";
        lo = std::min(lo, r.*field);
        hi = std::max(hi, r.*field);
        total += r.*field;
    }
    auto text = [digits](double x) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.*f", digits, x);
        return std::string(buf);
    };
    const std::string mean = text(total / static_cast<double>(runs.size())), a = text(lo), b = text(hi);
    return a == b ? mean : mean + " (" + a + "–" + b + ")";
}

} // namespace

int main(int argc, char** argv)
{
    int runs = 3, window = 30;
    bool header = true;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--runs" && i + 1 < argc) {
            runs = std::max(1, std::atoi(argv[++i]));
        } else if (a == "--window" && i + 1 < argc) {
            window = std::max(1, std::atoi(argv[++i]));
        } else if (a == "--no-header") {
            header = false;
        } else {
            std::fprintf(stderr, "usage: cluster_bench_processes [--runs 3] [--window 30] [--no-header]\n");
            return 2;
        }
    }
    if (header) jiffy::bench::printClusterTableHeader();
    std::vector<Run> done;
    int rc = 0;
    for (int i = 0; i < runs; ++i) {
        try {
            const auto start = std::chrono::steady_clock::now();
            Run r = measure(window);
            std::fprintf(stderr,
                         "cluster_bench_processes: run %d: %.2f msgs/member/cycle, detection %.2f / %.2f, failover "
                         "%.2f cycles (%.0f s)\n",
                         i + 1, r.msgs, r.detectFirst, r.detectAll, r.failover, since(start) * kCycleMs / 1000);
            if (r.detectAll < 0 || r.failover < 0) rc = 1;
            done.push_back(r);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "cluster_bench_processes: run %d failed: %s\n", i + 1, e.what());
            return 1;
        }
    }
    std::printf("| 3 (processes, %d run%s) | 0 | %s | %s | %s | %s | %s | %s |\n", runs, runs == 1 ? "" : "s",
                cell(done, &Run::msgs, 2).c_str(), cell(done, &Run::detectFirst, 1).c_str(),
                cell(done, &Run::detectAll, 1).c_str(), cell(done, &Run::failover, 1).c_str(),
                cell(done, &Run::falseFailed, 2).c_str(), cell(done, &Run::suspicions, 2).c_str());
    std::fflush(stdout);
    return rc;
}
