// The cluster bus over real sockets on 127.0.0.x: buses exchange frames;
// wrong keys, garbage, truncated, oversized, unknown-version and replayed
// frames are dropped and counted while the bus keeps serving; a peer that
// takes no data never delays frames to a healthy one; the address is owned
// by one bus; stop returns while peers are down.
#include "cluster/bus/Frame.h"
#include "cluster/bus/TcpBus.h"
#include "net/AddressInUse.h"
#include "support/TestServers.h"
#include "support/TestSupport.h"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

using namespace jiffy::cluster;
using namespace jiffy::cluster::bus;
using jiffy::test::contains;
using jiffy::test::freePort;

namespace {

const std::string kKey = "the-cluster-secret";
constexpr int kLiveMs = 20000; ///< generous bound for anything that must happen

struct Received {
    std::string from;
    Envelope env;
    std::string payload;
};

/// What a bus handed to its receiver, with a wait for the count to reach n.
class Inbox {
public:
    Transport::Receiver receiver()
    {
        return [this](const std::string& from, const Envelope& env, std::string_view payload) {
            std::lock_guard<std::mutex> lock(mu_);
            got_.push_back(Received{from, env, std::string(payload)});
            cv_.notify_all();
        };
    }
    bool waitFor(std::size_t n, int timeoutMs = kLiveMs)
    {
        std::unique_lock<std::mutex> lock(mu_);
        return cv_.wait_for(lock, std::chrono::milliseconds(timeoutMs), [&] { return got_.size() >= n; });
    }
    std::vector<Received> all()
    {
        std::lock_guard<std::mutex> lock(mu_);
        return got_;
    }
    std::size_t count(const std::string& from)
    {
        std::lock_guard<std::mutex> lock(mu_);
        std::size_t n = 0;
        for (const auto& r : got_) n += r.from == from;
        return n;
    }

private:
    std::mutex mu_;
    std::condition_variable cv_;
    std::vector<Received> got_;
};

/// Polls `cond` until true or `timeoutMs` passes (for counters, which have no signal).
bool eventually(const std::function<bool()>& cond, int timeoutMs = kLiveMs)
{
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (std::chrono::steady_clock::now() < end) {
        if (cond()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return cond();
}

std::string addressOn(const std::string& host)
{
    return host + ":" + std::to_string(freePort(host));
}

TcpBusOptions options(const std::string& address, const std::string& key = kKey)
{
    TcpBusOptions o;
    o.address = address;
    o.key = key;
    return o;
}

/// A bus with an inbox, started.
struct Node {
    explicit Node(const std::string& host, const std::string& key = kKey, TcpBusOptions o = {})
    {
        o.address = addressOn(host);
        o.key = key;
        bus = std::make_unique<TcpBus>(o);
        bus->setReceiver(inbox.receiver());
        bus->start();
    }
    Inbox inbox;
    std::unique_ptr<TcpBus> bus;
    const std::string& address() const { return bus->localAddress(); }
};

Envelope env(std::uint8_t type, Pid pid = 1, std::uint64_t incarnation = 1, std::uint64_t term = 1)
{
    Envelope e;
    e.type = type;
    e.sender = pid;
    e.incarnation = incarnation;
    e.term = term;
    return e;
}

/// A raw TCP connection to a bus, for hostile bytes.
Poco::Net::StreamSocket rawTo(const std::string& address)
{
    Poco::Net::StreamSocket s;
    s.connect(Poco::Net::SocketAddress(address), Poco::Timespan(5, 0));
    return s;
}

void sendAll(Poco::Net::StreamSocket& s, const std::string& bytes)
{
    std::size_t off = 0;
    while (off < bytes.size())
        off += static_cast<std::size_t>(s.sendBytes(bytes.data() + off, int(bytes.size() - off)));
}

/// True once the bus has closed `s` (a read returns end of stream).
bool closedByPeer(Poco::Net::StreamSocket& s)
{
    s.setReceiveTimeout(Poco::Timespan(kLiveMs / 1000, 0));
    char buf[64];
    try {
        return s.receiveBytes(buf, sizeof buf) == 0;
    } catch (const Poco::Exception&) {
        return true; // reset
    }
}

} // namespace

class TcpBusTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(TcpBusTest);
    CPPUNIT_TEST(testTwoBusesExchangeFramesInOrder);
    CPPUNIT_TEST(testThreeBusesReachEachOther);
    CPPUNIT_TEST(testWrongKeyIsDroppedAndCounted);
    CPPUNIT_TEST(testHostileBytesAreDroppedWhileOthersAreServed);
    CPPUNIT_TEST(testReplayedCapturedFrameIsDropped);
    CPPUNIT_TEST(testConnectionsLeaveFromTheInternalAddress);
    CPPUNIT_TEST(testStaleFrameIsDropped);
    CPPUNIT_TEST(testPeerThatTakesNoDataDoesNotDelayOthers);
    CPPUNIT_TEST(testSigstoppedProcessDoesNotDelayOthers);
    CPPUNIT_TEST(testStalledPeerIsCutOffAndRetried);
    CPPUNIT_TEST(testSilentInboundConnectionIsClosed);
    CPPUNIT_TEST(testReconnectsAfterThePeerRestarts);
    CPPUNIT_TEST(testSendRefusesWhatItCannotCarry);
    CPPUNIT_TEST(testInboundConnectionsAreCapped);
    CPPUNIT_TEST(testAddressInUseNamesInternalAddress);
    CPPUNIT_TEST(testStopReturnsWhilePeersAreDown);
    CPPUNIT_TEST(testOptionsAreValidated);
    CPPUNIT_TEST_SUITE_END();

public:
    void testTwoBusesExchangeFramesInOrder()
    {
        Node a("127.0.0.2"), b("127.0.0.3");
        const int n = 200;
        for (int i = 0; i < n; ++i) {
            CPPUNIT_ASSERT(a.bus->send(b.address(), env(3, 11, 5, 9), "a" + std::to_string(i)));
            CPPUNIT_ASSERT(b.bus->send(a.address(), env(4, 22, 6, 10), "b" + std::to_string(i)));
        }
        CPPUNIT_ASSERT(b.inbox.waitFor(n));
        CPPUNIT_ASSERT(a.inbox.waitFor(n));
        const auto atB = b.inbox.all(), atA = a.inbox.all();
        for (int i = 0; i < n; ++i) {
            CPPUNIT_ASSERT_EQUAL("a" + std::to_string(i), atB[size_t(i)].payload);
            CPPUNIT_ASSERT_EQUAL("b" + std::to_string(i), atA[size_t(i)].payload);
        }
        CPPUNIT_ASSERT_EQUAL(a.address(), atB[0].from);
        CPPUNIT_ASSERT_EQUAL(int(3), int(atB[0].env.type));
        CPPUNIT_ASSERT_EQUAL(Pid(11), atB[0].env.sender);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(5), atB[0].env.incarnation);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(9), atB[0].env.term);
        CPPUNIT_ASSERT_EQUAL(b.address(), atA[0].from);
        // One persistent connection each way, every frame counted.
        CPPUNIT_ASSERT(eventually([&] { return a.bus->stats().framesOut == std::uint64_t(n); }));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), a.bus->stats().connects);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), b.bus->stats().inboundAccepted);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(n), b.bus->stats().framesIn);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), b.bus->stats().droppedIn());
    }

    void testThreeBusesReachEachOther()
    {
        Node a("127.0.0.2"), b("127.0.0.3"), c("127.0.0.4");
        std::vector<Node*> nodes{&a, &b, &c};
        for (int round = 0; round < 20; ++round)
            for (Node* from : nodes)
                for (Node* to : nodes)
                    if (from != to) CPPUNIT_ASSERT(from->bus->send(to->address(), env(1), "ping"));
        for (Node* to : nodes) {
            CPPUNIT_ASSERT(to->inbox.waitFor(40));
            for (Node* from : nodes)
                if (from != to) CPPUNIT_ASSERT_EQUAL(std::size_t(20), to->inbox.count(from->address()));
        }
    }

    void testWrongKeyIsDroppedAndCounted()
    {
        Node a("127.0.0.2"), good("127.0.0.3"), intruder("127.0.0.4", "not-the-cluster-secret");
        for (int i = 0; i < 5; ++i) CPPUNIT_ASSERT(intruder.bus->send(a.address(), env(1), "forged"));
        CPPUNIT_ASSERT(eventually([&] { return a.bus->stats().droppedBadMac == 5; }));
        CPPUNIT_ASSERT(good.bus->send(a.address(), env(1), "genuine"));
        CPPUNIT_ASSERT(a.inbox.waitFor(1));
        const auto got = a.inbox.all();
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), got.size());
        CPPUNIT_ASSERT_EQUAL(std::string("genuine"), got[0].payload);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), a.bus->stats().framesIn);
    }

    void testHostileBytesAreDroppedWhileOthersAreServed()
    {
        Node a("127.0.0.2"), good("127.0.0.3");
        std::size_t delivered = 0;
        // Each hostile connection is checked, then a genuine frame still gets through.
        auto genuineStillArrives = [&] {
            CPPUNIT_ASSERT(good.bus->send(a.address(), env(1), "ok"));
            CPPUNIT_ASSERT(a.inbox.waitFor(++delivered));
        };
        const std::string valid = encodeFrame(env(1), "127.0.0.9:1", 1, 0, "x", kKey);
        {
            auto s = rawTo(a.address());
            sendAll(s, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            CPPUNIT_ASSERT(closedByPeer(s));
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), a.bus->stats().droppedBadMagic);
        }
        genuineStillArrives();
        {
            std::string v2 = valid;
            v2[4] = 9;
            auto s = rawTo(a.address());
            sendAll(s, v2);
            CPPUNIT_ASSERT(closedByPeer(s));
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), a.bus->stats().droppedBadVersion);
        }
        genuineStillArrives();
        {
            std::string huge = valid.substr(0, kHeaderSize);
            for (int i = 0; i < 4; ++i) huge[48 + size_t(i)] = '\x7f';
            auto s = rawTo(a.address());
            sendAll(s, huge);
            CPPUNIT_ASSERT(closedByPeer(s));
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), a.bus->stats().droppedOversized);
        }
        genuineStillArrives();
        {
            std::string noSender = valid;
            noSender[6] = 0;
            auto s = rawTo(a.address());
            sendAll(s, noSender);
            CPPUNIT_ASSERT(closedByPeer(s));
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), a.bus->stats().droppedMalformed);
        }
        genuineStillArrives();
        {
            // A truncated header, then the sender goes away.
            auto s = rawTo(a.address());
            sendAll(s, valid.substr(0, 20));
            s.shutdownSend();
            CPPUNIT_ASSERT(closedByPeer(s));
            CPPUNIT_ASSERT(eventually([&] { return a.bus->stats().droppedTruncated == 1; }));
        }
        genuineStillArrives();
        {
            // A connection left open half-way through a frame stalls nobody.
            auto s = rawTo(a.address());
            sendAll(s, valid.substr(0, valid.size() - 3));
            genuineStillArrives();
        }
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), a.bus->stats().droppedBadMac);
        for (const auto& r : a.inbox.all()) CPPUNIT_ASSERT_EQUAL(good.address(), r.from);
    }

    void testConnectionsLeaveFromTheInternalAddress()
    {
        // Not from 127.0.0.1, which the kernel picks for every loopback peer: firewall
        // rules and peers' logs can tell members apart by address.
        Node sender("127.0.0.3");
        Poco::Net::ServerSocket peer(Poco::Net::SocketAddress(addressOn("127.0.0.5")));
        CPPUNIT_ASSERT(sender.bus->send(peer.address().toString(), env(5), "x"));
        Poco::Net::SocketAddress from;
        CPPUNIT_ASSERT(peer.poll(Poco::Timespan(kLiveMs / 1000, 0), Poco::Net::Socket::SELECT_READ));
        Poco::Net::StreamSocket in = peer.acceptConnection(from);
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.3"), from.host().toString());
    }

    void testReplayedCapturedFrameIsDropped()
    {
        Node a("127.0.0.2"), sender("127.0.0.3");
        // Capture a genuine frame on the wire: a listener stands in for a peer.
        Poco::Net::ServerSocket tap(Poco::Net::SocketAddress(addressOn("127.0.0.5")));
        CPPUNIT_ASSERT(sender.bus->send(tap.address().toString(), env(5, 7, 3, 2), "grant admin"));
        Poco::Net::StreamSocket in = tap.acceptConnection();
        in.setReceiveTimeout(Poco::Timespan(kLiveMs / 1000, 0));
        std::string captured;
        char buf[4096];
        while (decodeFrame(captured, kKey).status == DecodeStatus::Incomplete) {
            const int n = in.receiveBytes(buf, sizeof buf);
            CPPUNIT_ASSERT(n > 0);
            captured.append(buf, size_t(n));
        }
        CPPUNIT_ASSERT(decodeFrame(captured, kKey).status == DecodeStatus::Ok);
        // Played to a member once it is taken; again (same or new connection) it is not.
        auto s = rawTo(a.address());
        sendAll(s, captured);
        CPPUNIT_ASSERT(a.inbox.waitFor(1));
        sendAll(s, captured);
        auto t = rawTo(a.address());
        sendAll(t, captured);
        CPPUNIT_ASSERT(eventually([&] { return a.bus->stats().droppedReplayed == 2; }));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), a.inbox.all().size());
        CPPUNIT_ASSERT_EQUAL(sender.address(), a.inbox.all()[0].from);
        // The sender's later frames are still fresh.
        CPPUNIT_ASSERT(sender.bus->send(a.address(), env(5, 7, 3, 2), "later"));
        CPPUNIT_ASSERT(a.inbox.waitFor(2));
    }

    void testStaleFrameIsDropped()
    {
        Node a("127.0.0.2");
        const auto now =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                .count();
        auto s = rawTo(a.address());
        sendAll(s, encodeFrame(env(1), "127.0.0.9:1", 1, now - 10 * 60 * 1000, "old", kKey));
        sendAll(s, encodeFrame(env(1), "127.0.0.9:1", 2, now + 10 * 60 * 1000, "future", kKey));
        sendAll(s, encodeFrame(env(1), "127.0.0.9:1", 3, now, "now", kKey));
        CPPUNIT_ASSERT(a.inbox.waitFor(1));
        CPPUNIT_ASSERT(eventually([&] { return a.bus->stats().droppedStale == 2; }));
        CPPUNIT_ASSERT_EQUAL(std::string("now"), a.inbox.all().at(0).payload);
    }

    void testPeerThatTakesNoDataDoesNotDelayOthers()
    {
        TcpBusOptions o;
        o.queueBytes = 256 * 1024;
        Node a("127.0.0.2", kKey, o), healthy("127.0.0.3");
        // Listens (the kernel completes connections) but never accepts nor
        // reads: a hung or SIGSTOPped process.
        Poco::Net::ServerSocket stuck(Poco::Net::SocketAddress(addressOn("127.0.0.5")), 1);
        const std::string stuckAddress = stuck.address().toString();
        const std::string big(32 * 1024, 'z');
        const int n = 1500; // 48 MiB offered to the stuck peer: more than the kernel buffers
        for (int i = 0; i < n; ++i) {
            a.bus->send(stuckAddress, env(1), big);
            CPPUNIT_ASSERT(a.bus->send(healthy.address(), env(2), std::to_string(i)));
        }
        CPPUNIT_ASSERT(healthy.inbox.waitFor(std::size_t(n)));
        const auto got = healthy.inbox.all();
        for (int i = 0; i < n; ++i) CPPUNIT_ASSERT_EQUAL(std::to_string(i), got[size_t(i)].payload);
        // The stuck peer was connected to and took what its kernel buffers hold, then nothing.
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), a.bus->stats().connects);
        CPPUNIT_ASSERT(a.bus->stats().sendQueueFull > 0);
        CPPUNIT_ASSERT(a.bus->stats().bytesOut > std::uint64_t(n) * 60);
    }

    void testSigstoppedProcessDoesNotDelayOthers()
    {
        TcpBusOptions o;
        o.queueBytes = 256 * 1024;
        Node a("127.0.0.2", kKey, o), healthy("127.0.0.3");
        // A real server process (redis-server; any listener would do), paused:
        // the kernel still accepts for it, nothing reads.
        jiffy::test::RedisServer paused;
        paused.start();
        paused.freeze();
        const std::string big(32 * 1024, 'z');
        const int n = 1500;
        for (int i = 0; i < n; ++i) {
            a.bus->send(paused.address(), env(1), big);
            CPPUNIT_ASSERT(a.bus->send(healthy.address(), env(2), std::to_string(i)));
        }
        CPPUNIT_ASSERT(healthy.inbox.waitFor(std::size_t(n)));
        CPPUNIT_ASSERT(a.bus->stats().sendQueueFull > 0);
        paused.thaw();
    }

    void testStalledPeerIsCutOffAndRetried()
    {
        TcpBusOptions o;
        o.writeStallMs = 300;
        o.backoffMinMs = 50;
        Node a("127.0.0.2", kKey, o);
        Poco::Net::ServerSocket stuck(Poco::Net::SocketAddress(addressOn("127.0.0.5")), 4);
        const std::string stuckAddress = stuck.address().toString();
        const std::string big(32 * 1024, 'z');
        // Keep offering until the connection has been given up at least once
        // and made again: a stalled peer costs its own queue, then a reconnect.
        CPPUNIT_ASSERT(eventually([&] {
            for (int i = 0; i < 64; ++i) a.bus->send(stuckAddress, env(1), big);
            const BusStats s = a.bus->stats();
            return s.sendUnreachable > 0 && s.reconnects > 0;
        }));
    }

    void testSilentInboundConnectionIsClosed()
    {
        TcpBusOptions o;
        o.inboundIdleMs = 200;
        Node a("127.0.0.2", kKey, o);
        auto s = rawTo(a.address());
        CPPUNIT_ASSERT(closedByPeer(s));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), a.bus->stats().inboundIdleClosed);
    }

    void testReconnectsAfterThePeerRestarts()
    {
        Node a("127.0.0.2");
        const std::string bAddress = addressOn("127.0.0.3");
        Inbox first, second;
        {
            TcpBus b(options(bAddress));
            b.setReceiver(first.receiver());
            b.start();
            CPPUNIT_ASSERT(a.bus->send(bAddress, env(1), "before"));
            CPPUNIT_ASSERT(first.waitFor(1));
        }
        TcpBus b(options(bAddress));
        b.setReceiver(second.receiver());
        b.start();
        // Frames sent while the old connection is found dead may be lost; a
        // later one arrives over a new connection.
        CPPUNIT_ASSERT(eventually([&] {
            a.bus->send(bAddress, env(1), "after");
            return second.waitFor(1, 50);
        }));
        CPPUNIT_ASSERT_EQUAL(std::string("after"), second.all().at(0).payload);
        CPPUNIT_ASSERT(a.bus->stats().connects >= 2);
        CPPUNIT_ASSERT(a.bus->stats().reconnects >= 1);
    }

    void testSendRefusesWhatItCannotCarry()
    {
        TcpBusOptions o;
        o.maxPayload = 1000;
        Node a("127.0.0.2", kKey, o);
        CPPUNIT_ASSERT(!a.bus->send("127.0.0.3:9", env(1), std::string(1001, 'x')));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), a.bus->stats().sendTooLarge);
        CPPUNIT_ASSERT(!a.bus->send("localhost:7070", env(1), "x")); // no name lookups on the bus
        CPPUNIT_ASSERT(!a.bus->send("127.0.0.3", env(1), "x"));
        CPPUNIT_ASSERT(!a.bus->send("127.0.0.3:70000", env(1), "x"));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(3), a.bus->stats().sendBadAddress);
        a.bus->stop();
        CPPUNIT_ASSERT(!a.bus->send("127.0.0.3:9", env(1), "x"));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), a.bus->stats().sendStopped);
    }

    void testInboundConnectionsAreCapped()
    {
        TcpBusOptions o;
        o.maxInbound = 2;
        Node a("127.0.0.2", kKey, o);
        auto s1 = rawTo(a.address());
        auto s2 = rawTo(a.address());
        CPPUNIT_ASSERT(eventually([&] { return a.bus->stats().inboundAccepted == 2; }));
        auto s3 = rawTo(a.address());
        CPPUNIT_ASSERT(closedByPeer(s3));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), a.bus->stats().inboundRefused);
        // The accepted ones still work.
        sendAll(s1, encodeFrame(env(1), "127.0.0.9:1", 1,
                                std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count(),
                                "x", kKey));
        CPPUNIT_ASSERT(a.inbox.waitFor(1));
    }

    void testAddressInUseNamesInternalAddress()
    {
        Node a("127.0.0.2");
        TcpBus second(options(a.address()));
        try {
            second.start();
            CPPUNIT_FAIL("a second bus started on " + a.address());
        } catch (const jiffy::host::AddressInUse& e) {
            CPPUNIT_ASSERT_EQUAL("internal_address " + a.address() + ": already in use", std::string(e.what()));
        }
        // The first one still serves.
        Node b("127.0.0.3");
        CPPUNIT_ASSERT(b.bus->send(a.address(), env(1), "x"));
        CPPUNIT_ASSERT(a.inbox.waitFor(1));
    }

    void testStopReturnsWhilePeersAreDown()
    {
        TcpBusOptions o;
        o.connectTimeoutMs = 60000; // a connect that would hang for a minute
        auto a = std::make_unique<Node>("127.0.0.2", kKey, o);
        // Refused (nothing listens) and unanswered (a full backlog of a listener nobody accepts on).
        Poco::Net::ServerSocket full(Poco::Net::SocketAddress(addressOn("127.0.0.5")), 0);
        std::vector<Poco::Net::StreamSocket> fillers;
        for (int i = 0; i < 8; ++i) {
            Poco::Net::StreamSocket f;
            try {
                f.connectNB(full.address());
            } catch (const Poco::Exception&) {
            }
            fillers.push_back(f);
        }
        for (int i = 0; i < 50; ++i) {
            a->bus->send(addressOn("127.0.0.6"), env(1), "x");
            a->bus->send(full.address().toString(), env(1), "x");
        }
        CPPUNIT_ASSERT(eventually([&] { return a->bus->stats().connectFailures > 0; }));
        auto stopped = std::async(std::launch::async, [&] { a->bus->stop(); });
        CPPUNIT_ASSERT_MESSAGE("stop() did not return within the liveness bound",
                               stopped.wait_for(std::chrono::milliseconds(kLiveMs)) == std::future_status::ready);
        a.reset();
    }

    void testOptionsAreValidated()
    {
        auto message = [](TcpBusOptions o) {
            try {
                TcpBus b(o);
            } catch (const std::invalid_argument& e) {
                return std::string(e.what());
            }
            return std::string("accepted");
        };
        CPPUNIT_ASSERT(contains(message(options("localhost:7070")), "internal_address: expected a numeric"));
        CPPUNIT_ASSERT(contains(message(options("0.0.0.0:7070")), "wildcard"));
        CPPUNIT_ASSERT(contains(message(options("127.0.0.1:7070", "")), "hmac_Key"));
        TcpBusOptions o = options("127.0.0.1:7070");
        o.backoffMaxMs = 1;
        CPPUNIT_ASSERT(contains(message(o), "backoff"));
        CPPUNIT_ASSERT_EQUAL(std::string("accepted"), message(options("[::1]:7070")));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TcpBusTest);
