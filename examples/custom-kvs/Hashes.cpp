#include "Hashes.h"

#include <jiffy/kvs.hpp>

#include <openssl/evp.h>

namespace files_kvs {

uint64_t fnv1a(std::string_view a, std::string_view b)
{
    uint64_t h = 14695981039346656037ull;
    for (std::string_view part : {a, b})
        for (unsigned char c : part) {
            h ^= c;
            h *= 1099511628211ull;
        }
    return h;
}

std::string hex(const unsigned char* p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(2 * n);
    for (size_t i = 0; i < n; ++i) {
        out += digits[p[i] >> 4];
        out += digits[p[i] & 15];
    }
    return out;
}

std::string hex64(uint64_t v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; ++i) b[i] = static_cast<unsigned char>(v >> (56 - 8 * i));
    return hex(b, 8);
}

std::string sha256Hex(std::string_view bytes)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    // EVP_Digest is the one-shot form: context, init, update and final in one call.
    if (EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr) != 1)
        jiffy::fail(JIFFY_INTERNAL, "OpenSSL could not compute a SHA-256 digest");
    return hex(digest, size);
}

} // namespace files_kvs
