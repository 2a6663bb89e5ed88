// Wire format, hand-written rather than a serialization library because the
// messages are few and flat and the decoder must be total and bounded:
// integers are fixed-width little-endian (u8 / u64), strings and lists are a
// u32 length followed by their bytes or elements. Every length is checked
// against its bound and against the bytes that remain before anything is
// allocated, so a hostile length cannot make the decoder reserve memory.
#include "cluster/Message.h"

#include <stdexcept>
#include <type_traits>

namespace jiffy::cluster {
namespace {

class Writer {
public:
    void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
    void u32(std::uint32_t v)
    {
        for (int i = 0; i < 4; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
    }
    void u64(std::uint64_t v)
    {
        for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
    }
    void str(const std::string& s, std::size_t max, const char* what)
    {
        if (s.size() > max) throw std::length_error(std::string("cluster message: ") + what + " longer than limit");
        u32(static_cast<std::uint32_t>(s.size()));
        out_.append(s);
    }
    void count(std::size_t n, std::size_t max, const char* what)
    {
        if (n > max) throw std::length_error(std::string("cluster message: too many ") + what);
        u32(static_cast<std::uint32_t>(n));
    }
    std::string take() { return std::move(out_); }

private:
    std::string out_;
};

/// Reader that records the first error and then returns zeros: callers check ok() once at the end.
class Reader {
public:
    explicit Reader(std::string_view in) : in_(in) {}
    bool ok() const { return error_.empty(); }
    const std::string& error() const { return error_; }
    std::size_t remaining() const { return in_.size() - pos_; }
    void fail(std::string message)
    {
        if (error_.empty()) error_ = std::move(message) + " at byte " + std::to_string(pos_);
    }
    std::uint8_t u8(const char* what)
    {
        if (!need(1, what)) return 0;
        return static_cast<std::uint8_t>(in_[pos_++]);
    }
    std::uint32_t u32(const char* what)
    {
        if (!need(4, what)) return 0;
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i) v |= std::uint32_t{static_cast<std::uint8_t>(in_[pos_ + i])} << (8 * i);
        pos_ += 4;
        return v;
    }
    std::uint64_t u64(const char* what)
    {
        if (!need(8, what)) return 0;
        std::uint64_t v = 0;
        for (int i = 0; i < 8; ++i) v |= std::uint64_t{static_cast<std::uint8_t>(in_[pos_ + i])} << (8 * i);
        pos_ += 8;
        return v;
    }
    std::string str(std::size_t max, const char* what)
    {
        std::uint32_t n = u32(what);
        if (!ok()) return {};
        if (n > max) {
            fail(std::string(what) + ": length " + std::to_string(n) + " exceeds " + std::to_string(max));
            return {};
        }
        if (!need(n, what)) return {};
        std::string s(in_.substr(pos_, n));
        pos_ += n;
        return s;
    }
    /// A list length, bounded by `max` and by what `minElementBytes` per element leaves room for.
    std::size_t count(std::size_t max, std::size_t minElementBytes, const char* what)
    {
        std::uint32_t n = u32(what);
        if (!ok()) return 0;
        if (n > max) {
            fail(std::string(what) + ": count " + std::to_string(n) + " exceeds " + std::to_string(max));
            return 0;
        }
        if (std::uint64_t{n} * minElementBytes > remaining()) {
            fail(std::string(what) + ": count " + std::to_string(n) + " does not fit the remaining " +
                 std::to_string(remaining()) + " bytes");
            return 0;
        }
        return n;
    }

private:
    bool need(std::size_t n, const char* what)
    {
        if (!ok()) return false;
        if (remaining() < n) {
            fail(std::string("truncated: ") + what + " needs " + std::to_string(n) + " bytes, " +
                 std::to_string(remaining()) + " left");
            return false;
        }
        return true;
    }

