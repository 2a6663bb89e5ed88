// files: a persistent key/value store kept in a directory, one file per key.
//
// An example of a custom KVS plugin for jiffyd, built out of tree against the
// installed SDK. It needs nothing but the SDK headers, the C++ standard
// library and POSIX. Layout of the store (all under `directory`):
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
#include <jiffy/kvs.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

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

constexpr std::string_view kFormatLine = "jiffy-kvs-files 1\n";
constexpr std::string_view kEntryMagic = "jkv1";
constexpr std::string_view kTempPrefix = ".tmp-";
constexpr unsigned kStripes = 64;                         // fixed by the format: every process must agree
constexpr size_t kMaxPlainName = 200;                     // longer encoded keys are named by their hash
constexpr int64_t kHardMaxValue = 256 << 20;              // the largest max_value_bytes
constexpr int64_t kMaxEntryFile = kHardMaxValue + 512;    // no file beyond this is read as an entry
constexpr int64_t kStaleTempMs = int64_t{15} * 60 * 1000; // a write in flight longer than this crashed

// ---------------------------------------------------------------- helpers

[[noreturn]] void failErrno(const std::string& what, int err)
{
    // A full disk, a read-only or vanished directory, missing permissions:
    // the store cannot serve now, which is what UNAVAILABLE tells the host.
    static const int kUnavailable[] = {ENOSPC, EDQUOT, EIO,    EROFS,  EACCES, EPERM,
                                       ENOENT, EMFILE, ENFILE, ENOMEM, ESTALE};
    bool unavailable = std::find(std::begin(kUnavailable), std::end(kUnavailable), err) != std::end(kUnavailable);
    jiffy::fail(unavailable ? JIFFY_UNAVAILABLE : JIFFY_INTERNAL, what + ": " + std::strerror(err));
}

int64_t nowMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

/// Absolute expiry for `ttl` (0 = never).
int64_t expiryFor(std::chrono::milliseconds ttl)
{
    if (ttl.count() <= 0) return 0;
    int64_t now = nowMs();
    return ttl.count() > INT64_MAX - now ? INT64_MAX : now + ttl.count();
}

/// A file descriptor, closed when the object dies.
class Fd {
public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    ~Fd() { reset(); }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }
    void reset(int fd = -1)
    {
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
    }

private:
    int fd_;
};

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

/// FNV-1a, 64 bits: the checksum of an entry and the stripe of a key.
uint64_t fnv1a(std::string_view a, std::string_view b = {})
{
    uint64_t h = 14695981039346656037ull;
    for (std::string_view part : {a, b})
        for (unsigned char c : part) {
            h ^= c;
            h *= 1099511628211ull;
        }
    return h;
}

std::string hex(const unsigned char* p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(2 * n);
    for (size_t i = 0; i < n; ++i) {
        out += digits[p[i] >> 4];
        out += digits[p[i] & 15];
    }
    return out;
}

std::string hex64(uint64_t v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; ++i) b[i] = static_cast<unsigned char>(v >> (56 - 8 * i));
    return hex(b, 8);
}

/// SHA-256 (FIPS 180-4) as lower-case hex: names keys too long to spell out.
std::string sha256Hex(std::string_view msg)
{
    static const uint32_t k[64] = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
    uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    auto rotr = [](uint32_t x, int n) { return (x >> n) | (x << (32 - n)); };

    std::string data(msg);
    uint64_t bits = static_cast<uint64_t>(msg.size()) * 8;
    data += static_cast<char>(0x80);
    while (data.size() % 64 != 56) data += '\0';
    for (int i = 7; i >= 0; --i) data += static_cast<char>(bits >> (8 * i));

    for (size_t off = 0; off < data.size(); off += 64) {
        uint32_t w[64];
        for (size_t i = 0; i < 16; ++i) {
            const auto* p = reinterpret_cast<const unsigned char*>(data.data() + off + 4 * i);
            w[i] = uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | uint32_t{p[3]};
        }
        for (int i = 16; i < 64; ++i) {
            uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
            uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        uint32_t v[8]; // a..h of FIPS 180-4
        std::copy(h, h + 8, v);
        for (int i = 0; i < 64; ++i) {
            uint32_t t1 = v[7] + (rotr(v[4], 6) ^ rotr(v[4], 11) ^ rotr(v[4], 25)) + ((v[4] & v[5]) ^ (~v[4] & v[6])) +
                          k[i] + w[i];
            uint32_t t2 =
                (rotr(v[0], 2) ^ rotr(v[0], 13) ^ rotr(v[0], 22)) + ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
            std::copy_backward(v, v + 7, v + 8);
            v[4] += t1;
            v[0] = t1 + t2;
        }
        for (int i = 0; i < 8; ++i) h[i] += v[i];
    }
    unsigned char out[32];
    for (int i = 0; i < 32; ++i) out[i] = static_cast<unsigned char>(h[i / 4] >> (24 - 8 * (i % 4)));
    return hex(out, 32);
}

// ------------------------------------------------------------- file names

bool plainByte(unsigned char c, size_t pos)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           (c == '.' && pos > 0);
}

