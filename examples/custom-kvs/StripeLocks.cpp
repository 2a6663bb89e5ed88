#include "StripeLocks.h"

#include "FileIo.h"
#include "Hashes.h"

#include <jiffy/kvs.hpp>

#include <algorithm>
#include <cerrno>
#include <iterator>
#include <thread>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace files_kvs {

StripeLocks::StripeLocks(int dirFd, std::string dirPath, std::chrono::milliseconds timeout)
    : dirFd_(dirFd), dirPath_(std::move(dirPath)), timeout_(timeout)
{
    std::fill(std::begin(lockFds_), std::end(lockFds_), -1);
}

StripeLocks::~StripeLocks()
{
    for (int fd : lockFds_)
        if (fd >= 0) ::close(fd);
}

std::string StripeLocks::stripeName(unsigned stripe)
{
    auto b = static_cast<unsigned char>(stripe);
    return hex(&b, 1);
}

int StripeLocks::lockFile(unsigned stripe)
{
    if (lockFds_[stripe] < 0) {
        lockFds_[stripe] =
            ::openat(dirFd_, stripeName(stripe).c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (lockFds_[stripe] < 0) failErrno("cannot open " + lockPath(stripe), errno);
    }
    return lockFds_[stripe];
}

StripeLocks::Hold::Hold(StripeLocks& locks, std::string_view key) : locks_(locks), stripe_(fnv1a(key) % kStripes)
{
    auto deadline = std::chrono::steady_clock::now() + locks_.timeout_;
    if (!locks_.mutexes_[stripe_].try_lock_until(deadline)) timeout();
    try {
        int fd = locks_.lockFile(stripe_);
        auto pause = std::chrono::microseconds(50);
        while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
            if (errno != EWOULDBLOCK && errno != EINTR) failErrno("cannot lock " + locks_.lockPath(stripe_), errno);
            if (std::chrono::steady_clock::now() >= deadline) timeout();
            std::this_thread::sleep_for(pause);
            pause = std::min(pause * 2, std::chrono::microseconds(2000));
        }
    } catch (...) {
        locks_.mutexes_[stripe_].unlock();
        throw;
    }
}

StripeLocks::Hold::~Hold()
{
    ::flock(locks_.lockFds_[stripe_], LOCK_UN);
    locks_.mutexes_[stripe_].unlock();
}

void StripeLocks::Hold::timeout() const
{
    jiffy::fail(JIFFY_TIMEOUT, "waited " + std::to_string(locks_.timeout_.count()) + " ms for the lock " +
                                   locks_.lockPath(stripe_) + "; another process may hold it");
}

} // namespace files_kvs
