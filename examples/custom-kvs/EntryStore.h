// The store directory: FORMAT, data/ (one entry file per key) and locks/.
// Reads, atomic writes and deletes of entry files, the sweep of expired ones.
#pragma once

#include "Entry.h"
#include "FileIo.h"
#include "StripeLocks.h"

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace files_kvs {

class EntryStore {
public:
    /// Creates the store in `root` (made if missing) or checks the one found there.
    EntryStore(const std::string& root, bool sync, std::chrono::milliseconds lockTimeout);
    EntryStore(const EntryStore&) = delete;
    EntryStore& operator=(const EntryStore&) = delete;

    const std::string& root() const { return root_; }
    StripeLocks& locks() { return locks_; }

    /// The entry stored under `name` for `key`, expired or not; nullopt when
    /// there is none. Throws INTERNAL for a file that is not a valid entry of
    /// this key: it is never silently taken for "absent" (set or remove repair it).
    std::optional<Entry> load(const std::string& name, std::string_view key) const;
    /// load(), with an expired entry reported as absent.
    std::optional<Entry> live(const std::string& name, std::string_view key) const;
    /// Writes the entry to a temporary file, syncs it, renames it over `name`.
    void store(const std::string& name, std::string_view key, std::string_view value, int64_t expiresMs);
    /// Deletes the file of an entry; false when there was none.
    bool unlinkEntry(const std::string& name);

    /// Deletes expired entries and temporary files a crashed writer left.
    /// Files that are not entries of this store are left alone.
    void sweep();

    /// Throws UNAVAILABLE when data/ is gone, replaced or not writable.
    void health() const;

private:
    struct Directories {
        Fd data, locks;
    };
    /// Creates the store or checks the one found; opens data/ and locks/.
    static Directories openDirectories(const std::string& root, const std::string& tempTag, bool sync);

    std::string entryPath(const std::string& name) const { return root_ + "/data/" + name; }
    [[noreturn]] void corrupt(const std::string& name, const std::string& why) const;
    void syncDirectory() const;
    /// Reads a file of data/ whatever key it holds; nullopt if not an entry.
    std::optional<Entry> readAny(const std::string& name) const;

    std::string root_;
    bool sync_;
    std::string tempTag_; ///< names this instance's temporary files
    std::atomic<uint64_t> tempSeq_{0};
    Directories dirs_;
    StripeLocks locks_;
};

} // namespace files_kvs