    std::string_view in_;
    std::size_t pos_ = 0;
    std::string error_;
};

constexpr std::size_t kMinUpdateBytes = 8 + 4 + 1 + 8 + 8;

void put(Writer& w, const Update& u)
{
    w.u64(u.pid);
    w.str(u.address, kMaxAddressBytes, "address");
    w.u8(static_cast<std::uint8_t>(u.status));
    w.u64(u.incarnation);
    w.u64(u.from);
}

void putUpdates(Writer& w, const std::vector<Update>& updates, std::size_t max)
{
    w.count(updates.size(), max, "updates");
    for (const auto& u : updates) put(w, u);
}

Update getUpdate(Reader& r)
{
    Update u;
    u.pid = r.u64("update.pid");
    u.address = r.str(kMaxAddressBytes, "update.address");
    std::uint8_t status = r.u8("update.status");
    if (status > static_cast<std::uint8_t>(Status::Departed))
        r.fail("update.status: unknown value " + std::to_string(status));
    u.status = static_cast<Status>(status);
    u.incarnation = r.u64("update.incarnation");
    u.from = r.u64("update.from");
    return u;
}

std::vector<Update> getUpdates(Reader& r, std::size_t max)
{
    std::size_t n = r.count(max, kMinUpdateBytes, "updates");
    std::vector<Update> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n && r.ok(); ++i) out.push_back(getUpdate(r));
    return out;
}

void encodeInto(Writer& w, const Ping& m)
{
    w.u64(m.seq);
    w.u64(m.target);
    putUpdates(w, m.updates, kMaxUpdates);
}
void encodeInto(Writer& w, const Ack& m)
{
    w.u64(m.seq);
    putUpdates(w, m.updates, kMaxUpdates);
}
void encodeInto(Writer& w, const PingReq& m)
{
    w.u64(m.seq);
    w.u64(m.target);
    w.str(m.targetAddress, kMaxAddressBytes, "target address");
    putUpdates(w, m.updates, kMaxUpdates);
}
void encodeInto(Writer& w, const IndirectAck& m)
{
    w.u64(m.seq);
}
void encodeInto(Writer& w, const IndirectNack& m)
{
    w.u64(m.seq);
}
void encodeInto(Writer& w, const Join& m)
{
    w.u64(m.pid);
}
void encodeInto(Writer& w, const JoinReply& m)
{
    w.str(m.error, kMaxErrorBytes, "error");
    w.u64(m.pid);
    w.u64(m.incarnation);
    w.u64(m.leader);
    w.str(m.leaderAddress, kMaxAddressBytes, "leader address");
    w.u64(m.term);
    putUpdates(w, m.members, kMaxMembers);
}
void encodeInto(Writer& w, const Departing& m)
{
    w.u64(m.pid);
    w.u64(m.incarnation);
}
void encodeInto(Writer& w, const LeaderAnnounce& m)
{
    w.u64(m.pid);
    w.str(m.address, kMaxAddressBytes, "leader address");
    w.u64(m.term);
}
void encodeInto(Writer& w, const CacheInvalidate& m)
{
    w.str(m.cache, kMaxCacheNameBytes, "cache name");
    w.str(m.key, kMaxCacheKeyBytes, "cache key");
}
void encodeInto(Writer& w, const Sync& m)
{
    w.u8(m.reply ? 1 : 0);
    putUpdates(w, m.members, kMaxSyncMembers);
}

Payload decodeAs(MessageType type, Reader& r)
{
    switch (type) {
    case MessageType::Ping: {
        Ping m;
        m.seq = r.u64("seq");
        m.target = r.u64("target");
        m.updates = getUpdates(r, kMaxUpdates);
        return m;
    }
    case MessageType::Ack: {
        Ack m;
        m.seq = r.u64("seq");
        m.updates = getUpdates(r, kMaxUpdates);
        return m;
    }
    case MessageType::PingReq: {
        PingReq m;
        m.seq = r.u64("seq");
        m.target = r.u64("target");
        m.targetAddress = r.str(kMaxAddressBytes, "target address");
        m.updates = getUpdates(r, kMaxUpdates);
        return m;
    }
    case MessageType::IndirectAck:
        return IndirectAck{r.u64("seq")};
    case MessageType::IndirectNack:
        return IndirectNack{r.u64("seq")};
    case MessageType::Join:
        return Join{r.u64("pid")};
    case MessageType::JoinReply: {
        JoinReply m;
        m.error = r.str(kMaxErrorBytes, "error");
        m.pid = r.u64("pid");
        m.incarnation = r.u64("incarnation");
        m.leader = r.u64("leader");
        m.leaderAddress = r.str(kMaxAddressBytes, "leader address");
        m.term = r.u64("term");
        m.members = getUpdates(r, kMaxMembers);
        return m;
    }
    case MessageType::Departing: {
        Departing m;
        m.pid = r.u64("pid");
        m.incarnation = r.u64("incarnation");
        return m;
    }
    case MessageType::Leader: {
        LeaderAnnounce m;
        m.pid = r.u64("pid");
        m.address = r.str(kMaxAddressBytes, "leader address");
        m.term = r.u64("term");
        return m;
    }
    case MessageType::CacheInvalidate: {
        CacheInvalidate m;
        m.cache = r.str(kMaxCacheNameBytes, "cache name");
        m.key = r.str(kMaxCacheKeyBytes, "cache key");
        return m;
    }
    case MessageType::Sync: {
        Sync m;
        std::uint8_t reply = r.u8("reply");
        if (reply > 1) r.fail("reply: expected 0 or 1, got " + std::to_string(reply));
        m.reply = reply == 1;
        m.members = getUpdates(r, kMaxSyncMembers);
        return m;
    }
    }
    r.fail("unknown message type " + std::to_string(static_cast<int>(type)));
    return Ping{};
}

bool knownType(std::uint8_t t)
{
    return t >= static_cast<std::uint8_t>(MessageType::Ping) && t <= static_cast<std::uint8_t>(MessageType::Sync);
}

} // namespace

