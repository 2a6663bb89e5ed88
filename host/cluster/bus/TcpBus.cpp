#include "cluster/bus/TcpBus.h"

#include "cluster/bus/Frame.h"
#include "cluster/bus/ReplayGuard.h"
#include "logging/RateLimitedChannel.h"
#include "net/AddressInUse.h"

#include <Poco/Net/IPAddress.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace jiffy::cluster::bus {
namespace {

std::int64_t monoMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

std::int64_t wallMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::uint64_t wallUs()
{
    using namespace std::chrono;
    return static_cast<std::uint64_t>(duration_cast<microseconds>(system_clock::now().time_since_epoch()).count());
}

/// "ip:port" or "[ipv6]:port" with a numeric host (no name lookup can block
/// the bus); false for anything else.
bool parseAddress(const std::string& text, Poco::Net::SocketAddress& out)
{
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 >= text.size()) return false;
    std::string host = text.substr(0, colon);
    const std::string port = text.substr(colon + 1);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return false;
    const unsigned long p = std::stoul(port);
    Poco::Net::IPAddress ip;
    if (p > 65535 || !Poco::Net::IPAddress::tryParse(host, ip)) return false;
    out = Poco::Net::SocketAddress(ip, static_cast<std::uint16_t>(p));
    return true;
}

std::string textOf(const Poco::Net::SocketAddress& a)
{
    return a.family() == Poco::Net::SocketAddress::IPv6 ? "[" + a.host().toString() + "]:" + std::to_string(a.port())
                                                        : a.toString();
}

/// A file descriptor closed when the object dies.
class Fd {
public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    ~Fd() { reset(); }
    Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
    Fd& operator=(Fd&& o) noexcept
    {
        if (this != &o) {
            reset();
            fd_ = o.fd_;
            o.fd_ = -1;
        }
        return *this;
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }
    void reset()
    {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_;
};

void drainWake(int fd)
{
    std::uint64_t v;
    while (::read(fd, &v, sizeof v) > 0) {
    }
}

/// A warning at most a few times per window for each `rateKey` (LogSetup's
/// RateLimitedChannel counts the rest), so a flood of bad frames cannot fill the log.
void warnLimited(Poco::Logger& log, const std::string& rateKey, const std::string& text)
{
    if (!log.warning()) return;
    Poco::Message m(log.name(), text, Poco::Message::PRIO_WARNING);
    m.set(host::logging::kRateKeyParam, rateKey);
    log.log(m);
}

/// An accepted connection: its bytes until they make whole frames.
struct Inbound {
    Fd fd;
    std::string peer; ///< the TCP source ip:port (unauthenticated; for logs only)
    std::string buf;
    std::int64_t lastMs = 0;
};

/// The sender thread's state for one peer address.
struct Link {
    enum class State { Idle, Connecting, Connected, Backoff };
    Poco::Net::SocketAddress address;
    std::unique_ptr<Poco::Net::StreamSocket> socket;
    State state = State::Idle;
    std::int64_t deadlineMs = 0; ///< end of the connect attempt or of the backoff
    std::string out;             ///< frames taken from the queue, being written
    std::size_t outOff = 0;
    std::deque<std::size_t> frameEnds; ///< where each frame in `out` ends
    std::int64_t progressMs = 0;       ///< last time a byte went out (or the connection was made)
    std::int64_t usedMs = 0;           ///< last time there was something to send
    int backoffMs = 0;
    bool failedBefore = false;
    bool wroteOnConnection = false; ///< a whole frame went out on the current connection
    bool pending() const { return outOff < out.size(); }
};

constexpr std::size_t kReadChunk = 64 * 1024;
constexpr std::size_t kWriteBatch = 256 * 1024;
constexpr int kTickMs = 500;

} // namespace

struct TcpBus::Shared {
    struct Queue {
        std::deque<std::string> frames;
        std::size_t bytes = 0;
        Poco::Net::SocketAddress address;
    };
    std::mutex mu;
    std::unordered_map<std::string, Queue> queues; ///< by peer address text
    std::uint64_t sequence = 0;
    Fd sendWake;
    Fd recvWake;
    std::unique_ptr<Poco::Net::ServerSocket> listener;
};

