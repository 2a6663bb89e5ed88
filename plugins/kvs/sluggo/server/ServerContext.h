// What every request handler of jiffy-sluggo shares: settings, the store,
// the snapshot writer, the logger, and the shutdown state.
#pragma once

#include "server/SnapshotWriter.h"
#include "server/Store.h"

#include <Poco/Logger.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

namespace jiffy::sluggo::server {

struct ServerSettings {
    std::string address = "127.0.0.1:4444";
    StoreLimits limits{1000000, 256u << 20};
    size_t maxMessage = 1u << 20; ///< largest request message accepted
    std::string snapshotPath;     ///< empty: no snapshot
    std::chrono::milliseconds snapshotInterval{1000};
    bool extensions = true;
    int threads = 128;                            ///< each idle /x/v1 connection holds one while open
    std::chrono::milliseconds ioTimeout{10000};   ///< one message in or out
    std::chrono::milliseconds idleTimeout{30000}; ///< an idle /x/v1 connection
};

struct ServerContext {
    ServerContext(const ServerSettings& s, Poco::Logger& l) : settings(s), store(s.limits), log(l) {}

    ServerSettings settings;
    Store store;
    std::unique_ptr<SnapshotWriter> snapshots; ///< null without --snapshot
    Poco::Logger& log;
    std::atomic<bool> stopping{false};
    std::atomic<int> activeHandlers{0};

    /// Persists after an acknowledged change (no-op without a snapshot).
    void afterWrite()
    {
        if (snapshots) snapshots->afterWrite();
    }

    /// Logs a refused write for lack of room, at most once every 10 s: the
    /// operator must hear of it, a flood of writes must not flood the log.
    void warnFull(const std::string& why)
    {
        auto now = std::chrono::steady_clock::now().time_since_epoch().count();
        auto last = lastFullWarning.load();
        auto tenSeconds =
            std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::seconds(10)).count();
        if (last != 0 && now - last < tenSeconds) return;
        if (lastFullWarning.compare_exchange_strong(last, now)) log.warning("refusing writes: " + why);
    }

    std::atomic<std::chrono::steady_clock::rep> lastFullWarning{0};
};

/// Counts a handler as active for the duration of a scope, so shutdown can
/// wait for the ones in flight before taking the final snapshot.
class ActiveHandler {
public:
    explicit ActiveHandler(ServerContext& ctx) : ctx_(ctx) { ++ctx_.activeHandlers; }
    ~ActiveHandler() { --ctx_.activeHandlers; }
    ActiveHandler(const ActiveHandler&) = delete;
    ActiveHandler& operator=(const ActiveHandler&) = delete;

private:
    ServerContext& ctx_;
};

} // namespace jiffy::sluggo::server