/// The file name of `key`: letters, digits, '_', '-' and (not first) '.' as
/// they are, every other byte as %XX, so "jiffy:leader" is "jiffy%3Aleader".
/// Such a name never starts with '.' (no hidden, "." or ".." names) and
/// never holds '/' or NUL. A longer name than kMaxPlainName becomes '#' and
/// the SHA-256 of the key; the entry holds the key, so a reader can tell.
std::string fileNameFor(std::string_view key)
{
    static const char digits[] = "0123456789ABCDEF";
    std::string name;
    for (size_t i = 0; i < key.size() && name.size() <= kMaxPlainName; ++i) {
        auto c = static_cast<unsigned char>(key[i]);
        if (plainByte(c, i)) {
            name += static_cast<char>(c);
        } else {
            name += '%';
            name += digits[c >> 4];
            name += digits[c & 15];
        }
    }
    if (name.size() > kMaxPlainName) return "#" + sha256Hex(key);
    return name;
}

// ------------------------------------------------------------ entry files

/// One entry file: "jkv1 <expires_ms> <key_len> <value_len> <fnv64 hex>\n" <key> <value>.
struct Entry {
    int64_t expiresMs = 0; ///< wall clock, ms since the epoch; 0 = never
    std::string key;
    std::string value;

    bool expired(int64_t now) const { return expiresMs != 0 && expiresMs <= now; }
};

std::string encodeEntry(std::string_view key, std::string_view value, int64_t expiresMs)
{
    std::string out;
    out.reserve(64 + key.size() + value.size());
    out.append(kEntryMagic);
    out += ' ';
    out += std::to_string(expiresMs);
    out += ' ';
    out += std::to_string(key.size());
    out += ' ';
    out += std::to_string(value.size());
    out += ' ';
    out += hex64(fnv1a(key, value));
    out += '\n';
    out.append(key);
    out.append(value);
    return out;
}

/// Reads one decimal field of the header ending at `sep`; false if malformed.
bool takeNumber(std::string_view& s, char sep, int64_t& out)
{
    size_t end = s.find(sep);
    if (end == std::string_view::npos || end == 0) return false;
    auto r = std::from_chars(s.data(), s.data() + end, out);
    if (r.ec != std::errc() || r.ptr != s.data() + end || out < 0) return false;
    s.remove_prefix(end + 1);
    return true;
}

/// Parses an entry file; on failure returns false and says why.
bool decodeEntry(std::string_view bytes, Entry& e, std::string& why)
{
    int64_t keyLen = 0, valueLen = 0;
    if (bytes.substr(0, kEntryMagic.size() + 1) != std::string(kEntryMagic) + " ") {
        why = "not an entry of this store (bad magic)";
        return false;
    }
    std::string_view s = bytes.substr(kEntryMagic.size() + 1);
    if (!takeNumber(s, ' ', e.expiresMs) || !takeNumber(s, ' ', keyLen) || !takeNumber(s, ' ', valueLen) ||
        s.size() < 17 || s[16] != '\n') {
        why = "malformed header";
        return false;
    }
    std::string_view sum = s.substr(0, 16);
    s.remove_prefix(17);
    if (keyLen < 1 || keyLen > static_cast<int64_t>(jiffy::kMaxKeyLength) ||
        static_cast<uint64_t>(keyLen) + static_cast<uint64_t>(valueLen) != s.size()) {
        why = "truncated or with trailing bytes";
        return false;
    }
    e.key.assign(s.substr(0, static_cast<size_t>(keyLen)));
    e.value.assign(s.substr(static_cast<size_t>(keyLen)));
    if (hex64(fnv1a(e.key, e.value)) != sum) {
        why = "checksum mismatch";
        return false;
    }
    return true;
}

