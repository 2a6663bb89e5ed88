// Slow and greedy clients on Poco's thread-per-connection server: a
// connection holds a worker thread for as long as its client takes to send a
// request head, so a few hundred clients trickling one byte a second
// (slowloris) would occupy every thread. The guard bounds both:
//   - connections per client address (http.max_connections_per_client):
//     one address never holds more than that many threads; the rest are
//     answered 503 at once;
//   - time to a complete request head (http.request_head_timeout_ms), from
//     the connection's start or, on a kept-alive connection, from the end
//     of its previous response plus the keep-alive timeout: a connection
//     past it is shut down by the guard's own thread.
// Poco's server has no hook for either (its timeout bounds each receive,
// not the whole head), hence this small bookkeeping.
#pragma once

#include "metrics/MetricsRegistry.h"

#include <Poco/Net/IPAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <list>
#include <map>
#include <mutex>
#include <thread>

namespace jiffy::host {

class ConnectionGuard {
public:
    struct Limits {
        int perClient = 16;        ///< 0 = no limit
        int headTimeoutMs = 10000; ///< 0 = no limit
        int keepAliveTimeoutMs = 10000;
    };

    /// One open connection, as the guard tracks it. The list of slots is
    /// guarded by the mutex; `deadline` and `handling` are atomics, so the
    /// two updates a request makes take no lock.
    struct Slot {
        Slot(const Poco::Net::StreamSocket& s, const Poco::Net::IPAddress& c, int64_t due)
            : socket(s), client(c), deadline(due)
        {
        }
        Poco::Net::StreamSocket socket;
        Poco::Net::IPAddress client;
        std::atomic<int64_t> deadline; ///< steady-clock ns: head complete by then, unless `handling`
        std::atomic<bool> handling{false};
        bool cut = false; ///< under the mutex
    };

    ConnectionGuard(const Limits& limits, MetricsRegistry* metrics);
    ~ConnectionGuard();
    ConnectionGuard(const ConnectionGuard&) = delete;
    ConnectionGuard& operator=(const ConnectionGuard&) = delete;

    /// On the connection's thread when it starts: its slot, or nullptr when
    /// its client address already holds perClient connections.
    Slot* enter(const Poco::Net::StreamSocket& socket);
    /// When the connection ends.
    void leave(Slot* slot);

    /// The request head is complete: no deadline while it is handled.
    static void requestStarted();
    /// The response is sent: the next head is due within keep-alive + head timeout.
    static void requestFinished();

private:
    void reap();

    const Limits limits_;
    MetricsRegistry* metrics_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::list<Slot> slots_;
    std::map<Poco::Net::IPAddress, int> perClient_;
    bool stopping_ = false;
    std::thread reaper_;
};

} // namespace jiffy::host
