#include "EntryStore.h"

#include "FileNames.h"
#include "Hashes.h"

#include <jiffy/kvs.hpp>

#include <cerrno>
#include <filesystem>
#include <random>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace files_kvs {
namespace {

constexpr std::string_view kFormatLine = "jiffy-kvs-files 1\n";
constexpr std::string_view kTempPrefix = ".tmp-";
constexpr int64_t kStaleTempMs = int64_t{15} * 60 * 1000; // a write in flight longer than this crashed

std::string withoutTrailingSlashes(std::string path)
{
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    return path;
}

std::string newTempTag()
{
    std::random_device rd;
    return std::to_string(::getpid()) + "-" + hex64((uint64_t{rd()} << 32) ^ rd());
}

} // namespace

EntryStore::EntryStore(const std::string& root, bool sync, std::chrono::milliseconds lockTimeout)
    : root_(withoutTrailingSlashes(root)), sync_(sync), tempTag_(newTempTag()),
      dirs_(openDirectories(root_, tempTag_, sync_)), locks_(dirs_.locks.get(), root_ + "/locks", lockTimeout)
{
}

EntryStore::Directories EntryStore::openDirectories(const std::string& root, const std::string& tempTag, bool sync)
{
    std::error_code ec;
    std::filesystem::create_directories(root, ec);
    if (ec) jiffy::fail(JIFFY_UNAVAILABLE, "directory: cannot create " + root + ": " + ec.message());
    Fd rootFd(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (rootFd.get() < 0) failErrno("directory: cannot open " + root, errno);

    std::string format;
    if (readFileAt(rootFd.get(), "FORMAT", format, 128, root) == FileState::Missing) {
        bool empty = true;
        for (const std::string& n : listDirectory(root))
            if (n.rfind(".FORMAT.tmp-", 0) != 0) empty = false;
        if (empty) {
            // Written aside and linked into place: another process starting
            // at the same moment finds no FORMAT or a complete one.
            std::string temp = ".FORMAT.tmp-" + tempTag;
            writeFileAt(rootFd.get(), temp, kFormatLine, sync, root + "/" + temp);
            if (::linkat(rootFd.get(), temp.c_str(), rootFd.get(), "FORMAT", 0) != 0 && errno != EEXIST)
                failErrno("cannot create " + root + "/FORMAT", errno);
            ::unlinkat(rootFd.get(), temp.c_str(), 0);
        }
        // Not empty: maybe another process has just made the store here.
        if (readFileAt(rootFd.get(), "FORMAT", format, 128, root) == FileState::Missing)
            jiffy::fail(JIFFY_INVALID, "directory: " + root +
                                           " is not empty and holds no store (no FORMAT file); name an empty "
                                           "or new directory");
    }
    if (format != kFormatLine)
        jiffy::fail(JIFFY_INVALID, "directory: " + root + "/FORMAT says \"" + format.substr(0, 40) +
                                       "\", expected \"jiffy-kvs-files 1\" (another program's data, or a "
                                       "newer version of this plugin)");
    for (const char* sub : {"data", "locks"})
        if (::mkdirat(rootFd.get(), sub, 0777) != 0 && errno != EEXIST)
            failErrno("cannot create " + root + "/" + sub, errno);
    Directories dirs;
    dirs.data.reset(::openat(rootFd.get(), "data", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (dirs.data.get() < 0) failErrno("cannot open " + root + "/data", errno);
    dirs.locks.reset(::openat(rootFd.get(), "locks", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (dirs.locks.get() < 0) failErrno("cannot open " + root + "/locks", errno);
    return dirs;
}

std::optional<Entry> EntryStore::load(const std::string& name, std::string_view key) const
{
    std::string bytes;
    switch (readFileAt(dirs_.data.get(), name, bytes, kMaxEntryFile, root_)) {
    case FileState::Missing:
        return std::nullopt;
    case FileState::Symlink:
        corrupt(name, "is a symbolic link");
    case FileState::NotRegular:
        corrupt(name, "is not a regular file");
    case FileState::TooLarge:
        corrupt(name, "is larger than any entry");
    case FileState::Read:
        break;
    }
    Entry e;
    std::string why;
    if (!decodeEntry(bytes, e, why)) corrupt(name, why);
    if (e.key != key) corrupt(name, "holds another key");
    return e;
}

std::optional<Entry> EntryStore::live(const std::string& name, std::string_view key) const
{
    std::optional<Entry> e = load(name, key);
    if (e && e->expired(nowMs())) return std::nullopt;
    return e;
}

void EntryStore::corrupt(const std::string& name, const std::string& why) const
{
    jiffy::fail(JIFFY_INTERNAL, "entry file " + entryPath(name) + " " + why + "; set or remove the key to replace it");
}

void EntryStore::store(const std::string& name, std::string_view key, std::string_view value, int64_t expiresMs)
{
    std::string temp = std::string(kTempPrefix) + tempTag_ + "-" + std::to_string(++tempSeq_);
    int data = dirs_.data.get();
    try {
        writeFileAt(data, temp, encodeEntry(key, value, expiresMs), sync_, root_ + "/" + temp);
        if (::renameat(data, temp.c_str(), data, name.c_str()) != 0)
            failErrno("cannot rename " + entryPath(temp) + " to " + entryPath(name), errno);
    } catch (...) {
        ::unlinkat(data, temp.c_str(), 0);
        throw;
    }
    syncDirectory();
}

bool EntryStore::unlinkEntry(const std::string& name)
{
    if (::unlinkat(dirs_.data.get(), name.c_str(), 0) != 0) {
        if (errno == ENOENT) return false;
        failErrno("cannot remove " + entryPath(name), errno);
    }
    syncDirectory();
    return true;
}

void EntryStore::syncDirectory() const
{
    if (sync_ && ::fsync(dirs_.data.get()) != 0) failErrno("cannot sync " + root_ + "/data", errno);
}

void EntryStore::sweep()
{
    std::vector<std::string> names = listDirectory(root_ + "/data");
    int64_t now = nowMs();
    for (const std::string& name : names) {
        if (name.rfind(kTempPrefix, 0) == 0) {
            struct stat st {};
            if (::fstatat(dirs_.data.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
                now - static_cast<int64_t>(st.st_mtime) * 1000 > kStaleTempMs)
                ::unlinkat(dirs_.data.get(), name.c_str(), 0);
            continue;
        }
        if (name.empty() || name[0] == '.') continue;
        try {
            std::optional<Entry> e = readAny(name);
            if (!e || !e->expired(now) || fileNameFor(e->key) != name) continue;
            StripeLocks::Hold lock(locks_, e->key);
            std::optional<Entry> again = load(name, e->key);
            if (again && again->expired(nowMs())) unlinkEntry(name);
        } catch (const jiffy::Error&) {
            // Foreign, corrupt, or locked too long: not ours to delete now.
        }
    }
}

std::optional<Entry> EntryStore::readAny(const std::string& name) const
{
    std::string bytes;
    Entry e;
    std::string why;
    if (readFileAt(dirs_.data.get(), name, bytes, kMaxEntryFile, root_) != FileState::Read ||
        !decodeEntry(bytes, e, why))
        return std::nullopt;
    return e;
}

void EntryStore::health() const
{
    struct stat now {
    }, opened{};
    std::string data = root_ + "/data";
    if (::stat(data.c_str(), &now) != 0) failErrno("store directory " + data, errno);
    if (::fstat(dirs_.data.get(), &opened) != 0) failErrno("store directory " + data, errno);
    if (now.st_dev != opened.st_dev || now.st_ino != opened.st_ino)
        jiffy::fail(JIFFY_UNAVAILABLE, "store directory " + data + " was replaced since the store was opened");
    if (::faccessat(dirs_.data.get(), ".", W_OK | X_OK, AT_EACCESS) != 0)
        failErrno("store directory " + data + " is not writable", errno);
}

} // namespace files_kvs
