// files: a persistent key/value store kept in a directory, one file per key.
//
// An example of a custom KVS plugin for jiffyd, built out of tree against the
// installed SDK. It needs the SDK headers, the C++ standard library, POSIX
// and OpenSSL's libcrypto (SHA-256). This file is the plugin: its options and
// the jiffy::KvsStore operations. The rest, one idea per file:
//
//   EntryStore   the store directory: open or create it, read, write, delete, sweep
//   Entry        the bytes of one entry file, and expiry times
//   StripeLocks  the lock a write holds on its key, across threads and processes
//   FileNames    how a key becomes a file name
//   Hashes       FNV-1a and SHA-256
//   FileIo       POSIX files, errno as jiffy statuses
//
// Layout of the store (all under `directory`):
//
//   FORMAT        "jiffy-kvs-files 1": marks the directory as a store of this format
//   data/<name>   one file per key (see fileNameFor); ".tmp-*" are writes in flight
//   locks/00..3f  lock files, one per stripe of keys (flock)
//
// Guarantees (also in README.md):
// - A write is atomic and durable: the new entry goes to a temporary file
//   that is fsync'ed and then renamed over the old one, and the directory is
//   fsync'ed. A reader, even in another process, sees the old entry or the
//   new one, never a mix. With "sync": false the fsyncs are skipped (atomic
//   still, durable no longer across a power cut).
// - set, add, compare_and_set, remove and incr are atomic across threads and
//   across processes sharing the directory: each holds its key's stripe lock,
//   an in-process mutex plus flock() on locks/<stripe>, from read to rename.
//   get takes no lock: rename() makes every file it opens complete.
// - Expiry is an absolute wall-clock time in milliseconds, checked on every
//   read, so it survives restarts and holds between processes (a clock step
//   moves it). Expired files are deleted by a periodic sweep.
#include "Entry.h"
#include "EntryStore.h"
#include "FileNames.h"
#include "StripeLocks.h"

#include <jiffy/kvs.hpp>

#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace {

using files_kvs::Entry;
using files_kvs::EntryStore;
using files_kvs::expiryFor;
using files_kvs::fileNameFor;
using files_kvs::nowMs;
using Lock = files_kvs::StripeLocks::Hold;

const jiffy_option kOptions[] = {
    jiffy::option("directory", JIFFY_OPT_PATH, true, nullptr,
                  "directory holding the store (created if missing); every jiffyd sharing it sees the same keys"),
    jiffy::option("sync", JIFFY_OPT_BOOL, false, "true", "fsync every write and its directory before answering"),
    jiffy::option("lock_timeout_ms", JIFFY_OPT_INT, false, "5000",
                  "answer TIMEOUT after waiting this long for a key's lock"),
    jiffy::option("max_value_bytes", JIFFY_OPT_INT, false, "1048576", "refuse larger values with TOO_LARGE"),
    jiffy::option("sweep_interval_s", JIFFY_OPT_INT, false, "60",
                  "delete expired entries at most this often, on a write (0 = never)"),
};

/// The options, read and checked before the store is opened. The table above
/// is the one place their defaults are stated: the host applies them, so the
/// option*() accessors take none.
struct Settings {
    std::string directory;
    bool sync;
    std::chrono::milliseconds lockTimeout;
    int64_t maxValue;
    int64_t sweepIntervalMs;

    explicit Settings(const jiffy::Host& host)
        : directory(host.optionString("directory")), sync(host.optionBool("sync")),
          lockTimeout(host.optionInt("lock_timeout_ms")), maxValue(host.optionInt("max_value_bytes")),
          sweepIntervalMs(host.optionInt("sweep_interval_s") * 1000)
    {
        if (directory.empty()) jiffy::fail(JIFFY_INVALID, "directory: must name a directory");
        if (lockTimeout.count() < 1) jiffy::fail(JIFFY_INVALID, "lock_timeout_ms: must be at least 1");
        if (maxValue < 0 || maxValue > files_kvs::kHardMaxValue)
            jiffy::fail(JIFFY_INVALID,
                        "max_value_bytes: must be between 0 and " + std::to_string(files_kvs::kHardMaxValue));
        if (sweepIntervalMs < 0) jiffy::fail(JIFFY_INVALID, "sweep_interval_s: must not be negative");
    }
};

class FilesKvs : public jiffy::KvsStore {
public:
    FilesKvs(const jiffy::Host& host, std::string_view)
        : host_(host), settings_(host), store_(settings_.directory, settings_.sync, settings_.lockTimeout)
    {
        lastSweepMs_ = nowMs();
        store_.sweep();
        host_.debug("store at " + store_.root() + " ready");
    }

