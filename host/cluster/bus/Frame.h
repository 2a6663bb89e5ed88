// The bus's wire format: one frame = a fixed 52-byte header, the sender's
// advertised address, the payload, and an HMAC-SHA256 over all of that under
// the cluster key (layout in host/cluster/bus/README.md). encodeFrame and
// decodeFrame are pure (no sockets, no clock), so the bus, the unit tests
// and a fuzzer call the same code.
#pragma once

#include "cluster/Transport.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace jiffy::cluster::bus {

inline constexpr char kFrameMagic[4] = {'J', 'F', 'Y', 'B'};
inline constexpr std::uint8_t kFrameVersion = 1;
inline constexpr std::size_t kHeaderSize = 52;
inline constexpr std::size_t kMacSize = 32;
inline constexpr std::size_t kMaxAddressSize = 255;
inline constexpr std::size_t kDefaultMaxPayload = 64 * 1024;

/// What decodeFrame found at the start of a byte buffer.
enum class DecodeStatus {
    Ok,         ///< a whole, authenticated frame
    Incomplete, ///< the bytes so far are a valid prefix: read more
    BadMagic,   ///< not a bus frame (framing lost)
    BadVersion, ///< a frame of a version this build does not speak (framing lost)
    Oversized,  ///< the header announces a payload above the cap (framing lost)
    Malformed,  ///< a header field is impossible (framing lost)
    BadMac,     ///< well framed, but the HMAC does not match (`consumed` skips it)
};

/// The stable name of a status ("bad_mac", ...), for counters and logs.
const char* statusName(DecodeStatus s);

/// A decoded frame; `sender` and `payload` point into the decoded bytes.
struct Frame {
    Envelope env;
    std::uint64_t sequence = 0;   ///< per-sender, strictly increasing
    std::int64_t timestampMs = 0; ///< the sender's wall clock (ms since the epoch) when it queued the frame
    std::string_view sender;      ///< the sender's advertised internal_address
    std::string_view payload;
};

struct DecodeResult {
    DecodeStatus status = DecodeStatus::Incomplete;
    /// Bytes the frame takes (Ok and BadMac); 0 otherwise.
    std::size_t consumed = 0;
    Frame frame; ///< filled for Ok only
};

/// The frame for `payload`, signed with `key`. Throws std::invalid_argument
/// when `sender` is longer than kMaxAddressSize or the payload above 4 GiB.
std::string encodeFrame(const Envelope& env, std::string_view sender, std::uint64_t sequence, std::int64_t timestampMs,
                        std::string_view payload, std::string_view key);

/// Decodes the frame at the start of `bytes` (bytes after it are left
/// alone). Never throws; reads nothing outside `bytes`. The MAC is compared
/// in constant time. Freshness (sequence, timestamp) is the caller's check:
/// see ReplayGuard.
DecodeResult decodeFrame(std::string_view bytes, std::string_view key, std::size_t maxPayload = kDefaultMaxPayload);

/// The largest frame decodeFrame accepts with `maxPayload`.
constexpr std::size_t maxFrameSize(std::size_t maxPayload)
{
    return kHeaderSize + kMaxAddressSize + maxPayload + kMacSize;
}

} // namespace jiffy::cluster::bus