std::string toString(MessageType type)
{
    switch (type) {
    case MessageType::Ping:
        return "PING";
    case MessageType::Ack:
        return "ACK";
    case MessageType::PingReq:
        return "PING_REQ";
    case MessageType::IndirectAck:
        return "INDIRECT_ACK";
    case MessageType::IndirectNack:
        return "INDIRECT_NACK";
    case MessageType::Join:
        return "JOIN";
    case MessageType::JoinReply:
        return "JOIN_REPLY";
    case MessageType::Departing:
        return "DEPARTING";
    case MessageType::Leader:
        return "LEADER";
    case MessageType::CacheInvalidate:
        return "CACHE_INVALIDATE";
    case MessageType::Sync:
        return "SYNC";
    }
    return "UNKNOWN(" + std::to_string(static_cast<int>(type)) + ")";
}

std::string toString(Status status)
{
    switch (status) {
    case Status::Alive:
        return "ALIVE";
    case Status::Suspect:
        return "SUSPECT";
    case Status::Failed:
        return "FAILED";
    case Status::Departing:
        return "DEPARTING";
    case Status::Departed:
        return "DEPARTED";
    }
    return "UNKNOWN";
}

MessageType typeOf(const Payload& payload)
{
    return static_cast<MessageType>(payload.index() + 1); // Payload's alternatives are in MessageType order
}

std::string encode(const Payload& payload)
{
    Writer w;
    std::visit([&](const auto& m) { encodeInto(w, m); }, payload);
    return w.take();
}

Decoded decode(std::uint8_t type, std::string_view bytes) noexcept
{
    try {
        if (!knownType(type)) return DecodeError{"unknown message type " + std::to_string(type)};
        Reader r(bytes);
        Payload p = decodeAs(static_cast<MessageType>(type), r);
        if (r.ok() && r.remaining() != 0)
            r.fail(std::to_string(r.remaining()) + " trailing bytes after " + toString(static_cast<MessageType>(type)));
        if (!r.ok()) return DecodeError{toString(static_cast<MessageType>(type)) + ": " + r.error()};
        return p;
    } catch (const std::exception& e) { // only std::bad_alloc can get here
        return DecodeError{std::string("cluster message: ") + e.what()};
    }
}

static_assert(std::variant_size_v<Payload> == static_cast<std::size_t>(MessageType::Sync),
              "Payload alternatives must follow MessageType order");

} // namespace jiffy::cluster

extern "C" int jiffy_cluster_fuzz_decode(const std::uint8_t* data, std::size_t size)
{
    if (size == 0) return 0;
    auto decoded = jiffy::cluster::decode(
        data[0], std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1)); // NOLINT: byte view
    if (auto* p = std::get_if<jiffy::cluster::Payload>(&decoded)) {
        // A decoded value must encode back to the same bytes (the format has one spelling per value).
        std::string again = jiffy::cluster::encode(*p);
        if (again != std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1)) __builtin_trap();
    }
    return 0;
}
