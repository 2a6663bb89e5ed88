// A separate process working on a files KVS, for the cross-process tests of
// FilesKvsSuite.cpp. Usage:
//
//   files_kvs_worker <plugin.so> <directory> <incr|cas|add> <key> <count> <out-file> <go-file>
//
// Opens the store, says so by creating <out-file>.ready, waits (at most 30 s)
// until <go-file> exists so that every worker starts at once, then
//   incr: increments <key> <count> times and writes each result on a line;
//   cas:  swaps <key> from "start" to "winner-<pid>" once, writes swapped/conflict/notfound;
//   add:  adds <key> = "holder-<pid>" once, writes added/exists.
// Exits 0 when every call answered as the contract allows, 1 otherwise.
#include "support/TestSupport.h"

#include <Poco/Exception.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <thread>
#include <unistd.h>

int main(int argc, char** argv)
{
    if (argc != 8) {
        std::cerr
            << "usage: files_kvs_worker <plugin.so> <directory> <incr|cas|add> <key> <count> <out-file> <go-file>\n";
        return 2;
    }
    const std::string plugin = argv[1], dir = argv[2], mode = argv[3], key = argv[4], outFile = argv[6],
                      goFile = argv[7];
    const int count = std::stoi(argv[5]);
    try {
        jiffy::test::PluginHarness harness;
        auto store = harness.kvs(plugin, "{\"directory\": \"" + dir + "\"}");
        std::ofstream out(outFile);
        std::ofstream(outFile + ".ready") << "ready\n";
        for (int i = 0; i < 3000 && !std::ifstream(goFile).good(); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        const std::string me = std::to_string(::getpid());
        if (mode == "incr") {
            for (int i = 0; i < count; ++i) out << store->incr(key) << "\n";
        } else if (mode == "cas") {
            auto r = store->compareAndSet(key, "start", "winner-" + me);
            out << (r == jiffy::host::CasOutcome::Swapped    ? "swapped"
                    : r == jiffy::host::CasOutcome::Conflict ? "conflict"
                                                             : "notfound")
                << "\n";
        } else if (mode == "add") {
            out << (store->add(key, "holder-" + me) ? "added" : "exists") << "\n";
        } else {
            std::cerr << "unknown mode " << mode << "\n";
            return 2;
        }
        return out.good() ? 0 : 1;
    } catch (const Poco::Exception& e) {
        std::cerr << "files_kvs_worker: " << e.displayText() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "files_kvs_worker: " << e.what() << "\n";
        return 1;
    }
}
