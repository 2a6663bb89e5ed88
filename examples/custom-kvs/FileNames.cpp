#include "FileNames.h"

#include "Hashes.h"

namespace files_kvs {
namespace {

bool plainByte(unsigned char c, size_t pos)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           (c == '.' && pos > 0);
}

} // namespace

std::string fileNameFor(std::string_view key)
{
    static const char digits[] = "0123456789ABCDEF";
    std::string name;
    for (size_t i = 0; i < key.size() && name.size() <= kMaxPlainName; ++i) {
        auto c = static_cast<unsigned char>(key[i]);
        if (plainByte(c, i)) {
            name += static_cast<char>(c);
        } else {
            name += '%';
            name += digits[c >> 4];
            name += digits[c & 15];
        }
    }
    if (name.size() > kMaxPlainName) return "#" + sha256Hex(key);
    return name;
}

} // namespace files_kvs
