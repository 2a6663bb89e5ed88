#include "FileIo.h"

#include <jiffy/kvs.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iterator>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace files_kvs {

void failErrno(const std::string& what, int err)
{
    static const int kUnavailable[] = {ENOSPC, EDQUOT, EIO,    EROFS,  EACCES, EPERM,
                                       ENOENT, EMFILE, ENFILE, ENOMEM, ESTALE};
    bool unavailable = std::find(std::begin(kUnavailable), std::end(kUnavailable), err) != std::end(kUnavailable);
    jiffy::fail(unavailable ? JIFFY_UNAVAILABLE : JIFFY_INTERNAL, what + ": " + std::strerror(err));
}

void Fd::reset(int fd)
{
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
}

void writeAll(int fd, std::string_view data, const std::string& what)
{
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            failErrno("cannot write " + what, errno);
        }
        data.remove_prefix(static_cast<size_t>(n));
    }
}

void writeFileAt(int dirFd, const std::string& name, std::string_view content, bool sync, const std::string& shownAs)
{
    Fd fd(::openat(dirFd, name.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0666));
    if (fd.get() < 0) failErrno("cannot create " + shownAs, errno);
    writeAll(fd.get(), content, shownAs);
    if (sync && ::fsync(fd.get()) != 0) failErrno("cannot sync " + shownAs, errno);
}

FileState readFileAt(int dirFd, const std::string& name, std::string& bytes, int64_t maxSize,
                     const std::string& dirName)
{
    Fd fd(::openat(dirFd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (fd.get() < 0) {
        if (errno == ENOENT) return FileState::Missing;
        if (errno == ELOOP) return FileState::Symlink;
        failErrno("cannot open " + name + " in " + dirName, errno);
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) failErrno("cannot stat " + name + " in " + dirName, errno);
    if (!S_ISREG(st.st_mode)) return FileState::NotRegular;
    if (st.st_size > maxSize) return FileState::TooLarge;
    bytes.assign(static_cast<size_t>(st.st_size), '\0');
    size_t got = 0;
    while (got < bytes.size()) {
        ssize_t n = ::read(fd.get(), &bytes[got], bytes.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) failErrno("cannot read " + name + " in " + dirName, errno);
        if (n == 0) break;
        got += static_cast<size_t>(n);
    }
    bytes.resize(got);
    return FileState::Read;
}

std::vector<std::string> listDirectory(const std::string& path)
{
    std::error_code ec;
    std::vector<std::string> names;
    for (std::filesystem::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec))
        names.push_back(it->path().filename().string());
    if (ec) jiffy::fail(JIFFY_UNAVAILABLE, "cannot list " + path + ": " + ec.message());
    return names;
}

} // namespace files_kvs