// ------------------------------------------------------------------ store

class FilesKvs : public jiffy::KvsStore {
public:
    FilesKvs(const jiffy::Host& host, std::string_view)
        : host_(host), root_(host.configString("directory").value_or("")), sync_(host.configBool("sync", true)),
          lockTimeout_(host.configInt("lock_timeout_ms", 5000)), maxValue_(host.configInt("max_value_bytes", 1 << 20)),
          sweepIntervalMs_(host.configInt("sweep_interval_s", 60) * 1000)
    {
        if (root_.empty()) jiffy::fail(JIFFY_INVALID, "directory: must name a directory");
        if (lockTimeout_.count() < 1) jiffy::fail(JIFFY_INVALID, "lock_timeout_ms: must be at least 1");
        if (maxValue_ < 0 || maxValue_ > kHardMaxValue)
            jiffy::fail(JIFFY_INVALID, "max_value_bytes: must be between 0 and " + std::to_string(kHardMaxValue));
        if (sweepIntervalMs_ < 0) jiffy::fail(JIFFY_INVALID, "sweep_interval_s: must not be negative");
        while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
        std::fill(std::begin(lockFds_), std::end(lockFds_), -1);
        std::random_device rd;
        tempTag_ = std::to_string(::getpid()) + "-" + hex64((uint64_t{rd()} << 32) ^ rd());
        openStore();
        lastSweepMs_ = nowMs();
        sweep();
        host_.debug("store at " + root_ + " ready");
    }

    ~FilesKvs() override
    {
        for (int fd : lockFds_)
            if (fd >= 0) ::close(fd);
    }

    FilesKvs(const FilesKvs&) = delete;
    FilesKvs& operator=(const FilesKvs&) = delete;

    std::optional<std::string> get(std::string_view key) override
    {
        std::string name = fileNameFor(key);
        std::optional<Entry> e = load(name, key);
        if (!e || e->expired(nowMs())) return std::nullopt;
        return std::move(e->value);
    }

    void set(std::string_view key, std::string_view value, std::chrono::milliseconds ttl) override
    {
        checkValue(value);
        std::string name = fileNameFor(key);
        {
            StripeLock lock(*this, key);
            store(name, key, value, expiryFor(ttl));
        }
        maybeSweep();
    }

    bool add(std::string_view key, std::string_view value, std::chrono::milliseconds ttl) override
    {
        checkValue(value);
        std::string name = fileNameFor(key);
        {
            StripeLock lock(*this, key);
            if (live(name, key)) return false;
            store(name, key, value, expiryFor(ttl));
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
            StripeLock lock(*this, key);
            std::optional<Entry> e = live(name, key);
            if (!e) return jiffy::CasResult::NotFound;
            if (e->value != expected) return jiffy::CasResult::Conflict;
            store(name, key, value, expiryFor(ttl));
        }
        maybeSweep();
        return jiffy::CasResult::Swapped;
    }

    bool remove(std::string_view key) override
    {
        std::string name = fileNameFor(key);
        StripeLock lock(*this, key);
        bool existed = true;
        try {
            existed = live(name, key).has_value();
        } catch (const jiffy::Error& e) {
            if (e.status() != JIFFY_INTERNAL) throw;
            // A corrupt entry: removing it is how a user repairs the key.
        }
        return unlinkEntry(name) && existed;
    }

    int64_t incr(std::string_view key, int64_t delta) override
    {
        std::string name = fileNameFor(key);
        int64_t result = 0;
        {
            StripeLock lock(*this, key);
            std::optional<Entry> e = live(name, key);
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
            store(name, key, std::to_string(result), e ? e->expiresMs : 0);
        }
        maybeSweep();
        return result;
    }

