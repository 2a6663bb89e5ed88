#include "server/Snapshot.h"

#include <cerrno>
#include <system_error>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace jiffy::sluggo::server {

namespace {

constexpr char kMagic[] = "JSLUGGO1";
constexpr size_t kMagicLen = sizeof kMagic - 1;

uint64_t fnv1a(const char* data, size_t n)
{
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < n; ++i) {
        h ^= static_cast<unsigned char>(data[i]);
        h *= 1099511628211ull;
    }
    return h;
}

void putLe(std::string& out, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void putString(std::string& out, const std::string& s, int lenBytes)
{
    putLe(out, s.size(), lenBytes);
    out += s;
}

/// Bounded reads over the file's bytes: every length is checked against
/// what is left before anything is copied.
class Cursor {
public:
    explicit Cursor(std::string_view d) : d_(d) {}
    uint64_t le(int bytes)
    {
        need(static_cast<size_t>(bytes));
        uint64_t v = 0;
        for (int i = 0; i < bytes; ++i) v |= uint64_t(static_cast<unsigned char>(d_[pos_ + i])) << (8 * i);
        pos_ += static_cast<size_t>(bytes);
        return v;
    }
    std::string str(int lenBytes)
    {
        uint64_t n = le(lenBytes);
        need(n);
        std::string s(d_.substr(pos_, n));
        pos_ += n;
        return s;
    }
    size_t pos() const { return pos_; }

private:
    void need(uint64_t n) const
    {
        if (n > d_.size() - pos_)
            throw SnapshotError("truncated at byte " + std::to_string(pos_) + " (" + std::to_string(n) +
                                " bytes needed, " + std::to_string(d_.size() - pos_) + " left)");
    }
    std::string_view d_;
    size_t pos_ = 0;
};

std::string sysError(const std::string& what, const std::string& path)
{
    // error_code's message, unlike strerror(), is safe from any thread.
    return what + " " + path + ": " + std::error_code(errno, std::generic_category()).message();
}

void writeAll(int fd, const std::string& data, const std::string& path)
{
    size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw SnapshotError(sysError("cannot write", path));
        done += static_cast<size_t>(n);
    }
}

std::string dirOf(const std::string& path)
{
    size_t slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

} // namespace

std::string encodeSnapshot(const std::vector<SnapshotRecord>& records)
{
    std::string out(kMagic, kMagicLen);
    putLe(out, records.size(), 8);
    for (const SnapshotRecord& r : records) {
        putString(out, r.key, 4);
        putString(out, r.article.op, 4);
        out.push_back(r.article.valid ? '\x01' : '\x00');
        putString(out, r.article.type, 4);
        putString(out, r.article.value, 8);
        putLe(out, static_cast<uint64_t>(r.expiresAtUnixMs), 8);
    }
    putLe(out, fnv1a(out.data(), out.size()), 8);
    return out;
}

std::vector<SnapshotRecord> decodeSnapshot(const std::string& bytes)
{
    if (bytes.size() < kMagicLen + 16 || bytes.compare(0, kMagicLen, kMagic) != 0)
        throw SnapshotError("not a jiffy-sluggo snapshot (bad magic or too short)");
    size_t body = bytes.size() - 8;
    Cursor sum(std::string_view(bytes).substr(body));
    if (sum.le(8) != fnv1a(bytes.data(), body)) throw SnapshotError("checksum mismatch: the file is damaged");
    Cursor in(std::string_view(bytes.data() + kMagicLen, body - kMagicLen));
    uint64_t count = in.le(8);
    std::vector<SnapshotRecord> out;
    for (uint64_t i = 0; i < count; ++i) {
        SnapshotRecord r;
        r.key = in.str(4);
        r.article.op = in.str(4);
        r.article.valid = in.le(1) != 0;
        r.article.type = in.str(4);
        r.article.value = in.str(8);
        r.expiresAtUnixMs = static_cast<int64_t>(in.le(8));
        out.push_back(std::move(r));
    }
    if (in.pos() != body - kMagicLen) throw SnapshotError("trailing bytes after " + std::to_string(count) + " records");
    return out;
}

void writeSnapshotFile(const std::string& path, const std::vector<SnapshotRecord>& records)
{
    std::string data = encodeSnapshot(records);
    std::string tmp = path + ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) throw SnapshotError(sysError("cannot create", tmp));
    try {
        writeAll(fd, data, tmp);
        if (::fsync(fd) != 0) throw SnapshotError(sysError("cannot flush", tmp));
    } catch (...) {
        ::close(fd);
        ::unlink(tmp.c_str());
        throw;
    }
    if (::close(fd) != 0) throw SnapshotError(sysError("cannot close", tmp));
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        std::string msg = sysError("cannot rename " + tmp + " to", path);
        ::unlink(tmp.c_str());
        throw SnapshotError(msg);
    }
    // The rename is durable only once the directory entry is on disk.
    std::string dir = dirOf(path);
    int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
}

bool readSnapshotFile(const std::string& path, size_t maxBytes, std::vector<SnapshotRecord>& out)
{
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return false;
        throw SnapshotError(sysError("cannot open", path));
    }
    std::string data;
    struct stat st {};
    bool ok = ::fstat(fd, &st) == 0;
    if (ok && maxBytes && static_cast<uint64_t>(st.st_size) > maxBytes) {
        ::close(fd);
        throw SnapshotError(path + " is " + std::to_string(st.st_size) + " bytes, more than the store may hold (" +
                            std::to_string(maxBytes) + ")");
    }
    char buf[65536];
    ssize_t n = 0;
    while (ok && (n = ::read(fd, buf, sizeof buf)) != 0) {
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 || (maxBytes && data.size() + static_cast<size_t>(n) > maxBytes))
            ok = false;
        else
            data.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    if (!ok) throw SnapshotError(sysError("cannot read", path));
    try {
        out = decodeSnapshot(data);
    } catch (const SnapshotError& e) {
        throw SnapshotError(path + ": " + e.what());
    }
    return true;
}

} // namespace jiffy::sluggo::server
