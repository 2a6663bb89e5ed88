#include "MemcachedClient.h"

#include <cstring>
#include <memory>

namespace jiffy::memcache {
namespace {

void setBehavior(memcached_st* m, memcached_behavior_t b, uint64_t value, const char* name)
{
    memcached_return_t rc = memcached_behavior_set(m, b, value);
    if (rc != MEMCACHED_SUCCESS)
        jiffy::fail(JIFFY_INTERNAL,
                    std::string("libmemcached refused behavior ") + name + ": " + memcached_strerror(m, rc));
}

jiffy_status statusFor(memcached_return_t rc)
{
    switch (rc) {
    case MEMCACHED_TIMEOUT:
        return JIFFY_TIMEOUT;
    case MEMCACHED_E2BIG:
    case MEMCACHED_MEMORY_ALLOCATION_FAILURE:
        return JIFFY_TOO_LARGE; // item over -I, or server out of memory
    case MEMCACHED_BAD_KEY_PROVIDED:
    case MEMCACHED_KEY_TOO_BIG:
    case MEMCACHED_INVALID_ARGUMENTS:
    case MEMCACHED_AUTH_PROBLEM:
    case MEMCACHED_AUTH_FAILURE:
        return JIFFY_INVALID;
    case MEMCACHED_NOT_SUPPORTED:
        return JIFFY_UNSUPPORTED;
    default:
        return JIFFY_UNAVAILABLE; // refused, reset, server marked down, server error
    }
}

/// Failures after which the connection may sit in the middle of a reply.
bool mayDesync(memcached_return_t rc)
{
    return rc == MEMCACHED_TIMEOUT || rc == MEMCACHED_UNKNOWN_READ_FAILURE || rc == MEMCACHED_PROTOCOL_ERROR ||
           rc == MEMCACHED_PARTIAL_READ || rc == MEMCACHED_READ_FAILURE || rc == MEMCACHED_WRITE_FAILURE;
}

/// A result on the stack: memcached_fetch_result frees a heap result by
/// itself when the fetch ends, but only resets one it did not allocate.
class StackResult {
public:
    explicit StackResult(memcached_st* m)
    {
        if (!memcached_result_create(m, &r_)) jiffy::fail(JIFFY_INTERNAL, "memcached_result_create failed");
    }
    ~StackResult() { memcached_result_free(&r_); }
    StackResult(const StackResult&) = delete;
    StackResult& operator=(const StackResult&) = delete;
    memcached_result_st* get() { return &r_; }

private:
    memcached_result_st r_{};
};

} // namespace

memcached_st* makeMaster(const MemcachedConfig& cfg)
{
    std::unique_ptr<memcached_st, decltype(&memcached_free)> m(memcached_create(nullptr), &memcached_free);
    if (!m) jiffy::fail(JIFFY_INTERNAL, "memcached_create failed");
    setBehavior(m.get(), MEMCACHED_BEHAVIOR_BINARY_PROTOCOL, 1, "BINARY_PROTOCOL");
    // Ketama (MD5 continuum) as libketama clients use: adding or removing a
    // server moves only about 1/n of the keys.
    setBehavior(m.get(), MEMCACHED_BEHAVIOR_KETAMA, 1, "KETAMA");
    setBehavior(m.get(), MEMCACHED_BEHAVIOR_SUPPORT_CAS, 1, "SUPPORT_CAS");
    setBehavior(m.get(), MEMCACHED_BEHAVIOR_TCP_NODELAY, 1, "TCP_NODELAY");
    setBehavior(m.get(), MEMCACHED_BEHAVIOR_CONNECT_TIMEOUT, static_cast<uint64_t>(cfg.connectTimeout.count()),
                "CONNECT_TIMEOUT");
    setBehavior(m.get(), MEMCACHED_BEHAVIOR_POLL_TIMEOUT, static_cast<uint64_t>(cfg.timeout.count()), "POLL_TIMEOUT");
    setBehavior(m.get(), MEMCACHED_BEHAVIOR_RCV_TIMEOUT, static_cast<uint64_t>(cfg.timeout.count()) * 1000,
                "RCV_TIMEOUT");
    setBehavior(m.get(), MEMCACHED_BEHAVIOR_SND_TIMEOUT, static_cast<uint64_t>(cfg.timeout.count()) * 1000,
                "SND_TIMEOUT");
    setBehavior(m.get(), MEMCACHED_BEHAVIOR_RETRY_TIMEOUT, static_cast<uint64_t>(cfg.retryTimeoutS), "RETRY_TIMEOUT");
    // Never eject a dead server from the continuum: its keys would move to
    // another server, where a second leader could take the lease. A key whose
    // server is down is unavailable instead.
    setBehavior(m.get(), MEMCACHED_BEHAVIOR_REMOVE_FAILED_SERVERS, 0, "REMOVE_FAILED_SERVERS");
    for (const ServerAddress& a : cfg.servers) {
        memcached_return_t rc = memcached_server_add(m.get(), a.host.c_str(), a.port);
        if (rc != MEMCACHED_SUCCESS)
            jiffy::fail(JIFFY_INVALID,
                        "memcached_addresses: cannot use \"" + a.text + "\": " + memcached_strerror(m.get(), rc));
    }
    return m.release();
}

std::string MemcachedClient::serverOf(std::string_view key)
{
    memcached_return_t rc = MEMCACHED_SUCCESS;
    const memcached_instance_st* s = memcached_server_by_key(m_, key.data(), key.size(), &rc);
    if (!s) return "(no server)";
    std::string host = memcached_server_name(s);
    if (host.find(':') != std::string::npos) host = "[" + host + "]";
    return host + ":" + std::to_string(memcached_server_port(s));
}

std::string MemcachedClient::describe(memcached_return_t rc, bool withErrno)
{
    if (rc == MEMCACHED_SERVER_TEMPORARILY_DISABLED)
        return "server marked down after a failure, not retried before retry_timeout_s has passed";
    std::string text = memcached_strerror(m_, rc);
    int err = memcached_last_error_errno(m_);
    if (withErrno && err != 0 && rc != MEMCACHED_TIMEOUT) text += " (" + std::string(std::strerror(err)) + ")";
    return text;
}

void MemcachedClient::fail(memcached_return_t rc, const char* what)
{
    if (mayDesync(rc)) healthy_ = false;
    jiffy::fail(statusFor(rc), std::string(what) + ": " + describe(rc));
}

std::optional<Item> MemcachedClient::fetch(std::string_view key)
{
    const char* keys[1] = {key.data()};
    size_t lengths[1] = {key.size()};
    memcached_return_t rc = memcached_mget(m_, keys, lengths, 1);
    if (rc != MEMCACHED_SUCCESS) fail(rc, "get");
    StackResult result(m_);
    std::optional<Item> item;
    // One key: at most one result, then the end marker. The bound only
    // guards against a confused reply stream.
    for (int i = 0; i < 4; ++i) {
        memcached_result_st* r = memcached_fetch_result(m_, result.get(), &rc);
        if (!r) break;
        if (!item) {
            const char* v = memcached_result_value(r);
            size_t n = memcached_result_length(r);
            item = Item{n ? std::string(v, n) : std::string(), memcached_result_cas(r)};
        }
    }
    if (rc != MEMCACHED_END && rc != MEMCACHED_NOTFOUND && rc != MEMCACHED_SUCCESS) fail(rc, "get");
    return item;
}

void MemcachedClient::set(std::string_view key, std::string_view value, time_t expiry)
{
    memcached_return_t rc = memcached_set(m_, key.data(), key.size(), value.data(), value.size(), expiry, 0);
    if (rc != MEMCACHED_SUCCESS) fail(rc, "set");
}

bool MemcachedClient::add(std::string_view key, std::string_view value, time_t expiry)
{
    memcached_return_t rc = memcached_add(m_, key.data(), key.size(), value.data(), value.size(), expiry, 0);
    if (rc == MEMCACHED_SUCCESS) return true;
    // The binary protocol answers "exists", the text protocol "not stored".
    if (rc == MEMCACHED_DATA_EXISTS || rc == MEMCACHED_NOTSTORED) return false;
    fail(rc, "add");
}

CasStore MemcachedClient::cas(std::string_view key, std::string_view value, time_t expiry, uint64_t casId)
{
    memcached_return_t rc = memcached_cas(m_, key.data(), key.size(), value.data(), value.size(), expiry, 0, casId);
    switch (rc) {
    case MEMCACHED_SUCCESS:
        return CasStore::Stored;
    case MEMCACHED_DATA_EXISTS:
    case MEMCACHED_NOTSTORED:
        return CasStore::Changed;
    case MEMCACHED_NOTFOUND:
        return CasStore::Gone;
    default:
        fail(rc, "cas");
    }
}

bool MemcachedClient::remove(std::string_view key)
{
    memcached_return_t rc = memcached_delete(m_, key.data(), key.size(), 0);
    if (rc == MEMCACHED_SUCCESS) return true;
    if (rc == MEMCACHED_NOTFOUND) return false;
    fail(rc, "delete");
}

std::optional<uint64_t> MemcachedClient::increment(std::string_view key, uint64_t delta)
{
    uint64_t value = 0;
    memcached_return_t rc = MEMCACHED_SUCCESS;
    // Two increments creating an absent key at once: the server stores one
    // initial value and answers the other NOT_STORED; that one's increment
    // of the now existing key then succeeds.
    for (int attempt = 0; attempt < 8; ++attempt) {
        rc = memcached_increment_with_initial(m_, key.data(), key.size(), delta, delta, 0, &value);
        if (rc != MEMCACHED_NOTSTORED) break;
    }
    if (rc == MEMCACHED_SUCCESS) return value;
    // libmemcached reports the server's "non-numeric value" as an unknown
    // read failure, the same code as a reply that broke off. Either way the
    // caller falls back to reading the value; the client is dropped in case
    // the stream did break.
    if (rc == MEMCACHED_UNKNOWN_READ_FAILURE) {
        healthy_ = false;
        return std::nullopt;
    }
    if (rc == MEMCACHED_NOTFOUND) return std::nullopt; // a server that would not create it
    fail(rc, "incr");
}

void MemcachedClient::addModulo(std::string_view key, uint64_t delta)
{
    uint64_t value = 0;
    memcached_return_t rc =
        memcached_increment_by_key(m_, key.data(), key.size(), key.data(), key.size(), delta, &value);
    if (rc != MEMCACHED_SUCCESS && rc != MEMCACHED_NOTFOUND) fail(rc, "incr (undo)");
}

void MemcachedClient::health()
{
    memcached_return_t rc = MEMCACHED_SUCCESS;
    memcached_stat_st* stats = memcached_stat(m_, nullptr, &rc);
    if (stats) memcached_stat_free(m_, stats);
    if (rc == MEMCACHED_SUCCESS) return;
    std::string down;
    jiffy_status status = JIFFY_UNAVAILABLE;
    for (uint32_t i = 0; i < memcached_server_count(m_); ++i) {
        const memcached_instance_st* s = memcached_server_instance_by_position(m_, i);
        memcached_return_t src = memcached_server_error_return(s);
        if (src == MEMCACHED_SUCCESS) continue;
        if (src == MEMCACHED_TIMEOUT) status = JIFFY_TIMEOUT;
        if (mayDesync(src)) healthy_ = false;
        down += (down.empty() ? "" : "; ") + std::string(memcached_server_name(s)) + ":" +
                std::to_string(memcached_server_port(s)) + " " + describe(src, false);
    }
    if (mayDesync(rc)) healthy_ = false;
    jiffy::fail(status, "stats: " + (down.empty() ? describe(rc) : down));
}

} // namespace jiffy::memcache
