// The cluster bus on internal_address: plain framed TCP with HMAC-SHA256
// (see README.md beside this file). Two threads, each a poll(2) loop over
// non-blocking Poco sockets: the receiver (listener and inbound connections)
// and the sender (one persistent outbound connection per peer, made lazily).
// Nothing waits on a peer: a slow, paused or dead peer fills its own bounded
// queue and nothing else.
#pragma once

#include "cluster/Transport.h"
#include "cluster/bus/BusStats.h"

#include <Poco/Logger.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

namespace jiffy::cluster::bus {

struct TcpBusOptions {
    std::string address; ///< internal_address, "ip:port" (numeric IPv4 or IPv6 in brackets; port 0 = any)
    std::string key;     ///< the cluster secret (jiffy's hmac_Key); must not be empty
    std::size_t maxPayload = 64 * 1024;   ///< larger inbound frames are dropped, larger sends refused
    std::size_t maxInbound = 256;         ///< inbound connections at once; further ones are closed at accept
    std::size_t queueBytes = 1024 * 1024; ///< per peer: queued frames above this are dropped
    std::size_t maxPeers = 4096;          ///< distinct peer addresses with a queue
    int connectTimeoutMs = 1000;          ///< an outbound connect not done by then fails
    int writeStallMs = 5000;              ///< an outbound connection that takes no byte for this long is closed
    int inboundIdleMs = 60000;            ///< an inbound connection silent this long is closed
    int outboundIdleMs = 30000;           ///< an outbound connection unused this long is closed
    int backoffMinMs = 100;               ///< first wait before reconnecting after an error
    int backoffMaxMs = 5000;              ///< the wait doubles up to this
    std::int64_t replayWindowMs = 30000;  ///< accepted |frame timestamp - now| (clock skew included)
    std::size_t replaySenders = 4096;     ///< (address, incarnation) pairs whose last sequence is kept
};

class TcpBus : public Transport {
public:
    /// Validates the options; throws std::invalid_argument naming the bad one.
    explicit TcpBus(TcpBusOptions options, Poco::Logger& log = Poco::Logger::get("jiffyd.cluster.bus"));
    ~TcpBus() override;
    TcpBus(const TcpBus&) = delete;
    TcpBus& operator=(const TcpBus&) = delete;

    /// Binds and listens on the address (no SO_REUSEPORT), then starts the
    /// threads. Throws host::AddressInUse ("internal_address A: already in
    /// use") or Poco::Exception for other failures.
    void start();
    /// Closes every connection and joins the threads; frames still queued are
    /// dropped. Returns promptly whatever the peers do. Idempotent.
    void stop();

    bool send(const std::string& address, const Envelope& env, std::string_view payload) override;
    void setReceiver(Receiver receiver) override;
    const std::string& localAddress() const override { return local_; }

    BusStats stats() const { return counters_.snapshot(); }

private:
    struct Shared;
    void receiveLoop();
    void sendLoop();
    void wakeSender();

    TcpBusOptions opt_;
    Poco::Logger& log_;
    std::string local_;
    Receiver receiver_;
    BusCounters counters_;
    std::unique_ptr<Shared> shared_;
    std::atomic<bool> running_{false};
    std::thread receiveThread_;
    std::thread sendThread_;
};

} // namespace jiffy::cluster::bus
