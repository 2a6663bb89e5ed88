// Locking: every key belongs to one of kStripes stripes, and a write holds
// its key's stripe from read to rename, against other threads (a mutex per
// stripe) and other processes (flock() on locks/<stripe>).
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>

namespace files_kvs {

class StripeLocks {
public:
    static constexpr unsigned kStripes = 64; ///< fixed by the format: every process must agree

    /// `dirFd` is the open locks/ directory (not owned), `dirPath` its path for errors.
    StripeLocks(int dirFd, std::string dirPath, std::chrono::milliseconds timeout);
    ~StripeLocks();
    StripeLocks(const StripeLocks&) = delete;
    StripeLocks& operator=(const StripeLocks&) = delete;

    /// Holds the stripe of a key: first the stripe's mutex (threads), then
    /// flock() on locks/<stripe> (other instances and processes; flock locks
    /// belong to an open file, and every instance opens its own). Waits at
    /// most the timeout in total, then throws TIMEOUT.
    class Hold {
    public:
        Hold(StripeLocks& locks, std::string_view key);
        ~Hold();
        Hold(const Hold&) = delete;
        Hold& operator=(const Hold&) = delete;

    private:
        [[noreturn]] void timeout() const;
        StripeLocks& locks_;
        unsigned stripe_;
    };

private:
    static std::string stripeName(unsigned stripe);
    std::string lockPath(unsigned stripe) const { return dirPath_ + "/" + stripeName(stripe); }
    /// The open lock file of a stripe; called with the stripe's mutex held.
    int lockFile(unsigned stripe);

    int dirFd_;
    std::string dirPath_;
    std::chrono::milliseconds timeout_;
    std::timed_mutex mutexes_[kStripes];
    int lockFds_[kStripes];
};

} // namespace files_kvs
