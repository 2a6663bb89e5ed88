#include "http/ConnectionGuard.h"

namespace jiffy::host {
namespace {

struct Current {
    ConnectionGuard* guard = nullptr;
    ConnectionGuard::Slot* slot = nullptr;
    std::mutex* mutex = nullptr;
    int keepAliveMs = 0;
    int headMs = 0;
};
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
    slots_.push_back(
        Slot{socket, client, std::chrono::steady_clock::now() + std::chrono::milliseconds(limits_.headTimeoutMs)});
    Slot* slot = &slots_.back();
    current = Current{this, slot, &mutex_, limits_.keepAliveTimeoutMs, limits_.headTimeoutMs};
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
    if (!current.slot) return;
    std::lock_guard<std::mutex> lock(*current.mutex);
    current.slot->handling = true;
}

void ConnectionGuard::requestFinished()
{
    if (!current.slot) return;
    std::lock_guard<std::mutex> lock(*current.mutex);
    current.slot->handling = false;
    current.slot->deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(current.keepAliveMs + current.headMs);
}

void ConnectionGuard::reap()
{
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
        wake_.wait_for(lock, std::chrono::milliseconds(200));
        const auto now = std::chrono::steady_clock::now();
        for (Slot& s : slots_) {
            if (s.handling || s.cut || now < s.deadline) continue;
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
