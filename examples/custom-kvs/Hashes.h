// The two hashes of the store: FNV-1a (an entry's checksum, a key's lock
// stripe) and SHA-256 (the file name of a key too long to spell out), with
// the hex spelling both are written in.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace files_kvs {

/// FNV-1a, 64 bits, of `a` followed by `b`.
uint64_t fnv1a(std::string_view a, std::string_view b = {});

/// Lower-case hex of `n` bytes.
std::string hex(const unsigned char* p, size_t n);

/// `v` as 16 lower-case hex digits, most significant first.
std::string hex64(uint64_t v);

/// SHA-256 (OpenSSL's EVP interface) as 64 lower-case hex digits.
std::string sha256Hex(std::string_view bytes);

} // namespace files_kvs
