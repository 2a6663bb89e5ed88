#include "PgValues.h"

#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

namespace jiffy::postgres {
namespace {

constexpr size_t kNull = static_cast<size_t>(-1);
constexpr size_t kDirect = static_cast<size_t>(-2);

/// Appends `text` and a NUL to the arena; returns where it starts.
size_t stash(std::string& arena, std::string_view text)
{
    size_t at = arena.size();
    arena.append(text);
    arena.push_back('\0');
    return at;
}

size_t stashDouble(std::string& arena, double d)
{
    if (std::isnan(d)) return stash(arena, "NaN");
    if (std::isinf(d)) return stash(arena, d > 0 ? "Infinity" : "-Infinity");
    char buf[64];
    // Shortest text that reads back as the same double.
    auto r = std::to_chars(buf, buf + sizeof buf, d);
    return stash(arena, std::string_view(buf, static_cast<size_t>(r.ptr - buf)));
}

int hexDigit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

jiffy::Value bytesCell(const char* s, size_t n, std::string& scratch)
{
    scratch.clear();
    if (n >= 2 && s[0] == '\\' && s[1] == 'x') {
        scratch.reserve((n - 2) / 2);
        for (size_t i = 2; i + 1 < n; i += 2) {
            int hi = hexDigit(s[i]), lo = hexDigit(s[i + 1]);
            if (hi < 0 || lo < 0) jiffy::fail(JIFFY_INTERNAL, "postgres: malformed bytea in a result");
            scratch.push_back(static_cast<char>(hi * 16 + lo));
        }
    } else {
        // bytea_output = 'escape' (a server that ignored our SET)
        size_t len = 0;
        unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(s), &len);
        if (!raw) throw std::bad_alloc();
        scratch.assign(reinterpret_cast<const char*>(raw), len);
        PQfreemem(raw);
    }
    return jiffy::Value(jiffy::Blob{scratch});
}

jiffy::Value doubleCell(const char* s, size_t n)
{
    double d = 0;
    auto r = std::from_chars(s, s + n, d);
    if (r.ec == std::errc() && r.ptr == s + n) return jiffy::Value(d);
    return jiffy::Value(std::string_view(s, n));
}

jiffy::Value numericCell(const char* s, size_t n)
{
    std::string_view text(s, n);
    if (text == "NaN") return jiffy::Value(std::numeric_limits<double>::quiet_NaN());
    if (text == "Infinity") return jiffy::Value(std::numeric_limits<double>::infinity());
    if (text == "-Infinity") return jiffy::Value(-std::numeric_limits<double>::infinity());
    if (text.find('.') == std::string_view::npos) {
        long long v = 0;
        auto r = std::from_chars(s, s + n, v);
        if (r.ec == std::errc() && r.ptr == s + n) return jiffy::Value(v);
    }
    // Up to 15 significant digits survive decimal → double → decimal (DBL_DIG).
    size_t first = text.find_first_of("123456789");
    size_t last = text.find_last_of("123456789");
    size_t significant = 0;
    if (first != std::string_view::npos) {
        for (size_t i = first; i <= last; ++i)
            if (text[i] != '.') ++significant;
    }
    if (significant <= 15) {
        double d = 0;
        auto r = std::from_chars(s, s + n, d);
        if (r.ec == std::errc() && r.ptr == s + n && std::isfinite(d)) return jiffy::Value(d);
    }
    return jiffy::Value(text); // exact, as PostgreSQL printed it
}

/// "2024-02-29 13:14:15.5+05" → "2024-02-29T13:14:15.5+05:00" (DateStyle ISO output).
jiffy::Value timestampCell(const char* s, size_t n, std::string& scratch)
{
    std::string_view text(s, n);
    if (n < 19 || s[10] != ' ' || text.substr(n - 3) == " BC") return jiffy::Value(text);
    scratch.assign(s, n);
    scratch[10] = 'T';
    size_t sign = scratch.find_first_of("+-", 19);
    if (sign != std::string::npos && scratch.size() - sign == 3) scratch += ":00";
    return jiffy::Value(std::string_view(scratch));
}

bool identChar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
           c >= 0x80;
}

bool identStart(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

bool digit(char c)
{
    return c >= '0' && c <= '9';
}

} // namespace

