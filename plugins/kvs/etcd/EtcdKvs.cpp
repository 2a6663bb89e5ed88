// group_leader_kvs.etcd: jiffy's KVS on etcd v3, through its JSON gateway.
//
// Every operation is one linearizable etcd request (a range, a put, or a txn
// whose compare and write the cluster applies atomically), plus a lease grant
// before a write with a TTL. etcd keeps a lease per TTL'd write; the plugin
// revokes the lease a write replaced or did not use, so leases do not pile up
// while a leader renews its record.
#include "EtcdClient.h"
#include "EtcdConfig.h"

#include <jiffy/kvs.hpp>

#include <Poco/JSON/Array.h>

#include <charconv>
#include <optional>
#include <string>

namespace jiffy::etcd {
namespace {

const jiffy_option kOptions[] = {
    jiffy::option("endpoints", JIFFY_OPT_ADDRESS_LIST, false, "[\"127.0.0.1:2379\"]",
                  "the members' client addresses, tried in turn when one fails"),
    jiffy::option("prefix", JIFFY_OPT_STRING, false, "\"jiffy/\"", "prepended to every key"),
    jiffy::option("user", JIFFY_OPT_STRING, false, nullptr, "etcd user (auth enabled); needs password"),
    jiffy::option("password", JIFFY_OPT_STRING, false, nullptr, "password of user (never logged)"),
    jiffy::option("tls", JIFFY_OPT_BOOL, false, "false", "https to the endpoints (on when a TLS file is set)"),
    jiffy::option("ca_file", JIFFY_OPT_PATH, false, nullptr,
                  "PEM CA bundle to verify the members (default: the system's CAs)"),
    jiffy::option("cert_file", JIFFY_OPT_PATH, false, nullptr, "PEM client certificate (with key_file)"),
    jiffy::option("key_file", JIFFY_OPT_PATH, false, nullptr, "PEM private key of cert_file"),
    jiffy::option("connect_timeout_ms", JIFFY_OPT_INT, false, "1000", "give up connecting to a member after this long"),
    jiffy::option("timeout_ms", JIFFY_OPT_INT, false, "3000", "give up waiting for a member's reply after this long"),
    jiffy::option("max_idle", JIFFY_OPT_INT, false, "16", "kept-alive connections per endpoint"),
};

/// etcd's ceiling for a lease TTL, in seconds.
constexpr int64_t kMaxLeaseSeconds = 9000000000LL;
/// incr gives up after losing this many compare-and-swap rounds in a row.
constexpr int kMaxIncrRounds = 1000;

/// A TTL in whole seconds, rounded up (etcd's leases count seconds).
int64_t leaseSeconds(std::chrono::milliseconds ttl)
{
    int64_t s = (ttl.count() + 999) / 1000;
    return std::min(std::max<int64_t>(s, 1), kMaxLeaseSeconds);
}

/// The smallest key greater than every key starting with `prefix` ("\0" = no end).
std::string prefixEnd(std::string prefix)
{
    while (!prefix.empty() && static_cast<unsigned char>(prefix.back()) == 0xff) prefix.pop_back();
    if (prefix.empty()) return std::string(1, '\0');
    prefix.back() = static_cast<char>(static_cast<unsigned char>(prefix.back()) + 1);
    return prefix;
}

std::string quoted(const std::string& s)
{
    return "\"" + s + "\""; // base64 and decimal text need no escaping
}

/// A put request object for a txn or /v3/kv/put.
std::string putRequest(const std::string& key64, std::string_view value, int64_t lease, bool prevKv,
                       bool ignoreLease = false)
{
    std::string r = "{\"key\":" + quoted(key64) + ",\"value\":" + quoted(base64(value));
    if (lease != 0) r += ",\"lease\":" + quoted(std::to_string(lease));
    if (prevKv) r += ",\"prev_kv\":true";
    if (ignoreLease) r += ",\"ignore_lease\":true";
    return r + "}";
}

struct Kv {
    std::string value;
    int64_t modRevision = 0;
    int64_t lease = 0;
};

Kv readKv(const Poco::JSON::Object::Ptr& kv)
{
    Kv out;
    out.value = unbase64(kv->optValue<std::string>("value", ""));
    out.modRevision = int64Field(kv, "mod_revision");
    out.lease = int64Field(kv, "lease");
    return out;
}

/// The first key of a range reply, nullopt when there is none.
std::optional<Kv> firstKv(const Poco::JSON::Object::Ptr& range)
{
    if (!range) return std::nullopt;
    Poco::JSON::Array::Ptr kvs = range->getArray("kvs");
    if (!kvs || kvs->size() == 0) return std::nullopt;
    return readKv(kvs->getObject(0));
}

/// Response `i` of a txn reply, e.g. ("response_range", 0).
Poco::JSON::Object::Ptr txnResponse(const Poco::JSON::Object::Ptr& reply, const char* kind)
{
    Poco::JSON::Array::Ptr responses = reply->getArray("responses");
    if (!responses || responses->size() == 0) return nullptr;
    Poco::JSON::Object::Ptr r = responses->getObject(0);
    return r ? r->getObject(kind) : nullptr;
}

/// The lease of the key a put replaced (0 when none), from its prev_kv.
int64_t replacedLease(const Poco::JSON::Object::Ptr& put)
{
    if (!put) return 0;
    Poco::JSON::Object::Ptr prev = put->getObject("prev_kv");
    return prev ? int64Field(prev, "lease") : 0;
}

std::optional<int64_t> parseInteger(const std::string& s)
{
    int64_t v = 0;
    const char* end = s.data() + s.size();
    auto [p, ec] = std::from_chars(s.data(), end, v);
    if (s.empty() || ec != std::errc() || p != end) return std::nullopt;
    return v;
}

class EtcdKvs : public jiffy::KvsStore {
public:
    EtcdKvs(const jiffy::Host& host, std::string_view)
        : cfg_(EtcdConfig::read(host)), label_("etcd [" + cfg_.describe() + "]: "), client_(cfg_)
    {
        // No request yet: jiffyd may start before etcd does, and health()
        // is how the host learns whether the cluster answers.
        host.debug(label_ + "keys under \"" + cfg_.prefix + "\"" + (cfg_.tls ? ", https" : "") +
                   (cfg_.user.empty() ? "" : ", as user " + cfg_.user));
    }

