// How a key becomes the name of its file in data/.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace files_kvs {

/// Longer spelled-out names are replaced by the key's hash (fixed by the format).
constexpr size_t kMaxPlainName = 200;

/// The file name of `key`: letters, digits, '_', '-' and (not first) '.' as
/// they are, every other byte as %XX, so "jiffy:leader" is "jiffy%3Aleader".
/// Such a name never starts with '.' (no hidden, "." or ".." names) and
/// never holds '/' or NUL. A longer name than kMaxPlainName becomes '#' and
/// the SHA-256 of the key; the entry holds the key, so a reader can tell.
std::string fileNameFor(std::string_view key);

} // namespace files_kvs