TcpBus::TcpBus(TcpBusOptions options, Poco::Logger& log) : opt_(std::move(options)), log_(log)
{
    Poco::Net::SocketAddress sa;
    if (!parseAddress(opt_.address, sa))
        throw std::invalid_argument("internal_address: expected a numeric \"ip:port\", got \"" + opt_.address + "\"");
    if (sa.host().isWildcard())
        throw std::invalid_argument("internal_address: expected the address peers dial, got the wildcard \"" +
                                    opt_.address + "\"");
    if (opt_.key.empty()) throw std::invalid_argument("cluster bus: the HMAC key (hmac_Key) must not be empty");
    if (opt_.maxPayload == 0 || opt_.maxPayload > 0xffffffffu)
        throw std::invalid_argument("cluster bus: max_payload must be 1 byte to 4 GiB");
    if (opt_.maxInbound == 0 || opt_.queueBytes == 0 || opt_.maxPeers == 0)
        throw std::invalid_argument("cluster bus: max_inbound, queue_bytes and max_peers must be above 0");
    if (opt_.connectTimeoutMs <= 0 || opt_.writeStallMs <= 0 || opt_.inboundIdleMs <= 0 || opt_.outboundIdleMs <= 0 ||
        opt_.backoffMinMs <= 0 || opt_.backoffMaxMs < opt_.backoffMinMs || opt_.replayWindowMs <= 0)
        throw std::invalid_argument("cluster bus: timeouts must be above 0 and backoff_max >= backoff_min");
    local_ = textOf(sa);
    shared_ = std::make_unique<Shared>();
}

TcpBus::~TcpBus()
{
    stop();
}

void TcpBus::setReceiver(Receiver receiver)
{
    receiver_ = std::move(receiver);
}

void TcpBus::start()
{
    if (running_) return;
    Poco::Net::SocketAddress sa;
    parseAddress(local_, sa);
    auto listener = std::make_unique<Poco::Net::ServerSocket>();
    try {
        // SO_REUSEADDR only, as for external_address: SO_REUSEPORT would let a
        // second process share the port and take half of the frames.
        listener->bind(sa, true, false);
        listener->listen(128);
    } catch (const Poco::Exception& e) {
        if (e.code() == EADDRINUSE || e.displayText().find("already in use") != std::string::npos)
            throw host::AddressInUse("internal_address " + local_ + ": already in use");
        throw;
    }
    listener->setBlocking(false);
    if (sa.port() == 0) local_ = textOf(listener->address());
    shared_->listener = std::move(listener);
    shared_->sendWake = Fd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    shared_->recvWake = Fd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    if (shared_->sendWake.get() < 0 || shared_->recvWake.get() < 0)
        throw std::runtime_error("cluster bus: eventfd failed: " + std::string(std::strerror(errno)));
    running_ = true;
    receiveThread_ = std::thread([this] { receiveLoop(); });
    sendThread_ = std::thread([this] { sendLoop(); });
}

void TcpBus::stop()
{
    if (!running_.exchange(false)) return;
    const std::uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(shared_->recvWake.get(), &one, sizeof one);
    n = ::write(shared_->sendWake.get(), &one, sizeof one);
    if (receiveThread_.joinable()) receiveThread_.join();
    if (sendThread_.joinable()) sendThread_.join();
    shared_->listener.reset();
    std::lock_guard<std::mutex> lock(shared_->mu);
    shared_->queues.clear();
}

void TcpBus::wakeSender()
{
    const std::uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(shared_->sendWake.get(), &one, sizeof one);
}

