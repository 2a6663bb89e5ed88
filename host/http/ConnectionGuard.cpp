#include "http/ConnectionGuard.h"

namespace jiffy::host {
namespace {

struct Current {
    ConnectionGuard::Slot* slot = nullptr;
    int64_t nextHeadNs = 0; ///< keep-alive wait + head timeout
};

int64_t nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}
// The connection a worker thread is serving (Poco runs a connection and its
// requests on one thread), so the request handler can reach its slot.
thread_local Current current;

} // namespace

ConnectionGuard::ConnectionGuard(const Limits& limits, MetricsRegistry* metrics) : limits_(limits), metrics_(metrics)
{
    if (limits_.headTimeoutMs > 0) reaper_ = std::thread([this] { reap(); });
}

ConnectionGuard::~ConnectionGuard()
{
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (reaper_.joinable()) reaper_.join();
}

ConnectionGuard::Slot* ConnectionGuard::enter(const Poco::Net::StreamSocket& socket)
{
    Poco::Net::IPAddress client;
    try {
        client = socket.peerAddress().host();
    } catch (const Poco::Exception&) {
        return nullptr; // the client is already gone
    }
    std::lock_guard<std::mutex> lock(mutex_);
    int& n = perClient_[client];
    if (limits_.perClient > 0 && n >= limits_.perClient) {
        if (n == 0) perClient_.erase(client);
        if (metrics_) metrics_->add("jiffy_http_connections_refused_per_client_total", 1);
        return nullptr;
    }
    ++n;
    slots_.emplace_back(socket, client, nowNs() + int64_t(limits_.headTimeoutMs) * 1000000);
    Slot* slot = &slots_.back();
    current = Current{slot, (int64_t(limits_.keepAliveTimeoutMs) + limits_.headTimeoutMs) * 1000000};
    return slot;
}

void ConnectionGuard::leave(Slot* slot)
{
    current = Current{};
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = perClient_.find(slot->client);
    if (it != perClient_.end() && --it->second <= 0) perClient_.erase(it);
    slots_.remove_if([slot](const Slot& s) { return &s == slot; });
}

void ConnectionGuard::requestStarted()
{
    if (current.slot) current.slot->handling.store(true, std::memory_order_relaxed);
}

void ConnectionGuard::requestFinished()
{
    if (!current.slot) return;
    // The deadline first: the reaper never sees "not handling" with the old one.
    current.slot->deadline.store(nowNs() + current.nextHeadNs, std::memory_order_relaxed);
    current.slot->handling.store(false, std::memory_order_release);
}

void ConnectionGuard::reap()
{
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
        wake_.wait_for(lock, std::chrono::milliseconds(200));
        const int64_t now = nowNs();
        for (Slot& s : slots_) {
            if (s.cut || s.handling.load(std::memory_order_acquire) || now < s.deadline.load(std::memory_order_relaxed))
                continue;
            s.cut = true;
            try {
                // The worker's blocked receive returns, Poco ends the connection.
                s.socket.shutdown();
            } catch (const Poco::Exception&) {
                // already closed by the client
            }
            if (metrics_) metrics_->add("jiffy_http_connections_head_timeout_total", 1);
        }
    }
}

} // namespace jiffy::host
