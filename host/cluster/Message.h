// The cluster's messages: one MessageType per frame (carried in
// Envelope::type) and one payload struct per type, with a compact binary
// codec. The decoder is total: any byte string gives a payload or a
// DecodeError naming what was wrong, with every count and length bounded
// before anything is allocated (the bus hands it bytes from the network).
#pragma once

#include "cluster/Transport.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace jiffy::cluster {

enum class MessageType : std::uint8_t {
    Ping = 1,             ///< SWIM probe; the receiver answers Ack
    Ack = 2,              ///< answer to a Ping
    PingReq = 3,          ///< "probe this member for me" (indirect probe)
    IndirectAck = 4,      ///< the helper of a PingReq got an Ack from the target
    IndirectNack = 5,     ///< the helper of a PingReq got no Ack in time (Lifeguard)
    Join = 6,             ///< a starting member asks the leader for a PID and the member list
    JoinReply = 7,        ///< the leader's answer to Join
    Departing = 8,        ///< a member leaves on purpose
    Leader = 9,           ///< a new leader announces its term
    CacheInvalidate = 10, ///< drop one entry (or all, empty key) of a named cache
    Sync = 11             ///< anti-entropy: part of the sender's member list, now and then
};
/// "PING", "ACK", ...; "UNKNOWN(<n>)" for a byte that is no MessageType.
std::string toString(MessageType type);

/// jiffy's statuses (ALIVE is jiffy's ACTIVE/ALIVE).
enum class Status : std::uint8_t { Alive = 0, Suspect = 1, Failed = 2, Departing = 3, Departed = 4 };
std::string toString(Status status);

using Incarnation = std::uint64_t;
using TimeMs = std::int64_t; ///< milliseconds on the caller's monotonic clock

/// One piggybacked membership fact: "pid at address is status at incarnation".
/// `from` is the accuser of a Suspect update (Lifeguard counts independent
/// accusers); 0 otherwise.
struct Update {
    Pid pid = 0;
    std::string address;
    Status status = Status::Alive;
    Incarnation incarnation = 0;
    Pid from = 0;
    bool operator==(const Update& o) const
    {
        return pid == o.pid && address == o.address && status == o.status && incarnation == o.incarnation &&
               from == o.from;
    }
};

struct Ping {
    std::uint64_t seq = 0;
    Pid target = 0; ///< the PID the sender means (a restarted process on the address answers nothing)
    std::vector<Update> updates;
};
struct Ack {
    std::uint64_t seq = 0;
    std::vector<Update> updates;
};
struct PingReq {
    std::uint64_t seq = 0; ///< the requester's probe sequence, echoed in IndirectAck/IndirectNack
    Pid target = 0;
    std::string targetAddress;
    std::vector<Update> updates;
};
struct IndirectAck {
    std::uint64_t seq = 0;
};
struct IndirectNack {
    std::uint64_t seq = 0;
};
struct Join {
    Pid pid = 0; ///< 0 for a new process; a member merging into another leader's group keeps its PID
};
struct JoinReply {
    std::string error; ///< empty on success; else why (e.g. "not the leader")
    Pid pid = 0;       ///< the PID the joiner must use
    Incarnation incarnation = 0;
    Pid leader = 0;
    std::string leaderAddress;
    std::uint64_t term = 0;
    std::vector<Update> members;
};
struct Departing {
    Pid pid = 0;
    Incarnation incarnation = 0;
};
struct LeaderAnnounce {
    Pid pid = 0;
    std::string address;
    std::uint64_t term = 0;
};
struct CacheInvalidate {
    std::string cache;
    std::string key; ///< empty: the whole cache
};

struct Sync {
    bool reply = false; ///< an answer to a SYNC (push-pull): not answered again
    std::vector<Update> members;
};

using Payload = std::variant<Ping, Ack, PingReq, IndirectAck, IndirectNack, Join, JoinReply, Departing, LeaderAnnounce,
                             CacheInvalidate, Sync>;

struct DecodeError {
    std::string message;
};
using Decoded = std::variant<Payload, DecodeError>;

/// Bounds enforced by encode (throws std::length_error) and decode (error).
inline constexpr std::size_t kMaxAddressBytes = 255;
inline constexpr std::size_t kMaxCacheNameBytes = 255;
inline constexpr std::size_t kMaxCacheKeyBytes = 4096;
inline constexpr std::size_t kMaxErrorBytes = 1024;
inline constexpr std::size_t kMaxUpdates = 64;      ///< per probe message
inline constexpr std::size_t kMaxMembers = 100000;  ///< per JoinReply (a list of the whole group)
inline constexpr std::size_t kMaxSyncMembers = 256; ///< per Sync

MessageType typeOf(const Payload& payload);
std::string encode(const Payload& payload);
/// Total: never throws, never reads out of bounds; trailing bytes are an error.
Decoded decode(std::uint8_t type, std::string_view bytes) noexcept;

} // namespace jiffy::cluster

/// Entry point for a fuzz harness (libFuzzer's signature): the first byte is
/// the message type, the rest the payload. Returns 0.
extern "C" int jiffy_cluster_fuzz_decode(const std::uint8_t* data, std::size_t size);
