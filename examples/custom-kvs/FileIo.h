// POSIX file access as the store uses it: errors become jiffy statuses,
// descriptors close themselves, nothing follows a symbolic link.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace files_kvs {

/// Throws a jiffy::Error for errno `err`: UNAVAILABLE when the store cannot
/// serve now (full disk, read-only or vanished directory, permissions),
/// INTERNAL otherwise.
[[noreturn]] void failErrno(const std::string& what, int err);

/// A file descriptor, closed when the object dies.
class Fd {
public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    ~Fd() { reset(); }
    Fd(Fd&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }
    void reset(int fd = -1);

private:
    int fd_;
};

/// Writes all of `data`; `what` names the file in the error.
void writeAll(int fd, std::string_view data, const std::string& what);

/// Creates or truncates `name` in `dirFd` with `content`, fsync'ed when
/// `sync`; `shownAs` names the file in errors.
void writeFileAt(int dirFd, const std::string& name, std::string_view content, bool sync, const std::string& shownAs);

/// What readFileAt() found.
enum class FileState { Missing, Symlink, NotRegular, TooLarge, Read };

/// Reads the file `name` in directory `dirFd` whole, if it is at most
/// `maxSize` bytes, without following a symlink and without blocking on
/// a FIFO someone left there. `dirName` names the directory in errors.
FileState readFileAt(int dirFd, const std::string& name, std::string& bytes, int64_t maxSize,
                     const std::string& dirName);

/// Names in a directory, "." and ".." left out.
std::vector<std::string> listDirectory(const std::string& path);

} // namespace files_kvs
