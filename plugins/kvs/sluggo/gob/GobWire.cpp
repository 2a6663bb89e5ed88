#include "gob/GobWire.h"

namespace jiffy::gob {

void appendUint(std::string& out, uint64_t v)
{
    if (v < 0x80) {
        out.push_back(static_cast<char>(v));
        return;
    }
    unsigned char be[8];
    int n = 0;
    for (uint64_t x = v; x != 0; x >>= 8) be[7 - n++] = static_cast<unsigned char>(x & 0xff);
    // The count byte is -n as a two's complement int8: 0xFF for 1 byte, 0xF8 for 8.
    out.push_back(static_cast<char>(256 - n));
    out.append(reinterpret_cast<const char*>(be + 8 - n), static_cast<size_t>(n));
}

void appendInt(std::string& out, int64_t v)
{
    // Go: u = (^uint(i) << 1) | 1 for negatives, else uint(i) << 1.
    uint64_t u = v < 0 ? (~static_cast<uint64_t>(v) << 1) | 1u : static_cast<uint64_t>(v) << 1;
    appendUint(out, u);
}

void appendBytes(std::string& out, std::string_view bytes)
{
    appendUint(out, bytes.size());
    out.append(bytes);
}

uint64_t Reader::readUint()
{
    if (empty()) throw GobError("truncated input: expected an integer at byte " + std::to_string(pos_));
    auto first = static_cast<unsigned char>(data_[pos_++]);
    if (first < 0x80) return first;
    // 0x80 would claim 128 bytes; anything over 8 cannot be a uint64 (Go: errBadUint).
    size_t n = 256u - first;
    if (n > 8)
        throw GobError("integer byte count " + std::to_string(n) + " at byte " + std::to_string(pos_ - 1) +
                       " is over 8");
    std::string_view be = take(n);
    uint64_t v = 0;
    for (char c : be) v = (v << 8) | static_cast<unsigned char>(c);
    return v;
}

int64_t Reader::readInt()
{
    uint64_t u = readUint();
    auto i = static_cast<int64_t>(u >> 1);
    return (u & 1u) ? ~i : i;
}

std::string_view Reader::take(size_t n)
{
    if (n > remaining())
        throw GobError("truncated input: " + std::to_string(n) + " bytes needed at byte " + std::to_string(pos_) +
                       ", " + std::to_string(remaining()) + " left");
    std::string_view v = data_.substr(pos_, n);
    pos_ += n;
    return v;
}

std::string_view Reader::readBytes()
{
    uint64_t n = readUint();
    if (n > remaining())
        throw GobError("byte count " + std::to_string(n) + " at byte " + std::to_string(pos_) + " exceeds the " +
                       std::to_string(remaining()) + " bytes left");
    return take(static_cast<size_t>(n));
}

size_t Reader::readCount()
{
    uint64_t n = readUint();
    if (n > remaining())
        throw GobError("element count " + std::to_string(n) + " at byte " + std::to_string(pos_) + " exceeds the " +
                       std::to_string(remaining()) + " bytes left");
    return static_cast<size_t>(n);
}

} // namespace jiffy::gob