bool TcpBus::send(const std::string& address, const Envelope& env, std::string_view payload)
{
    if (!running_) {
        ++counters_.sendStopped;
        return false;
    }
    if (payload.size() > opt_.maxPayload) {
        ++counters_.sendTooLarge;
        return false;
    }
    {
        std::lock_guard<std::mutex> lock(shared_->mu);
        auto it = shared_->queues.find(address);
        if (it == shared_->queues.end()) {
            Poco::Net::SocketAddress sa;
            if (!parseAddress(address, sa)) {
                ++counters_.sendBadAddress;
                return false;
            }
            if (shared_->queues.size() >= opt_.maxPeers) {
                ++counters_.sendQueueFull;
                return false;
            }
            it = shared_->queues.emplace(address, Shared::Queue{}).first;
            it->second.address = sa;
        }
        Shared::Queue& q = it->second;
        const std::size_t size = kHeaderSize + local_.size() + payload.size() + kMacSize;
        if (q.bytes + size > opt_.queueBytes) {
            ++counters_.sendQueueFull;
            return false;
        }
        // Sequence numbers follow the wall clock in microseconds, so a restarted
        // process (same address, maybe the same incarnation) starts above what
        // its previous life sent and is not taken for a replay.
        shared_->sequence = std::max(shared_->sequence + 1, wallUs());
        q.frames.push_back(encodeFrame(env, local_, shared_->sequence, wallMs(), payload, opt_.key));
        q.bytes += size;
    }
    wakeSender();
    return true;
}

