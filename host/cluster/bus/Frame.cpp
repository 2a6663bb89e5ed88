#include "cluster/bus/Frame.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace jiffy::cluster::bus {
namespace {

// Header offsets (big-endian integers).
constexpr std::size_t kOffVersion = 4, kOffType = 5, kOffAddrLen = 6, kOffFlags = 7, kOffSender = 8,
                      kOffIncarnation = 16, kOffTerm = 24, kOffSequence = 32, kOffTimestamp = 40, kOffPayloadLen = 48;

void put64(std::string& out, std::uint64_t v)
{
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

void put32(std::string& out, std::uint32_t v)
{
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

std::uint64_t get64(std::string_view b, std::size_t at)
{
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(b[at + i]);
    return v;
}

std::uint32_t get32(std::string_view b, std::size_t at)
{
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(b[at + i]);
    return v;
}

/// HMAC-SHA256 of `data` under `key` into `out` (kMacSize bytes).
bool mac(std::string_view key, std::string_view data, unsigned char* out)
{
    unsigned int len = 0;
    const unsigned char* r = HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
                                  reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
    return r != nullptr && len == kMacSize;
}

} // namespace

const char* statusName(DecodeStatus s)
{
    switch (s) {
    case DecodeStatus::Ok:
        return "ok";
    case DecodeStatus::Incomplete:
        return "incomplete";
    case DecodeStatus::BadMagic:
        return "bad_magic";
    case DecodeStatus::BadVersion:
        return "bad_version";
    case DecodeStatus::Oversized:
        return "oversized";
    case DecodeStatus::Malformed:
        return "malformed";
    case DecodeStatus::BadMac:
        return "bad_mac";
    }
    return "unknown";
}

std::string encodeFrame(const Envelope& env, std::string_view sender, std::uint64_t sequence, std::int64_t timestampMs,
                        std::string_view payload, std::string_view key)
{
    if (sender.empty() || sender.size() > kMaxAddressSize)
        throw std::invalid_argument("bus frame: sender address must have 1 to 255 bytes, got " +
                                    std::to_string(sender.size()));
    if (payload.size() > 0xffffffffu) throw std::invalid_argument("bus frame: payload above 4 GiB");
    std::string out;
    out.reserve(kHeaderSize + sender.size() + payload.size() + kMacSize);
    out.append(kFrameMagic, sizeof kFrameMagic);
    out.push_back(static_cast<char>(kFrameVersion));
    out.push_back(static_cast<char>(env.type));
    out.push_back(static_cast<char>(sender.size()));
    out.push_back('\0'); // flags: none defined in version 1
    put64(out, env.sender);
    put64(out, env.incarnation);
    put64(out, env.term);
    put64(out, sequence);
    put64(out, static_cast<std::uint64_t>(timestampMs));
    put32(out, static_cast<std::uint32_t>(payload.size()));
    out.append(sender);
    out.append(payload);
    unsigned char digest[kMacSize];
    if (!mac(key, out, digest)) throw std::runtime_error("bus frame: HMAC-SHA256 failed");
    out.append(reinterpret_cast<const char*>(digest), kMacSize);
    return out;
}

DecodeResult decodeFrame(std::string_view bytes, std::string_view key, std::size_t maxPayload)
{
    DecodeResult r;
    // Reject a wrong start as early as it shows, so garbage costs no buffering.
    const std::size_t magicSeen = std::min(bytes.size(), sizeof kFrameMagic);
    if (magicSeen > 0 && std::memcmp(bytes.data(), kFrameMagic, magicSeen) != 0) {
        r.status = DecodeStatus::BadMagic;
        return r;
    }
    if (bytes.size() > kOffVersion && static_cast<std::uint8_t>(bytes[kOffVersion]) != kFrameVersion) {
        r.status = DecodeStatus::BadVersion;
        return r;
    }
    if (bytes.size() < kHeaderSize) return r; // Incomplete
    const std::size_t addrLen = static_cast<unsigned char>(bytes[kOffAddrLen]);
    const std::size_t payloadLen = get32(bytes, kOffPayloadLen);
    if (addrLen == 0 || bytes[kOffFlags] != '\0') {
        r.status = DecodeStatus::Malformed;
        return r;
    }
    if (payloadLen > maxPayload) {
        r.status = DecodeStatus::Oversized;
        return r;
    }
    const std::size_t signedLen = kHeaderSize + addrLen + payloadLen;
    if (bytes.size() < signedLen + kMacSize) return r; // Incomplete
    unsigned char digest[kMacSize];
    if (!mac(key, bytes.substr(0, signedLen), digest) ||
        CRYPTO_memcmp(digest, bytes.data() + signedLen, kMacSize) != 0) {
        r.status = DecodeStatus::BadMac;
        r.consumed = signedLen + kMacSize;
        return r;
    }
    r.status = DecodeStatus::Ok;
    r.consumed = signedLen + kMacSize;
    Frame& f = r.frame;
    f.env.type = static_cast<std::uint8_t>(bytes[kOffType]);
    f.env.sender = get64(bytes, kOffSender);
    f.env.incarnation = get64(bytes, kOffIncarnation);
    f.env.term = get64(bytes, kOffTerm);
    f.sequence = get64(bytes, kOffSequence);
    f.timestampMs = static_cast<std::int64_t>(get64(bytes, kOffTimestamp));
    f.sender = bytes.substr(kHeaderSize, addrLen);
    f.payload = bytes.substr(kHeaderSize + addrLen, payloadLen);
    return r;
}

} // namespace jiffy::cluster::bus
