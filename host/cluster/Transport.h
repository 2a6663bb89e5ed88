// The seam between the cluster's logic and its network. The membership state
// machine and the cluster node speak only to this interface: the simulator and
// unit tests plug in an in-memory network with a virtual clock, jiffyd plugs in
// the authenticated TCP bus on internal_address (host/cluster/bus/).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace jiffy::cluster {

/// Member id: allocated by the leader from a KVS counter, never reused. 0 = not joined yet.
using Pid = std::uint64_t;

/// What every bus frame carries besides its payload (authenticated together with it).
struct Envelope {
    std::uint8_t type = 0;         ///< message type (cluster::MessageType); the bus does not interpret it
    Pid sender = 0;                ///< the sender's PID (0 while joining)
    std::uint64_t incarnation = 0; ///< the sender's incarnation number
    std::uint64_t term = 0;        ///< the highest leader term the sender has seen (fencing)
};

/// Sends and receives opaque payloads between members addressed by "ip:port".
class Transport {
public:
    /// Called for every authenticated, well-formed, fresh frame; `from` is the
    /// sender's advertised internal_address. Runs on the transport's receive
    /// thread: keep it short (hand work to the node's own thread).
    using Receiver = std::function<void(const std::string& from, const Envelope& env, std::string_view payload)>;

    virtual ~Transport() = default;
    /// Queues one frame for `address`. Never blocks on the peer: false when the
    /// frame was dropped (queue full, transport stopped, payload too large).
    virtual bool send(const std::string& address, const Envelope& env, std::string_view payload) = 0;
    /// Installs the receive callback (before start).
    virtual void setReceiver(Receiver receiver) = 0;
    /// This member's own address as peers dial it.
    virtual const std::string& localAddress() const = 0;
};

} // namespace jiffy::cluster