void TcpBus::receiveLoop()
{
    ReplayGuard guard(opt_.replayWindowMs, opt_.replaySenders);
    std::vector<std::unique_ptr<Inbound>> conns;
    std::vector<pollfd> fds;
    const int listenFd = shared_->listener->impl()->sockfd();
    const std::size_t cap = maxFrameSize(opt_.maxPayload);
    std::string chunk(kReadChunk, '\0');

    auto dropped = [&](const Inbound& c, DecodeStatus s) {
        switch (s) {
        case DecodeStatus::BadMagic:
            ++counters_.droppedBadMagic;
            break;
        case DecodeStatus::BadVersion:
            ++counters_.droppedBadVersion;
            break;
        case DecodeStatus::Oversized:
            ++counters_.droppedOversized;
            break;
        case DecodeStatus::Malformed:
            ++counters_.droppedMalformed;
            break;
        case DecodeStatus::BadMac:
            ++counters_.droppedBadMac;
            break;
        default:
            break;
        }
        warnLimited(log_, std::string("cluster.bus.drop|") + statusName(s),
                    "cluster bus: dropped a frame from " + c.peer + " (" + statusName(s) + ")");
    };
    // Whole frames in the buffer; false when the connection must close (framing lost).
    auto consume = [&](Inbound& c) {
        std::size_t off = 0;
        bool keep = true;
        while (off < c.buf.size()) {
            const DecodeResult r = decodeFrame(std::string_view(c.buf).substr(off), opt_.key, opt_.maxPayload);
            if (r.status == DecodeStatus::Incomplete) break;
            if (r.status == DecodeStatus::Ok) {
                const Frame& f = r.frame;
                const Freshness fr = guard.check(f.sender, f.env.incarnation, f.sequence, f.timestampMs, wallMs());
                if (fr == Freshness::Fresh) {
                    ++counters_.framesIn;
                    if (receiver_) {
                        try {
                            receiver_(std::string(f.sender), f.env, f.payload);
                        } catch (const std::exception& e) {
                            warnLimited(log_, "cluster.bus.receiver",
                                        std::string("cluster bus: the receiver failed: ") + e.what());
                        } catch (...) {
                            warnLimited(log_, "cluster.bus.receiver", "cluster bus: the receiver failed");
                        }
                    }
                } else {
                    const char* why = fr == Freshness::Replayed ? "replayed" : "stale";
                    ++(fr == Freshness::Replayed ? counters_.droppedReplayed : counters_.droppedStale);
                    warnLimited(log_, std::string("cluster.bus.drop|") + why,
                                "cluster bus: dropped a frame from " + std::string(f.sender) + " via " + c.peer + " (" +
                                    why + ")");
                }
                off += r.consumed;
                continue;
            }
            dropped(c, r.status);
            if (r.status == DecodeStatus::BadMac) {
                off += r.consumed;
                continue;
            }
            keep = false;
            break;
        }
        c.buf.erase(0, off);
        return keep;
    };

    while (running_) {
        fds.clear();
        fds.push_back({shared_->recvWake.get(), POLLIN, 0});
        fds.push_back({listenFd, POLLIN, 0});
        for (const auto& c : conns) fds.push_back({c->fd.get(), POLLIN, 0});
        const int n = ::poll(fds.data(), fds.size(), kTickMs);
        if (n < 0 && errno != EINTR) {
            log_.error("cluster bus: poll failed: %s", std::string(std::strerror(errno)));
            break;
        }
        if (!running_) break;
        const std::int64_t now = monoMs();
        if (fds[0].revents) drainWake(fds[0].fd);
        // Connections first (their indexes match fds), then new ones.
        std::vector<bool> close(conns.size(), false);
        for (std::size_t i = 0; i < conns.size(); ++i) {
            Inbound& c = *conns[i];
            const short ev = fds[i + 2].revents;
            if (ev == 0) {
                if (now - c.lastMs > opt_.inboundIdleMs) {
                    ++counters_.inboundIdleClosed;
                    close[i] = true;
                }
                continue;
            }
            // At most one chunk per connection and round, so a flood on one
            // connection cannot starve the others.
            const std::size_t room = std::min(chunk.size(), cap - c.buf.size());
            const ssize_t got = ::recv(c.fd.get(), chunk.data(), room, 0);
            if (got > 0) {
                counters_.bytesIn += static_cast<std::uint64_t>(got);
                c.lastMs = now;
                c.buf.append(chunk.data(), static_cast<std::size_t>(got));
                if (!consume(c)) close[i] = true;
            } else if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
                if (!c.buf.empty()) {
                    ++counters_.droppedTruncated;
                    warnLimited(log_, "cluster.bus.drop|truncated",
                                "cluster bus: dropped a frame from " + c.peer + " (truncated)");
                }
                close[i] = true;
            }
        }
        for (std::size_t i = conns.size(); i-- > 0;)
            if (close[i]) conns.erase(conns.begin() + static_cast<std::ptrdiff_t>(i));
        if (fds[1].revents) {
            for (int k = 0; k < 64; ++k) {
                sockaddr_storage from{};
                socklen_t len = sizeof from;
                Fd fd(::accept4(listenFd, reinterpret_cast<sockaddr*>(&from), &len, SOCK_NONBLOCK | SOCK_CLOEXEC));
                if (fd.get() < 0) break;
                if (conns.size() >= opt_.maxInbound) {
                    ++counters_.inboundRefused;
                    warnLimited(log_, "cluster.bus.inbound_refused",
                                "cluster bus: refused an inbound connection: max_inbound (" +
                                    std::to_string(opt_.maxInbound) + ") reached");
                    continue;
                }
                ++counters_.inboundAccepted;
                auto c = std::make_unique<Inbound>();
                c->fd = std::move(fd);
                c->peer = textOf(Poco::Net::SocketAddress(reinterpret_cast<sockaddr*>(&from), len));
                c->lastMs = now;
                conns.push_back(std::move(c));
            }
        }
    }
}