    std::optional<std::string> get(std::string_view key) override
    {
        return run("range", [&] {
            std::optional<Kv> kv = firstKv(client_.call("/v3/kv/range", "{\"key\":" + quoted(k64(key)) + "}", true));
            return kv ? std::optional<std::string>(kv->value) : std::nullopt;
        });
    }

    void set(std::string_view key, std::string_view value, std::chrono::milliseconds ttl) override
    {
        run("put", [&] {
            const int64_t lease = grant(ttl);
            // Repeating a put after a lost reply writes the same bytes again.
            Poco::JSON::Object::Ptr r = client_.call("/v3/kv/put", putRequest(k64(key), value, lease, true), true);
            const int64_t old = replacedLease(r);
            if (old != 0 && old != lease) revoke(old);
            return 0;
        });
    }

    bool add(std::string_view key, std::string_view value, std::chrono::milliseconds ttl) override
    {
        return run("txn create_revision == 0", [&] {
            const std::string k = k64(key);
            const int64_t lease = grant(ttl);
            Poco::JSON::Object::Ptr r =
                client_.call("/v3/kv/txn",
                             "{\"compare\":[{\"key\":" + quoted(k) +
                                 ",\"target\":\"CREATE\",\"result\":\"EQUAL\",\"create_revision\":\"0\"}],"
                                 "\"success\":[{\"request_put\":" +
                                 putRequest(k, value, lease, false) + "}]}",
                             false);
            const bool added = r->optValue<bool>("succeeded", false);
            if (!added && lease != 0) revoke(lease);
            return added;
        });
    }

    jiffy::CasResult compareAndSet(std::string_view key, std::string_view expected, std::string_view value,
                                   std::chrono::milliseconds ttl) override
    {
        return run("txn value ==", [&] {
            const std::string k = k64(key);
            const int64_t lease = grant(ttl);
            // etcd fails a value comparison on an absent key, so the failure
            // branch's count tells "absent" from "differs" in the same round.
            Poco::JSON::Object::Ptr r = client_.call(
                "/v3/kv/txn",
                "{\"compare\":[{\"key\":" + quoted(k) + ",\"target\":\"VALUE\",\"result\":\"EQUAL\",\"value\":" +
                    quoted(base64(expected)) + "}],\"success\":[{\"request_put\":" + putRequest(k, value, lease, true) +
                    "}],\"failure\":[{\"request_range\":{\"key\":" + quoted(k) + ",\"count_only\":true}}]}",
                false);
            if (r->optValue<bool>("succeeded", false)) {
                const int64_t old = replacedLease(txnResponse(r, "response_put"));
                if (old != 0 && old != lease) revoke(old);
                return jiffy::CasResult::Swapped;
            }
            if (lease != 0) revoke(lease);
            return int64Field(txnResponse(r, "response_range"), "count") > 0 ? jiffy::CasResult::Conflict
                                                                             : jiffy::CasResult::NotFound;
        });
    }

    bool remove(std::string_view key) override
    {
        return run("deleterange", [&] {
            Poco::JSON::Object::Ptr r =
                client_.call("/v3/kv/deleterange", "{\"key\":" + quoted(k64(key)) + ",\"prev_kv\":true}", false);
            if (int64Field(r, "deleted") == 0) return false;
            Poco::JSON::Array::Ptr prev = r->getArray("prev_kvs");
            if (prev && prev->size() > 0) {
                const int64_t lease = int64Field(prev->getObject(0), "lease");
                if (lease != 0) revoke(lease);
            }
            return true;
        });
    }

