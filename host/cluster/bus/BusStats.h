// The bus's counters. BusCounters is what the bus threads bump; BusStats is
// a plain-integer snapshot of it for the host's /metrics and for tests.
#pragma once

#include <atomic>
#include <cstdint>

namespace jiffy::cluster::bus {

/// The list of counters, once: X(name).
#define JIFFY_BUS_COUNTERS(X)                                                                                          \
    X(framesIn)          /* authenticated, fresh frames handed to the receiver */                                      \
    X(framesOut)         /* frames written whole to a peer's socket */                                                 \
    X(bytesIn)           /* bytes read from inbound connections */                                                     \
    X(bytesOut)          /* bytes written to outbound connections */                                                   \
    X(droppedBadMac)     /* inbound: HMAC missing or wrong (another key, or forged) */                                 \
    X(droppedMalformed)  /* inbound: impossible header field */                                                        \
    X(droppedOversized)  /* inbound: announced payload above max_payload */                                            \
    X(droppedBadMagic)   /* inbound: not a bus frame (garbage) */                                                      \
    X(droppedBadVersion) /* inbound: unknown frame version */                                                          \
    X(droppedReplayed)   /* inbound: sequence not above the last one of its sender */                                  \
    X(droppedStale)      /* inbound: timestamp outside the replay window */                                            \
    X(droppedTruncated)  /* inbound: connection closed in the middle of a frame */                                     \
    X(sendQueueFull)     /* outbound: the peer's queue was full */                                                     \
    X(sendTooLarge)      /* outbound: payload above max_payload */                                                     \
    X(sendBadAddress)    /* outbound: address not numeric ip:port */                                                   \
    X(sendStopped)       /* outbound: the bus was not running */                                                       \
    X(sendUnreachable)   /* outbound: queued frames dropped because the connection failed */                           \
    X(connects)          /* outbound connections established */                                                        \
    X(reconnects)        /* ... of which after an earlier connection or attempt to that peer failed */                 \
    X(connectFailures)   /* outbound connects refused or timed out */                                                  \
    X(inboundAccepted)   /* inbound connections accepted */                                                            \
    X(inboundRefused)    /* inbound connections closed at once: max_inbound reached */                                 \
    X(inboundIdleClosed) /* inbound connections closed after inbound_idle */

struct BusStats {
#define JIFFY_BUS_FIELD(name) std::uint64_t name = 0;
    JIFFY_BUS_COUNTERS(JIFFY_BUS_FIELD)
#undef JIFFY_BUS_FIELD
    /// Inbound frames dropped for any reason.
    std::uint64_t droppedIn() const
    {
        return droppedBadMac + droppedMalformed + droppedOversized + droppedBadMagic + droppedBadVersion +
               droppedReplayed + droppedStale + droppedTruncated;
    }
};

struct BusCounters {
#define JIFFY_BUS_ATOMIC(name) std::atomic<std::uint64_t> name{0};
    JIFFY_BUS_COUNTERS(JIFFY_BUS_ATOMIC)
#undef JIFFY_BUS_ATOMIC
    BusStats snapshot() const
    {
        BusStats s;
#define JIFFY_BUS_COPY(name) s.name = name.load(std::memory_order_relaxed);
        JIFFY_BUS_COUNTERS(JIFFY_BUS_COPY)
#undef JIFFY_BUS_COPY
        return s;
    }
};

} // namespace jiffy::cluster::bus