void ParamEncoder::encode(const jiffy::ValuesView& params)
{
    const size_t n = params.size();
    if (n > 65535)
        jiffy::fail(JIFFY_INVALID, "postgres: at most 65535 parameters per statement, got " + std::to_string(n));
    types_.assign(n, oid::kUnknown);
    values_.assign(n, nullptr);
    lengths_.assign(n, 0);
    formats_.assign(n, 0);
    offsets_.assign(n, kNull);
    signature_.assign(n, 'u');
    arena_.clear();
    for (size_t i = 0; i < n; ++i) {
        const jiffy_value& v = params[i];
        char buf[32];
        switch (v.type) {
        case JIFFY_TYPE_NULL:
            break; // unknown type, NULL pointer
        case JIFFY_TYPE_INT: {
            types_[i] = oid::kInt8;
            signature_[i] = 'i';
            auto r = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(v.i));
            offsets_[i] = stash(arena_, std::string_view(buf, static_cast<size_t>(r.ptr - buf)));
            break;
        }
        case JIFFY_TYPE_BOOL:
            types_[i] = oid::kBool;
            signature_[i] = 'b';
            offsets_[i] = stash(arena_, v.i ? "t" : "f");
            break;
        case JIFFY_TYPE_DOUBLE:
            types_[i] = oid::kFloat8;
            signature_[i] = 'd';
            offsets_[i] = stashDouble(arena_, v.d);
            break;
        case JIFFY_TYPE_TEXT: {
            std::string_view text = params.getText(i);
            // libpq reads text-format parameters up to their NUL; PostgreSQL text cannot hold one anyway.
            if (text.find('\0') != std::string_view::npos)
                jiffy::fail(JIFFY_INVALID,
                            "postgres: text parameter $" + std::to_string(i + 1) + " contains a NUL byte");
            offsets_[i] = stash(arena_, text);
            break;
        }
        case JIFFY_TYPE_BLOB:
            types_[i] = oid::kBytea;
            signature_[i] = 'x';
            formats_[i] = 1;
            lengths_[i] = static_cast<int>(v.size);
            if (v.size > static_cast<size_t>(std::numeric_limits<int>::max()))
                jiffy::fail(JIFFY_TOO_LARGE, "postgres: blob parameter $" + std::to_string(i + 1) + " is over 2 GiB");
            offsets_[i] = kDirect;
            break;
        default:
            jiffy::fail(JIFFY_INVALID, "postgres: parameter $" + std::to_string(i + 1) + " has unknown type " +
                                           std::to_string(v.type));
        }
    }
    // Pointers last: the arena no longer moves.
    for (size_t i = 0; i < n; ++i) {
        if (offsets_[i] == kNull) continue;
        if (offsets_[i] == kDirect) {
            // A NULL pointer would mean SQL NULL, so an empty blob points at "".
            const jiffy_value& v = params[i];
            values_[i] = v.data && v.size ? v.data : "";
            continue;
        }
        values_[i] = arena_.data() + offsets_[i];
        lengths_[i] = static_cast<int>(std::strlen(values_[i]));
    }
}

CellKind cellKindFor(Oid type)
{
    switch (type) {
    case oid::kInt2:
    case oid::kInt4:
    case oid::kInt8:
    case oid::kOid:
        return CellKind::Int;
    case oid::kFloat4:
    case oid::kFloat8:
        return CellKind::Double;
    case oid::kNumeric:
        return CellKind::Numeric;
    case oid::kBool:
        return CellKind::Bool;
    case oid::kBytea:
        return CellKind::Bytes;
    case oid::kTimestamp:
    case oid::kTimestampTz:
        return CellKind::Timestamp;
    default:
        return CellKind::Text;
    }
}

jiffy::Value convertCell(CellKind kind, const char* s, size_t n, std::string& scratch)
{
    switch (kind) {
    case CellKind::Int: {
        long long v = 0;
        auto r = std::from_chars(s, s + n, v);
        if (r.ec == std::errc() && r.ptr == s + n) return jiffy::Value(v);
        return jiffy::Value(std::string_view(s, n));
    }
    case CellKind::Double:
        return doubleCell(s, n);
    case CellKind::Numeric:
        return numericCell(s, n);
    case CellKind::Bool:
        return jiffy::Value(n > 0 && s[0] == 't');
    case CellKind::Bytes:
        return bytesCell(s, n, scratch);
    case CellKind::Timestamp:
        return timestampCell(s, n, scratch);
    case CellKind::Text:
        break;
    }
    return jiffy::Value(std::string_view(s, n));
}

size_t highestParameter(std::string_view s)
{
    const size_t n = s.size();
    size_t i = 0, highest = 0;
    while (i < n) {
        const char c = s[i];
        if (c == '\'') {
            // E'...' strings take backslash escapes; plain ones only '' (standard_conforming_strings).
            bool escapes = i > 0 && (s[i - 1] == 'E' || s[i - 1] == 'e') &&
                           (i < 2 || !identChar(static_cast<unsigned char>(s[i - 2])));
            ++i;
            while (i < n) {
                if (escapes && s[i] == '\\') {
                    i += 2;
                } else if (s[i] == '\'') {
                    ++i;
                    if (i < n && s[i] == '\'')
                        ++i; // doubled quote: still inside
                    else
                        break;
                } else {
                    ++i;
                }
            }
        } else if (c == '"') {
            size_t end = s.find('"', i + 1);
            i = end == std::string_view::npos ? n : end + 1;
        } else if (c == '-' && i + 1 < n && s[i + 1] == '-') {
            size_t end = s.find('\n', i);
            i = end == std::string_view::npos ? n : end + 1;
        } else if (c == '/' && i + 1 < n && s[i + 1] == '*') {
            int depth = 1;
            i += 2;
            while (i < n && depth > 0) {
                if (s[i] == '/' && i + 1 < n && s[i + 1] == '*') {
                    ++depth;
                    i += 2;
                } else if (s[i] == '*' && i + 1 < n && s[i + 1] == '/') {
                    --depth;
                    i += 2;
                } else {
                    ++i;
                }
            }
        } else if (c == '$') {
            size_t j = i + 1;
            if (j < n && digit(s[j])) {
                size_t v = 0;
                for (; j < n && digit(s[j]); ++j)
                    v = std::min<size_t>(v * 10 + static_cast<size_t>(s[j] - '0'), 1000000);
                highest = std::max(highest, v);
                i = j;
                continue;
            }
            // $tag$ ... $tag$ or $$ ... $$
            if (j < n && identStart(static_cast<unsigned char>(s[j])))
                while (j < n && s[j] != '$' && identChar(static_cast<unsigned char>(s[j]))) ++j;
            if (j < n && s[j] == '$') {
                std::string_view tag = s.substr(i, j - i + 1);
                size_t end = s.find(tag, j + 1);
                i = end == std::string_view::npos ? n : end + tag.size();
            } else {
                ++i;
            }
        } else if (identChar(static_cast<unsigned char>(c))) {
            // Keywords, identifiers and numbers as one run: "a$1" is an identifier, not a parameter.
            while (i < n && identChar(static_cast<unsigned char>(s[i]))) ++i;
        } else {
            ++i;
        }
    }
    return highest;
}

} // namespace jiffy::postgres