    int64_t incr(std::string_view key, int64_t delta) override
    {
        return run("incr", [&] {
            const std::string k = k64(key);
            std::optional<Kv> cur = firstKv(client_.call("/v3/kv/range", "{\"key\":" + quoted(k) + "}", true));
            for (int round = 0; round < kMaxIncrRounds; ++round) {
                int64_t next = delta;
                std::string compare;
                std::string put;
                if (!cur) {
                    // Absent counts as 0 and the new key has no expiry.
                    compare = "\"target\":\"CREATE\",\"result\":\"EQUAL\",\"create_revision\":\"0\"";
                    put = putRequest(k, std::to_string(next), 0, false);
                } else {
                    std::optional<int64_t> now = parseInteger(cur->value);
                    if (!now) fail(JIFFY_INVALID, "the value is not a decimal integer");
                    if ((delta > 0 && *now > INT64_MAX - delta) || (delta < 0 && *now < INT64_MIN - delta))
                        fail(JIFFY_INVALID,
                             "adding " + std::to_string(delta) + " to " + cur->value + " overflows a 64-bit integer");
                    next = *now + delta;
                    // A key that has a TTL keeps it (the put keeps the key's lease).
                    compare = "\"target\":\"MOD\",\"result\":\"EQUAL\",\"mod_revision\":" +
                              quoted(std::to_string(cur->modRevision));
                    put = putRequest(k, std::to_string(next), 0, false, true);
                }
                Poco::JSON::Object::Ptr r = client_.call(
                    "/v3/kv/txn",
                    "{\"compare\":[{\"key\":" + quoted(k) + "," + compare + "}],\"success\":[{\"request_put\":" + put +
                        "}],\"failure\":[{\"request_range\":{\"key\":" + quoted(k) + "}}]}",
                    false);
                if (r->optValue<bool>("succeeded", false)) return next;
                cur = firstKv(txnResponse(r, "response_range")); // a concurrent writer won: go again
            }
            fail(JIFFY_TIMEOUT,
                 "gave up after losing " + std::to_string(kMaxIncrRounds) + " rounds to concurrent writers");
        });
    }

    void health() override
    {
        run("range on the prefix", [&] {
            std::string end = prefixEnd(cfg_.prefix);
            std::string start = cfg_.prefix.empty() ? std::string(1, '\0') : cfg_.prefix;
            client_.call("/v3/kv/range",
                         "{\"key\":" + quoted(base64(start)) + ",\"range_end\":" + quoted(base64(end)) +
                             ",\"limit\":\"1\",\"count_only\":true}",
                         true);
            return 0;
        });
    }

private:
    std::string k64(std::string_view key) const
    {
        std::string full = cfg_.prefix;
        full.append(key.data(), key.size());
        return base64(full);
    }

    /// A fresh lease for a write with a TTL; 0 (no lease) without one.
    int64_t grant(std::chrono::milliseconds ttl)
    {
        if (ttl.count() <= 0) return 0;
        Poco::JSON::Object::Ptr r =
            client_.call("/v3/lease/grant", "{\"TTL\":" + quoted(std::to_string(leaseSeconds(ttl))) + "}", true);
        const int64_t id = int64Field(r, "ID");
        if (id == 0) fail(JIFFY_INTERNAL, "lease grant returned no lease ID");
        return id;
    }

    /// Best effort: a lease nothing uses any more would expire by itself.
    void revoke(int64_t lease) noexcept
    {
        try {
            client_.call("/v3/lease/revoke", "{\"ID\":" + quoted(std::to_string(lease)) + "}", true);
        } catch (...) {
        }
    }

    /// Runs `f`, prefixing errors with the endpoints and the operation.
    template <class F> auto run(const char* what, F&& f) -> decltype(f())
    {
        try {
            return f();
        } catch (const jiffy::Error& e) {
            throw jiffy::Error(e.status(), label_ + what + ": " + e.what());
        } catch (const Poco::Exception& e) {
            throw jiffy::Error(JIFFY_INTERNAL, label_ + what + ": unexpected reply: " + e.displayText());
        }
    }

    const EtcdConfig cfg_;
    const std::string label_;
    EtcdClient client_;
};

} // namespace
} // namespace jiffy::etcd

JIFFY_KVS_PLUGIN(jiffy::etcd::EtcdKvs, "etcd", "1.0.0",
                 JIFFY_CAP_THREAD_SAFE | JIFFY_CAP_TTL | JIFFY_CAP_ATOMIC_CAS | JIFFY_CAP_INCR | JIFFY_CAP_PERSISTENT |
                     JIFFY_CAP_SHARED,
                 jiffy::etcd::kOptions)