    void health() override
    {
        struct stat now {
        }, opened{};
        std::string data = root_ + "/data";
        if (::stat(data.c_str(), &now) != 0) failErrno("store directory " + data, errno);
        if (::fstat(dataFd_.get(), &opened) != 0) failErrno("store directory " + data, errno);
        if (now.st_dev != opened.st_dev || now.st_ino != opened.st_ino)
            jiffy::fail(JIFFY_UNAVAILABLE, "store directory " + data + " was replaced since the store was opened");
        if (::faccessat(dataFd_.get(), ".", W_OK | X_OK, AT_EACCESS) != 0)
            failErrno("store directory " + data + " is not writable", errno);
    }

private:
    /// Holds the stripe of a key: first this instance's mutex (threads), then
    /// flock() on locks/<stripe> (other instances and processes; flock locks
    /// belong to an open file, and every instance opens its own). Waits at
    /// most lock_timeout_ms in total, then throws TIMEOUT.
    class StripeLock {
    public:
        StripeLock(FilesKvs& kvs, std::string_view key) : kvs_(kvs), stripe_(fnv1a(key) % kStripes)
        {
            auto deadline = std::chrono::steady_clock::now() + kvs_.lockTimeout_;
            if (!kvs_.mutexes_[stripe_].try_lock_until(deadline)) timeout();
            try {
                int fd = kvs_.lockFile(stripe_);
                auto pause = std::chrono::microseconds(50);
                while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
                    if (errno != EWOULDBLOCK && errno != EINTR)
                        failErrno("cannot lock " + kvs_.lockPath(stripe_), errno);
                    if (std::chrono::steady_clock::now() >= deadline) timeout();
                    std::this_thread::sleep_for(pause);
                    pause = std::min(pause * 2, std::chrono::microseconds(2000));
                }
            } catch (...) {
                kvs_.mutexes_[stripe_].unlock();
                throw;
            }
        }
        ~StripeLock()
        {
            ::flock(kvs_.lockFds_[stripe_], LOCK_UN);
            kvs_.mutexes_[stripe_].unlock();
        }
        StripeLock(const StripeLock&) = delete;
        StripeLock& operator=(const StripeLock&) = delete;

