// The primitive pieces of Go's encoding/gob wire format (see the package
// documentation of encoding/gob, "Encoding Details"): unsigned and signed
// integers, byte counts, and a bounded reader over one message. Everything
// above this (type definitions, structs) is built from these.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace jiffy::gob {

/// Malformed, truncated or unsupported gob input. Never thrown for what Go's
/// encoder emits for the supported types.
class GobError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Type ids every gob stream knows a priori (encoding/gob: "Their ids are").
enum : int64_t {
    kBoolId = 1,
    kIntId = 2,
    kUintId = 3,
    kFloatId = 4,
    kBytesId = 5,
    kStringId = 6,
    kComplexId = 7,
    kInterfaceId = 8,
};

/// Lowest id a stream may define (Go's firstUserId); Go's encoder hands out
/// 65 to the first type a process encodes.
constexpr int64_t kFirstUserId = 64;

/// Appends `v`: one byte below 128, else the negated byte count then the
/// minimal big-endian bytes (7 -> 07, 256 -> FE 01 00).
void appendUint(std::string& out, uint64_t v);
/// Appends `v` folded into an unsigned: bit 0 says "complement the rest"
/// (-129 -> FE 01 01, 22 -> 2C).
void appendInt(std::string& out, int64_t v);
/// Appends a string or byte slice: unsigned count, then the raw bytes.
void appendBytes(std::string& out, std::string_view bytes);

/// A cursor over one gob message. Every read checks the bytes left first and
/// throws GobError instead of reading past the end, so a hostile length
/// prefix can neither over-read nor make the caller allocate.
class Reader {
public:
    explicit Reader(std::string_view data) : data_(data) {}

    uint64_t readUint();
    int64_t readInt();
    /// A count followed by that many bytes (a string or []byte), as a view.
    std::string_view readBytes();
    /// The next `n` bytes as a view.
    std::string_view take(size_t n);
    /// A count that must not exceed the bytes left, since every element of
    /// a slice, array or map takes at least one byte.
    size_t readCount();

    size_t remaining() const { return data_.size() - pos_; }
    bool empty() const { return pos_ == data_.size(); }
    size_t offset() const { return pos_; }

private:
    std::string_view data_;
    size_t pos_ = 0;
};

} // namespace jiffy::gob
