// The one table `make bench-cluster` prints: the real-process rows
// (cluster_processes.cpp) and the simulated ones (cluster_sim.cpp) share
// its header, so the two programs' output reads as one table.
#pragma once

#include <cstdio>

namespace jiffy::bench {

inline void printClusterTableHeader()
{
    std::printf("| n | loss %% | msgs / member / cycle | detection, first (cycles) | detection, all (cycles) | "
                "failover (cycles) | false FAILED / 1000 member-cycles | suspicions / 1000 member-cycles |\n");
    std::printf("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    std::fflush(stdout);
}

} // namespace jiffy::bench