    std::optional<std::string> get(std::string_view key) override
    {
        std::string name = fileNameFor(key);
        std::optional<Entry> e = store_.load(name, key);
        if (!e || e->expired(nowMs())) return std::nullopt;
        return std::move(e->value);
    }

    void set(std::string_view key, std::string_view value, std::chrono::milliseconds ttl) override
    {
        checkValue(value);
        std::string name = fileNameFor(key);
        {
            Lock lock(store_.locks(), key);
            store_.store(name, key, value, expiryFor(ttl));
        }
        maybeSweep();
    }

    bool add(std::string_view key, std::string_view value, std::chrono::milliseconds ttl) override
    {
        checkValue(value);
        std::string name = fileNameFor(key);
        {
            Lock lock(store_.locks(), key);
            if (store_.live(name, key)) return false;
            store_.store(name, key, value, expiryFor(ttl));
        }
        maybeSweep();
        return true;
    }

    jiffy::CasResult compareAndSet(std::string_view key, std::string_view expected, std::string_view value,
                                   std::chrono::milliseconds ttl) override
    {
        checkValue(value);
        std::string name = fileNameFor(key);
        {
            Lock lock(store_.locks(), key);
            std::optional<Entry> e = store_.live(name, key);
            if (!e) return jiffy::CasResult::NotFound;
            if (e->value != expected) return jiffy::CasResult::Conflict;
            store_.store(name, key, value, expiryFor(ttl));
        }
        maybeSweep();
        return jiffy::CasResult::Swapped;
    }

    bool remove(std::string_view key) override
    {
        std::string name = fileNameFor(key);
        Lock lock(store_.locks(), key);
        bool existed = true;
        try {
            existed = store_.live(name, key).has_value();
        } catch (const jiffy::Error& e) {
            if (e.status() != JIFFY_INTERNAL) throw;
            // A corrupt entry: removing it is how a user repairs the key.
        }
        return store_.unlinkEntry(name) && existed;
    }

    int64_t incr(std::string_view key, int64_t delta) override
    {
        std::string name = fileNameFor(key);
        int64_t result = 0;
        {
            Lock lock(store_.locks(), key);
            std::optional<Entry> e = store_.live(name, key);
            int64_t current = 0;
            if (e) {
                const std::string& v = e->value;
                auto r = std::from_chars(v.data(), v.data() + v.size(), current);
                if (v.empty() || r.ec != std::errc() || r.ptr != v.data() + v.size())
                    jiffy::fail(JIFFY_INVALID, "value of the key is not a decimal integer");
            }
            if ((delta > 0 && current > INT64_MAX - delta) || (delta < 0 && current < INT64_MIN - delta))
                jiffy::fail(JIFFY_INVALID, "incr would overflow a 64-bit integer");
            result = current + delta;
            // An existing key keeps its expiry; a new counter has none.
            store_.store(name, key, std::to_string(result), e ? e->expiresMs : 0);
        }
        maybeSweep();
        return result;
    }

    void health() override { store_.health(); }

private:
    void checkValue(std::string_view value) const
    {
        if (static_cast<int64_t>(value.size()) > settings_.maxValue)
            jiffy::fail(JIFFY_TOO_LARGE, "value is " + std::to_string(value.size()) + " bytes, max_value_bytes is " +
                                             std::to_string(settings_.maxValue));
    }

    /// After a write: sweep when sweep_interval_s has passed since the last one.
    void maybeSweep()
    {
        if (settings_.sweepIntervalMs == 0) return;
        int64_t now = nowMs();
        if (now - lastSweepMs_.load() < settings_.sweepIntervalMs) return;
        std::unique_lock<std::mutex> lock(sweepMutex_, std::try_to_lock);
        if (!lock.owns_lock()) return; // another thread is at it
        if (now - lastSweepMs_.load() < settings_.sweepIntervalMs) return;
        lastSweepMs_ = now;
        try {
            store_.sweep();
        } catch (const std::exception& e) {
            host_.warning(std::string("sweep of expired entries failed: ") + e.what());
        }
    }

    jiffy::Host host_;
    Settings settings_;
    EntryStore store_;
    std::mutex sweepMutex_;
    std::atomic<int64_t> lastSweepMs_{0};
};

} // namespace

JIFFY_KVS_PLUGIN(FilesKvs, "files", "1.0.0",
                 JIFFY_CAP_THREAD_SAFE | JIFFY_CAP_TTL | JIFFY_CAP_ATOMIC_CAS | JIFFY_CAP_INCR | JIFFY_CAP_PERSISTENT |
                     JIFFY_CAP_SHARED,
                 kOptions)