    private:
        [[noreturn]] void timeout() const
        {
            jiffy::fail(JIFFY_TIMEOUT, "waited " + std::to_string(kvs_.lockTimeout_.count()) + " ms for the lock " +
                                           kvs_.lockPath(stripe_) + "; another process may hold it");
        }
        FilesKvs& kvs_;
        unsigned stripe_;
    };

    /// Creates the store or checks the one found; opens data/ and locks/.
    void openStore()
    {
        std::error_code ec;
        std::filesystem::create_directories(root_, ec);
        if (ec) jiffy::fail(JIFFY_UNAVAILABLE, "directory: cannot create " + root_ + ": " + ec.message());
        Fd rootFd(::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (rootFd.get() < 0) failErrno("directory: cannot open " + root_, errno);

        std::string format;
        if (readFileAt(rootFd.get(), "FORMAT", format, 128) == FileState::Missing) {
            bool empty = true;
            for (const std::string& n : listDirectory(root_))
                if (n.rfind(".FORMAT.tmp-", 0) != 0) empty = false;
            if (empty) {
                // Written aside and linked into place: another process starting
                // at the same moment finds no FORMAT or a complete one.
                std::string temp = ".FORMAT.tmp-" + tempTag_;
                writeFileAt(rootFd.get(), temp, kFormatLine);
                if (::linkat(rootFd.get(), temp.c_str(), rootFd.get(), "FORMAT", 0) != 0 && errno != EEXIST)
                    failErrno("cannot create " + root_ + "/FORMAT", errno);
                ::unlinkat(rootFd.get(), temp.c_str(), 0);
            }
            // Not empty: maybe another process has just made the store here.
            if (readFileAt(rootFd.get(), "FORMAT", format, 128) == FileState::Missing)
                jiffy::fail(JIFFY_INVALID, "directory: " + root_ +
                                               " is not empty and holds no store (no FORMAT file); name an empty "
                                               "or new directory");
        }
        if (format != kFormatLine)
            jiffy::fail(JIFFY_INVALID, "directory: " + root_ + "/FORMAT says \"" + format.substr(0, 40) +
                                           "\", expected \"jiffy-kvs-files 1\" (another program's data, or a "
                                           "newer version of this plugin)");
        for (const char* sub : {"data", "locks"})
            if (::mkdirat(rootFd.get(), sub, 0777) != 0 && errno != EEXIST)
                failErrno("cannot create " + root_ + "/" + sub, errno);
        dataFd_.reset(::openat(rootFd.get(), "data", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (dataFd_.get() < 0) failErrno("cannot open " + root_ + "/data", errno);
        locksFd_.reset(::openat(rootFd.get(), "locks", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (locksFd_.get() < 0) failErrno("cannot open " + root_ + "/locks", errno);
    }

    /// Names in a directory, "." and ".." left out.
    static std::vector<std::string> listDirectory(const std::string& path)
    {
        std::error_code ec;
        std::vector<std::string> names;
        for (std::filesystem::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec))
            names.push_back(it->path().filename().string());
        if (ec) jiffy::fail(JIFFY_UNAVAILABLE, "cannot list " + path + ": " + ec.message());
        return names;
    }

    void writeFileAt(int dirFd, const std::string& name, std::string_view content) const
    {
        Fd fd(::openat(dirFd, name.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0666));
        if (fd.get() < 0) failErrno("cannot create " + root_ + "/" + name, errno);
        writeAll(fd.get(), content, root_ + "/" + name);
        if (sync_ && ::fsync(fd.get()) != 0) failErrno("cannot sync " + root_ + "/" + name, errno);
    }

    static std::string stripeName(unsigned stripe)
    {
        auto b = static_cast<unsigned char>(stripe);
        return hex(&b, 1);
    }
    std::string lockPath(unsigned stripe) const { return root_ + "/locks/" + stripeName(stripe); }

    /// The open lock file of a stripe; called with the stripe's mutex held.
    int lockFile(unsigned stripe)
    {
        if (lockFds_[stripe] < 0) {
            lockFds_[stripe] =
                ::openat(locksFd_.get(), stripeName(stripe).c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
            if (lockFds_[stripe] < 0) failErrno("cannot open " + lockPath(stripe), errno);
        }
        return lockFds_[stripe];
    }

    std::string entryPath(const std::string& name) const { return root_ + "/data/" + name; }

    void checkValue(std::string_view value) const
    {
        if (static_cast<int64_t>(value.size()) > maxValue_)
            jiffy::fail(JIFFY_TOO_LARGE, "value is " + std::to_string(value.size()) + " bytes, max_value_bytes is " +
                                             std::to_string(maxValue_));
    }

    /// What readFileAt() found.
    enum class FileState { Missing, Symlink, NotRegular, TooLarge, Read };

    /// Reads the file `name` in directory `dirFd` whole, if it is at most
    /// `maxSize` bytes, without following a symlink and without blocking on
    /// a FIFO someone left there.
    FileState readFileAt(int dirFd, const std::string& name, std::string& bytes, int64_t maxSize) const
    {
        Fd fd(::openat(dirFd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
        if (fd.get() < 0) {
            if (errno == ENOENT) return FileState::Missing;
            if (errno == ELOOP) return FileState::Symlink;
            failErrno("cannot open " + name + " in " + root_, errno);
        }
        struct stat st {};
        if (::fstat(fd.get(), &st) != 0) failErrno("cannot stat " + name + " in " + root_, errno);
        if (!S_ISREG(st.st_mode)) return FileState::NotRegular;
        if (st.st_size > maxSize) return FileState::TooLarge;
        bytes.assign(static_cast<size_t>(st.st_size), '\0');
        size_t got = 0;
        while (got < bytes.size()) {
            ssize_t n = ::read(fd.get(), &bytes[got], bytes.size() - got);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) failErrno("cannot read " + name + " in " + root_, errno);
            if (n == 0) break;
            got += static_cast<size_t>(n);
        }
        bytes.resize(got);
        return FileState::Read;
    }

    /// The entry stored under `name` for `key`, expired or not; nullopt when
    /// there is none. Throws INTERNAL for a file that is not a valid entry of
    /// this key: it is never silently taken for "absent" (set or remove repair it).
    std::optional<Entry> load(const std::string& name, std::string_view key) const
    {
        std::string bytes;
        switch (readFileAt(dataFd_.get(), name, bytes, kMaxEntryFile)) {
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

    /// load(), with an expired entry reported as absent.
    std::optional<Entry> live(const std::string& name, std::string_view key) const
    {
        std::optional<Entry> e = load(name, key);
        if (e && e->expired(nowMs())) return std::nullopt;
        return e;
    }

    [[noreturn]] void corrupt(const std::string& name, const std::string& why) const
    {
        jiffy::fail(JIFFY_INTERNAL,
                    "entry file " + entryPath(name) + " " + why + "; set or remove the key to replace it");
    }

    /// Writes the entry to a temporary file, syncs it, renames it over `name`.
    void store(const std::string& name, std::string_view key, std::string_view value, int64_t expiresMs)
    {
        std::string temp = std::string(kTempPrefix) + tempTag_ + "-" + std::to_string(++tempSeq_);
        try {
            writeFileAt(dataFd_.get(), temp, encodeEntry(key, value, expiresMs));
            if (::renameat(dataFd_.get(), temp.c_str(), dataFd_.get(), name.c_str()) != 0)
                failErrno("cannot rename " + entryPath(temp) + " to " + entryPath(name), errno);
        } catch (...) {
            ::unlinkat(dataFd_.get(), temp.c_str(), 0);
            throw;
        }
        syncDirectory();
    }

    /// Deletes the file of an entry; false when there was none.
    bool unlinkEntry(const std::string& name)
    {
        if (::unlinkat(dataFd_.get(), name.c_str(), 0) != 0) {
            if (errno == ENOENT) return false;
            failErrno("cannot remove " + entryPath(name), errno);
        }
        syncDirectory();
        return true;
    }

    void syncDirectory() const
    {
        if (sync_ && ::fsync(dataFd_.get()) != 0) failErrno("cannot sync " + root_ + "/data", errno);
    }

    /// After a write: sweep when sweep_interval_s has passed since the last one.
    void maybeSweep()
    {
        if (sweepIntervalMs_ == 0) return;
        int64_t now = nowMs();
        if (now - lastSweepMs_.load() < sweepIntervalMs_) return;
        std::unique_lock<std::mutex> lock(sweepMutex_, std::try_to_lock);
        if (!lock.owns_lock()) return; // another thread is at it
        if (now - lastSweepMs_.load() < sweepIntervalMs_) return;
        lastSweepMs_ = now;
        try {
            sweep();
        } catch (const std::exception& e) {
            host_.warning(std::string("sweep of expired entries failed: ") + e.what());
        }
    }

    /// Deletes expired entries and temporary files a crashed writer left.
    /// Files that are not entries of this store are left alone.
    void sweep()
    {
        std::vector<std::string> names = listDirectory(root_ + "/data");
        int64_t now = nowMs();
        for (const std::string& name : names) {
            if (name.rfind(kTempPrefix, 0) == 0) {
                struct stat st {};
                if (::fstatat(dataFd_.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
                    now - static_cast<int64_t>(st.st_mtime) * 1000 > kStaleTempMs)
                    ::unlinkat(dataFd_.get(), name.c_str(), 0);
                continue;
            }
            if (name.empty() || name[0] == '.') continue;
            try {
                std::optional<Entry> e = readAny(name);
                if (!e || !e->expired(now) || fileNameFor(e->key) != name) continue;
                StripeLock lock(*this, e->key);
                std::optional<Entry> again = load(name, e->key);
                if (again && again->expired(nowMs())) unlinkEntry(name);
            } catch (const jiffy::Error&) {
                // Foreign, corrupt, or locked too long: not ours to delete now.
            }
        }
    }

    /// Reads a file of data/ whatever key it holds; nullopt if not an entry.
    std::optional<Entry> readAny(const std::string& name) const
    {
        std::string bytes;
        Entry e;
        std::string why;
        if (readFileAt(dataFd_.get(), name, bytes, kMaxEntryFile) != FileState::Read || !decodeEntry(bytes, e, why))
            return std::nullopt;
        return e;
    }

    jiffy::Host host_;
    std::string root_;
    bool sync_;
    std::chrono::milliseconds lockTimeout_;
    int64_t maxValue_;
    int64_t sweepIntervalMs_;
    std::string tempTag_;
    std::atomic<uint64_t> tempSeq_{0};
    Fd dataFd_, locksFd_;
    std::timed_mutex mutexes_[kStripes];
    int lockFds_[kStripes];
    std::mutex sweepMutex_;
    std::atomic<int64_t> lastSweepMs_{0};
};

} // namespace

JIFFY_KVS_PLUGIN(FilesKvs, "files", "1.0.0",
                 JIFFY_CAP_THREAD_SAFE | JIFFY_CAP_TTL | JIFFY_CAP_ATOMIC_CAS | JIFFY_CAP_INCR | JIFFY_CAP_PERSISTENT |
                     JIFFY_CAP_SHARED,
                 kOptions)
