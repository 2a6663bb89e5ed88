#include "Entry.h"

#include "Hashes.h"

#include <jiffy/kvs.hpp>

#include <charconv>

namespace files_kvs {
namespace {

constexpr std::string_view kEntryMagic = "jkv1";

/// Reads one decimal field of the header ending at `sep`; false if malformed.
bool takeNumber(std::string_view& s, char sep, int64_t& out)
{
    size_t end = s.find(sep);
    if (end == std::string_view::npos || end == 0) return false;
    auto r = std::from_chars(s.data(), s.data() + end, out);
    if (r.ec != std::errc() || r.ptr != s.data() + end || out < 0) return false;
    s.remove_prefix(end + 1);
    return true;
}

} // namespace

int64_t nowMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

int64_t expiryFor(std::chrono::milliseconds ttl)
{
    if (ttl.count() <= 0) return 0;
    int64_t now = nowMs();
    return ttl.count() > INT64_MAX - now ? INT64_MAX : now + ttl.count();
}

std::string encodeEntry(std::string_view key, std::string_view value, int64_t expiresMs)
{
    std::string out;
    out.reserve(64 + key.size() + value.size());
    out.append(kEntryMagic);
    out += ' ';
    out += std::to_string(expiresMs);
    out += ' ';
    out += std::to_string(key.size());
    out += ' ';
    out += std::to_string(value.size());
    out += ' ';
    out += hex64(fnv1a(key, value));
    out += '\n';
    out.append(key);
    out.append(value);
    return out;
}

bool decodeEntry(std::string_view bytes, Entry& e, std::string& why)
{
    int64_t keyLen = 0, valueLen = 0;
    if (bytes.substr(0, kEntryMagic.size() + 1) != std::string(kEntryMagic) + " ") {
        why = "not an entry of this store (bad magic)";
        return false;
    }
    std::string_view s = bytes.substr(kEntryMagic.size() + 1);
    if (!takeNumber(s, ' ', e.expiresMs) || !takeNumber(s, ' ', keyLen) || !takeNumber(s, ' ', valueLen) ||
        s.size() < 17 || s[16] != '\n') {
        why = "malformed header";
        return false;
    }
    std::string_view sum = s.substr(0, 16);
    s.remove_prefix(17);
    if (keyLen < 1 || keyLen > static_cast<int64_t>(jiffy::kMaxKeyLength) ||
        static_cast<uint64_t>(keyLen) + static_cast<uint64_t>(valueLen) != s.size()) {
        why = "truncated or with trailing bytes";
        return false;
    }
    e.key.assign(s.substr(0, static_cast<size_t>(keyLen)));
    e.value.assign(s.substr(static_cast<size_t>(keyLen)));
    if (hex64(fnv1a(e.key, e.value)) != sum) {
        why = "checksum mismatch";
        return false;
    }
    return true;
}

} // namespace files_kvs
