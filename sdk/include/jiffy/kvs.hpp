// jiffy/kvs.hpp — write a key/value store plugin as an ordinary C++ class.
//
//   class MyKvs : public jiffy::KvsStore {
//   public:
//       MyKvs(const jiffy::Host& host, std::string_view configJson);
//       ... override the pure virtual functions ...
//   };
//   JIFFY_KVS_PLUGIN(MyKvs, "mykvs", "1.0.0", JIFFY_CAP_THREAD_SAFE | JIFFY_CAP_TTL, kOptions)
//
// Semantics are those of jiffy_kvs_vtable in abi.h. Throw jiffy::Error with
// JIFFY_UNAVAILABLE / JIFFY_TIMEOUT when the backend cannot be reached.
#ifndef JIFFY_KVS_HPP
#define JIFFY_KVS_HPP

#include "jiffy/plugin.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace jiffy {

/// Longest key every KVS accepts (memcached's limit).
constexpr size_t kMaxKeyLength = 250;

/// Throws JIFFY_INVALID unless 1 <= key.size() <= kMaxKeyLength.
inline void checkKey(std::string_view key)
{
    if (key.empty()) fail(JIFFY_INVALID, "key is empty");
    if (key.size() > kMaxKeyLength)
        fail(JIFFY_INVALID, "key is " + std::to_string(key.size()) + " bytes, the limit is 250");
}

/// Base class of a KVS plugin. `ttl` of zero means "no expiry".
class KvsStore {
public:
    virtual ~KvsStore() = default;
    /// The value, or nullopt when absent or expired.
    virtual std::optional<std::string> get(std::string_view key) = 0;
    /// Stores unconditionally.
    virtual void set(std::string_view key, std::string_view value, std::chrono::milliseconds ttl) = 0;
    /// Stores only if absent; false when the key exists.
    virtual bool add(std::string_view key, std::string_view value, std::chrono::milliseconds ttl) = 0;
    /// Replaces only if the current value equals `expected`.
    virtual CasResult compareAndSet(std::string_view key, std::string_view expected, std::string_view value,
                                    std::chrono::milliseconds ttl) = 0;
    /// Deletes; false when the key was absent.
    virtual bool remove(std::string_view key) = 0;
    /// Adds `delta` to the integer at `key` (absent = 0) and returns the result.
    virtual int64_t incr(std::string_view key, int64_t delta) = 0;
    /// Throws when the backend does not answer now. The default says "unknown"
    /// (JIFFY_UNSUPPORTED, shown as such by /readyz), never a false "ok".
    virtual void health() { fail(JIFFY_UNSUPPORTED, "this plugin does not report its health"); }
};

namespace detail {

template <class T> struct KvsThunks {
    static std::chrono::milliseconds ttl(int64_t ms) { return std::chrono::milliseconds(ms > 0 ? ms : 0); }

    static jiffy_status get(void* st, const char* k, size_t kn, const jiffy_sink* out, jiffy_error* err) noexcept
    {
        std::optional<std::string> v;
        jiffy_status s = guard(err, [&] {
            checkKey(view(k, kn));
            v = impl<T>(st).get(view(k, kn));
        });
        if (s != JIFFY_OK) return s;
        if (!v) {
            static const char m[] = "key not found";
            return jiffy_error_set(err, JIFFY_NOT_FOUND, m, sizeof m - 1);
        }
        jiffy_status w = out->write(out->ctx, v->data(), v->size());
        if (w != JIFFY_OK) {
            static const char m[] = "the output sink refused the value";
            return jiffy_error_set(err, w, m, sizeof m - 1);
        }
        return JIFFY_OK;
    }
    static jiffy_status set(void* st, const char* k, size_t kn, const void* v, size_t vn, int64_t ms,
                            jiffy_error* err) noexcept
    {
        return guard(err, [&] {
            checkKey(view(k, kn));
            impl<T>(st).set(view(k, kn), view(v, vn), ttl(ms));
        });
    }
    static jiffy_status add(void* st, const char* k, size_t kn, const void* v, size_t vn, int64_t ms,
                            jiffy_error* err) noexcept
    {
        bool added = false;
        jiffy_status s = guard(err, [&] {
            checkKey(view(k, kn));
            added = impl<T>(st).add(view(k, kn), view(v, vn), ttl(ms));
        });
        if (s != JIFFY_OK || added) return s;
        static const char m[] = "key already exists";
        return jiffy_error_set(err, JIFFY_CONFLICT, m, sizeof m - 1);
    }
    static jiffy_status cas(void* st, const char* k, size_t kn, const void* e, size_t en, const void* v, size_t vn,
                            int64_t ms, jiffy_error* err) noexcept
    {
        CasResult r = CasResult::Swapped;
        jiffy_status s = guard(err, [&] {
            checkKey(view(k, kn));
            r = impl<T>(st).compareAndSet(view(k, kn), view(e, en), view(v, vn), ttl(ms));
        });
        if (s != JIFFY_OK) return s;
        if (r == CasResult::Conflict) {
            static const char m[] = "current value differs from the expected value";
            return jiffy_error_set(err, JIFFY_CONFLICT, m, sizeof m - 1);
        }
        if (r == CasResult::NotFound) {
            static const char m[] = "key not found";
            return jiffy_error_set(err, JIFFY_NOT_FOUND, m, sizeof m - 1);
        }
        return JIFFY_OK;
    }
    static jiffy_status remove(void* st, const char* k, size_t kn, jiffy_error* err) noexcept
    {
        bool removed = false;
        jiffy_status s = guard(err, [&] {
            checkKey(view(k, kn));
            removed = impl<T>(st).remove(view(k, kn));
        });
        if (s != JIFFY_OK || removed) return s;
        static const char m[] = "key not found";
        return jiffy_error_set(err, JIFFY_NOT_FOUND, m, sizeof m - 1);
    }
    static jiffy_status incr(void* st, const char* k, size_t kn, int64_t delta, int64_t* result,
                             jiffy_error* err) noexcept
    {
        return guard(err, [&] {
            checkKey(view(k, kn));
            *result = impl<T>(st).incr(view(k, kn), delta);
        });
    }
    static jiffy_status health(void* st, jiffy_error* err) noexcept
    {
        return guard(err, [&] { impl<T>(st).health(); });
    }

    static const jiffy_kvs_vtable table;
};

template <class T>
const jiffy_kvs_vtable KvsThunks<T>::table = {sizeof(jiffy_kvs_vtable), &KvsThunks<T>::get,   &KvsThunks<T>::set,
                                              &KvsThunks<T>::add,       &KvsThunks<T>::cas,   &KvsThunks<T>::remove,
                                              &KvsThunks<T>::incr,      &KvsThunks<T>::health};

} // namespace detail
} // namespace jiffy

/// Exports KVS plugin class `Class` (derived from jiffy::KvsStore) under
/// `name`. `options` is a static array of jiffy_option (see jiffy::option).
#define JIFFY_KVS_PLUGIN(Class, name, version, capabilities, options)                                                  \
    static const jiffy_plugin_descriptor jiffy_plugin_descriptor_ = jiffy::makeDescriptor<Class>(                      \
        JIFFY_KIND_KVS, jiffy::PluginInfo{name, version, capabilities, options, jiffy::optionCount(options)},          \
        &jiffy::detail::KvsThunks<Class>::table);                                                                      \
    JIFFY_EXPORT_DESCRIPTOR(jiffy_plugin_descriptor_)

#endif // JIFFY_KVS_HPP
