// jiffy/json.hpp — JSON output byte-compatible with Go's encoding/json.
//
// Header-only, standard library only. jiffy clients see exactly what a
// jiffy-generated service sends: <, > and & escaped as \u003c \u003e \u0026,
// U+2028/2029 escaped, invalid UTF-8 replaced by U+FFFD, '/' not escaped,
// floats in the shortest form that round-trips, 'e' notation outside
// [1e-6, 1e21) as Go prints it.
#ifndef JIFFY_JSON_HPP
#define JIFFY_JSON_HPP

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

namespace jiffy {

class JsonWriter {
public:
    /// Room for a typical entity from the start, so it grows at most rarely.
    JsonWriter() { out_.reserve(256); }
    JsonWriter& beginObject();
    JsonWriter& endObject();
    JsonWriter& beginArray();
    JsonWriter& endArray();
    /// Writes `"key":` (a separator first when needed).
    JsonWriter& key(std::string_view k);
    JsonWriter& string(std::string_view s);
    JsonWriter& integer(int64_t v);
    JsonWriter& number(double v);
    JsonWriter& boolean(bool b);
    JsonWriter& null();

    const std::string& str() const { return out_; }
    std::string take() { return std::move(out_); }

    /// The JSON string literal for `s` (with quotes).
    static std::string quote(std::string_view s);

private:
    void separate();
    std::string out_;
    bool needComma_ = false;
};

namespace detail {

inline const char kHex[] = "0123456789abcdef";

/// Length of the valid UTF-8 sequence at s[i], or 0 when invalid.
inline size_t utf8Length(std::string_view s, size_t i)
{
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (n == 0 || i + n > s.size()) return 0;
    for (size_t k = 1; k < n; ++k)
        if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return 0;
    uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1f) : n == 3 ? (c & 0x0f) : (c & 0x07);
    for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

/// True for the ASCII bytes written as they are (everything but controls,
/// '"', '\\' and the HTML-sensitive '<', '>', '&', escaped as Go's encoder does).
inline bool plainAscii(unsigned char c)
{
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&';
}

inline void appendEscaped(std::string& out, std::string_view s)
{
    out += '"';
    for (size_t i = 0; i < s.size();) {
        // The common case, a run of plain ASCII, is appended at once.
        size_t run = i;
        while (run < s.size() && plainAscii(static_cast<unsigned char>(s[run]))) ++run;
        if (run > i) {
            out.append(s.data() + i, run - i);
            i = run;
            if (i == s.size()) break;
        }
        auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            size_t n = utf8Length(s, i);
            if (n == 0) {
                out += "\\ufffd";
                ++i;
            } else if (n == 3 && c == 0xe2 && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
                       (static_cast<unsigned char>(s[i + 2]) == 0xa8 || static_cast<unsigned char>(s[i + 2]) == 0xa9)) {
                out += static_cast<unsigned char>(s[i + 2]) == 0xa8 ? "\\u2028" : "\\u2029";
                i += 3;
            } else {
                out.append(s.data() + i, n);
                i += n;
            }
            continue;
        }
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (c < 0x20 || c == '<' || c == '>' || c == '&') {
                out += "\\u00";
                out += kHex[c >> 4];
                out += kHex[c & 0xf];
            } else {
                out += static_cast<char>(c);
            }
        }
        ++i;
    }
    out += '"';
}

} // namespace detail

inline void JsonWriter::separate()
{
    if (needComma_) out_ += ',';
    needComma_ = true;
}

inline JsonWriter& JsonWriter::beginObject()
{
    separate();
    out_ += '{';
    needComma_ = false;
    return *this;
}

inline JsonWriter& JsonWriter::endObject()
{
    out_ += '}';
    needComma_ = true;
    return *this;
}

inline JsonWriter& JsonWriter::beginArray()
{
    separate();
    out_ += '[';
    needComma_ = false;
    return *this;
}

inline JsonWriter& JsonWriter::endArray()
{
    out_ += ']';
    needComma_ = true;
    return *this;
}

inline JsonWriter& JsonWriter::key(std::string_view k)
{
    separate();
    detail::appendEscaped(out_, k);
    out_ += ':';
    needComma_ = false;
    return *this;
}

inline JsonWriter& JsonWriter::string(std::string_view s)
{
    separate();
    detail::appendEscaped(out_, s);
    return *this;
}

inline JsonWriter& JsonWriter::integer(int64_t v)
{
    separate();
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, r.ptr);
    return *this;
}

inline JsonWriter& JsonWriter::number(double v)
{
    separate();
    if (!std::isfinite(v)) {
        out_ += "null"; // JSON has no NaN or infinity
        return *this;
    }
    // Go: 'f' format for 1e-6 <= |v| < 1e21, else 'e' with a two-digit exponent minimum removed.
    double a = std::fabs(v);
    char buf[64];
    std::to_chars_result r;
    if (a == 0 || (a >= 1e-6 && a < 1e21)) {
        r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
        out_.append(buf, r.ptr);
    } else {
        r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
        std::string s(buf, r.ptr);
        size_t e = s.find('e');
        if (e != std::string::npos && e + 2 < s.size() && s[e + 2] == '0' && e + 3 < s.size())
            s.erase(e + 2, 1); // e-07 → e-7, as Go prints
        out_ += s;
    }
    return *this;
}

inline JsonWriter& JsonWriter::boolean(bool b)
{
    separate();
    out_ += b ? "true" : "false";
    return *this;
}

inline JsonWriter& JsonWriter::null()
{
    separate();
    out_ += "null";
    return *this;
}

inline std::string JsonWriter::quote(std::string_view s)
{
    std::string out;
    detail::appendEscaped(out, s);
    return out;
}

} // namespace jiffy

#endif // JIFFY_JSON_HPP
