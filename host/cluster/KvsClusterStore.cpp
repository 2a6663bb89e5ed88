#include "cluster/KvsClusterStore.h"

#include <Poco/Exception.h>

namespace jiffy::host {

using cluster::StoreResult;

template <class Call> StoreResult KvsClusterStore::guarded(const char* op, std::string_view key, Call&& call)
{
    try {
        return call();
    } catch (const Poco::Exception& e) {
        lastError_ = std::string("cluster store ") + op + " " + std::string(key) + ": " + e.displayText();
    } catch (const std::exception& e) {
        lastError_ = std::string("cluster store ") + op + " " + std::string(key) + ": " + e.what();
    }
    return StoreResult::Unavailable;
}

StoreResult KvsClusterStore::get(std::string_view key, std::string& value)
{
    return guarded("get", key, [&] {
        auto v = kvs_.get(key);
        if (!v) return StoreResult::NotFound;
        value = std::move(*v);
        return StoreResult::Ok;
    });
}

StoreResult KvsClusterStore::add(std::string_view key, std::string_view value, std::int64_t ttlMs)
{
    return guarded("add", key, [&] { return kvs_.add(key, value, ttlMs) ? StoreResult::Ok : StoreResult::Conflict; });
}

StoreResult KvsClusterStore::compareAndSet(std::string_view key, std::string_view expected, std::string_view value,
                                           std::int64_t ttlMs)
{
    return guarded("compare_and_set", key, [&] {
        switch (kvs_.compareAndSet(key, expected, value, ttlMs)) {
        case CasOutcome::Swapped:
            return StoreResult::Ok;
        case CasOutcome::Conflict:
            return StoreResult::Conflict;
        case CasOutcome::NotFound:
            return StoreResult::NotFound;
        }
        return StoreResult::Unavailable;
    });
}

StoreResult KvsClusterStore::incr(std::string_view key, std::int64_t delta, std::int64_t& result)
{
    return guarded("incr", key, [&] {
        result = kvs_.incr(key, delta);
        return StoreResult::Ok;
    });
}

StoreResult KvsClusterStore::remove(std::string_view key)
{
    return guarded("remove", key, [&] { return kvs_.remove(key) ? StoreResult::Ok : StoreResult::NotFound; });
}

} // namespace jiffy::host
