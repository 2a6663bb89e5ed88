// Keeps the snapshot file in step with the store: loads it at start,
// writes it in the background at most every `interval` after a change (or,
// with an interval of 0, before each write is acknowledged), and once more
// at shutdown after the store stopped taking writes.
#pragma once

#include "server/Store.h"

#include <Poco/Logger.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace jiffy::sluggo::server {

class SnapshotWriter {
public:
    SnapshotWriter(Store& store, std::string path, std::chrono::milliseconds interval, size_t maxFileBytes,
                   Poco::Logger& log);
    ~SnapshotWriter();
    SnapshotWriter(const SnapshotWriter&) = delete;
    SnapshotWriter& operator=(const SnapshotWriter&) = delete;

    /// Loads the file into the store; returns the number of keys (0 when the
    /// file does not exist yet). Throws SnapshotError or std::runtime_error.
    size_t load();
    /// Starts the background writer (nothing to start with interval 0).
    void start();
    /// Called after each acknowledged change: writes now with interval 0.
    void afterWrite();
    /// Stops the background writer and writes a last time if needed.
    void stop();

    const std::string& path() const { return path_; }

private:
    void run();
    /// Writes when the store changed since the last write; logs failures
    /// (the next change or tick tries again).
    void writeIfChanged();

    Store& store_;
    std::string path_;
    std::chrono::milliseconds interval_;
    size_t maxFileBytes_;
    Poco::Logger& log_;

    std::mutex writeMutex_; ///< one writer of the file at a time
    uint64_t writtenVersion_ = 0;
    bool lastWriteFailed_ = false;

    std::mutex wakeMutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace jiffy::sluggo::server