void TcpBus::sendLoop()
{
    std::unordered_map<std::string, Link> links;
    std::vector<pollfd> fds;
    std::vector<std::pair<std::string, Link*>> polled;

    // Drops what is queued for the link and in flight (the peer may have
    // some of it: frames are at most once).
    auto dropQueued = [&](const std::string& addr, Link& l) {
        std::uint64_t lost = l.frameEnds.size();
        {
            std::lock_guard<std::mutex> lock(shared_->mu);
            auto it = shared_->queues.find(addr);
            if (it != shared_->queues.end()) {
                lost += it->second.frames.size();
                it->second.frames.clear();
                it->second.bytes = 0;
            }
        }
        counters_.sendUnreachable += lost;
        l.out.clear();
        l.outOff = 0;
        l.frameEnds.clear();
    };
    auto fail = [&](const std::string& addr, Link& l, const std::string& why, std::int64_t now) {
        if (l.state == Link::State::Connecting) ++counters_.connectFailures;
        l.socket.reset();
        dropQueued(addr, l);
        l.backoffMs = l.backoffMs == 0 ? opt_.backoffMinMs : std::min(opt_.backoffMaxMs, l.backoffMs * 2);
        l.state = Link::State::Backoff;
        l.deadlineMs = now + l.backoffMs;
        l.failedBefore = true;
        warnLimited(log_, "cluster.bus.peer|" + addr,
                    "cluster bus: peer " + addr + ": " + why + "; retrying in " + std::to_string(l.backoffMs) + " ms");
    };
    // Outbound connections leave from the host of internal_address (any free
    // port), not from whatever source the route picks (127.0.0.1 for every
    // loopback peer): a member's traffic carries its own address both ways,
    // so peers' logs and firewall rules can tell members apart.
    Poco::Net::SocketAddress source;
    parseAddress(local_, source);
    source = Poco::Net::SocketAddress(source.host(), 0);
    auto startConnect = [&](const std::string& addr, Link& l, std::int64_t now) {
        l.state = Link::State::Connecting;
        l.deadlineMs = now + opt_.connectTimeoutMs;
        try {
            l.socket = std::make_unique<Poco::Net::StreamSocket>(l.address.family());
            if (source.family() == l.address.family()) l.socket->impl()->bind(source, false);
            l.socket->setBlocking(false);
            l.socket->setNoDelay(true);
            l.socket->connectNB(l.address);
        } catch (const Poco::Exception& e) {
            fail(addr, l, "connect failed: " + e.displayText(), now);
        }
    };
    // Writes as much of `out` as the socket takes now.
    auto write = [&](const std::string& addr, Link& l, std::int64_t now) {
        while (l.pending()) {
            const ssize_t n =
                ::send(l.socket->impl()->sockfd(), l.out.data() + l.outOff, l.out.size() - l.outOff, MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
                fail(addr, l, std::string("write failed: ") + std::strerror(errno), now);
                return;
            }
            l.outOff += static_cast<std::size_t>(n);
            counters_.bytesOut += static_cast<std::uint64_t>(n);
            l.progressMs = now;
            while (!l.frameEnds.empty() && l.frameEnds.front() <= l.outOff) {
                l.frameEnds.pop_front();
                ++counters_.framesOut;
                l.wroteOnConnection = true;
                l.backoffMs = 0;
            }
        }
        l.out.clear();
        l.outOff = 0;
    };

    while (running_) {
        const std::int64_t now = monoMs();
        // Take queued frames; create links for new peers; forget peers long unused.
        {
            std::lock_guard<std::mutex> lock(shared_->mu);
            for (auto it = shared_->queues.begin(); it != shared_->queues.end();) {
                Shared::Queue& q = it->second;
                auto [lit, created] = links.try_emplace(it->first);
                Link& l = lit->second;
                if (created) {
                    l.address = q.address;
                    l.usedMs = now;
                }
                if (!q.frames.empty()) l.usedMs = now;
                if (l.state == Link::State::Idle && q.frames.empty() && !l.pending() &&
                    now - l.usedMs > opt_.outboundIdleMs) {
                    links.erase(lit);
                    it = shared_->queues.erase(it);
                    continue;
                }
                if (l.state == Link::State::Connected && !l.pending()) {
                    while (!q.frames.empty() && l.out.size() < kWriteBatch) {
                        l.out += q.frames.front();
                        l.frameEnds.push_back(l.out.size());
                        q.bytes -= q.frames.front().size();
                        q.frames.pop_front();
                    }
                }
                if (l.state == Link::State::Idle && !q.frames.empty()) l.deadlineMs = -1; // marks "connect now"
                ++it;
            }
        }
        polled.clear();
        fds.clear();
        fds.push_back({shared_->sendWake.get(), POLLIN, 0});
        int timeout = kTickMs;
        for (auto& [addr, l] : links) {
            switch (l.state) {
            case Link::State::Idle:
                if (l.deadlineMs == -1) startConnect(addr, l, now);
                break;
            case Link::State::Backoff:
                if (now >= l.deadlineMs) {
                    l.state = Link::State::Idle;
                    timeout = 0; // connect at once if frames wait
                }
                break;
            case Link::State::Connecting:
                if (now >= l.deadlineMs) fail(addr, l, "connect timed out", now);
                break;
            case Link::State::Connected:
                if (l.pending()) {
                    write(addr, l, now);
                    if (l.state == Link::State::Connected && l.pending() && now - l.progressMs > opt_.writeStallMs)
                        fail(addr, l, "takes no data (stalled or paused)", now);
                } else if (now - l.usedMs > opt_.outboundIdleMs) {
                    l.socket.reset();
                    l.state = Link::State::Idle;
                }
                break;
            }
            if (l.state == Link::State::Connecting) {
                fds.push_back({l.socket->impl()->sockfd(), POLLOUT, 0});
                polled.emplace_back(addr, &l);
                timeout = std::min<std::int64_t>(timeout, std::max<std::int64_t>(0, l.deadlineMs - now));
            } else if (l.state == Link::State::Connected) {
                fds.push_back(
                    {l.socket->impl()->sockfd(), static_cast<short>(POLLIN | (l.pending() ? POLLOUT : 0)), 0});
                polled.emplace_back(addr, &l);
            } else if (l.state == Link::State::Backoff) {
                timeout = std::min<std::int64_t>(timeout, std::max<std::int64_t>(0, l.deadlineMs - now));
            }
        }
        const int n = ::poll(fds.data(), fds.size(), timeout);
        if (n < 0 && errno != EINTR) {
            log_.error("cluster bus: poll failed: %s", std::string(std::strerror(errno)));
            break;
        }
        if (!running_) break;
        if (fds[0].revents) drainWake(fds[0].fd);
        const std::int64_t after = monoMs();
        for (std::size_t i = 0; i < polled.size(); ++i) {
            const short ev = fds[i + 1].revents;
            if (ev == 0) continue;
            const std::string& addr = polled[i].first;
            Link& l = *polled[i].second;
            if (l.state == Link::State::Connecting) {
                int err = 0;
                socklen_t len = sizeof err;
                if (::getsockopt(l.socket->impl()->sockfd(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
                if (err != 0) {
                    fail(addr, l, std::string("connect failed: ") + std::strerror(err), after);
                    continue;
                }
                l.state = Link::State::Connected;
                l.wroteOnConnection = false;
                l.progressMs = after;
                ++counters_.connects;
                if (l.failedBefore) ++counters_.reconnects;
                continue; // frames are taken at the top of the loop
            }
            if (ev & POLLIN) {
                // Peers send nothing back: readable means closed (or garbage).
                char sink[256];
                const ssize_t got = ::recv(l.socket->impl()->sockfd(), sink, sizeof sink, 0);
                if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
                    if (!l.wroteOnConnection) {
                        // Closed before taking a frame (its inbound cap, say): back off.
                        fail(addr, l, "closed the connection at once", after);
                        continue;
                    }
                    // Closed by the peer (restart, idle timeout): what was in
                    // flight is lost, the queue goes over a new connection.
                    counters_.sendUnreachable += l.frameEnds.size();
                    l.out.clear();
                    l.outOff = 0;
                    l.frameEnds.clear();
                    l.socket.reset();
                    l.state = Link::State::Idle;
                    l.failedBefore = true;
                    continue;
                }
            }
            if (ev & (POLLERR | POLLHUP)) {
                fail(addr, l, "connection lost", after);
                continue;
            }
            if (ev & POLLOUT) write(addr, l, after);
        }
    }
}

} // namespace jiffy::cluster::bus
