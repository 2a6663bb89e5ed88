// The snapshot file of jiffy-sluggo: every key with its Article fields and
// absolute expiry, in a small binary format with a checksum, written to a
// temporary file, flushed to disk and renamed over the old one, so that a
// crash at any moment leaves either the old or the new snapshot, whole.
//
// Layout (integers little-endian):
//   "JSLUGGO1" | u64 count | count x record | u64 FNV-1a of all bytes before
//   record: u32 len, key | u32 len, op | u8 valid | u32 len, type |
//           u64 len, value | i64 expiresAtUnixMs (0 = never)
#pragma once

#include "server/Store.h"

#include <stdexcept>
#include <string>
#include <vector>

namespace jiffy::sluggo::server {

class SnapshotError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Serialises records in the layout above.
std::string encodeSnapshot(const std::vector<SnapshotRecord>& records);
/// Parses and verifies a whole file's bytes; throws SnapshotError naming
/// the offset and what is wrong.
std::vector<SnapshotRecord> decodeSnapshot(const std::string& bytes);

/// Writes atomically (tmp + fsync + rename + fsync of the directory).
/// Throws SnapshotError naming the file and the system error.
void writeSnapshotFile(const std::string& path, const std::vector<SnapshotRecord>& records);
/// Reads `path`; false when it does not exist. Throws SnapshotError when it
/// cannot be read, is larger than `maxBytes`, or is corrupt.
bool readSnapshotFile(const std::string& path, size_t maxBytes, std::vector<SnapshotRecord>& out);

} // namespace jiffy::sluggo::server
