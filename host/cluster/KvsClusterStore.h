// The cluster's store over the configured KVS plugin. Every failure (the
// plugin's statuses other than not-found and conflict, or anything thrown) is
// Unavailable, with the plugin's message kept for lastError(). Leader safety
// is as strong as the plugin's compare_and_set and add: atomic for Redis, the
// standalone store and jiffy-sluggo; see each plugin's README.
#pragma once

#include "cluster/ClusterStore.h"
#include "plugins/KvsInstance.h"

namespace jiffy::host {

class KvsClusterStore : public cluster::ClusterStore {
public:
    explicit KvsClusterStore(const KvsInstance& kvs) : kvs_(kvs) {}

    cluster::StoreResult get(std::string_view key, std::string& value) override;
    cluster::StoreResult add(std::string_view key, std::string_view value, std::int64_t ttlMs) override;
    cluster::StoreResult compareAndSet(std::string_view key, std::string_view expected, std::string_view value,
                                       std::int64_t ttlMs) override;
    cluster::StoreResult incr(std::string_view key, std::int64_t delta, std::int64_t& result) override;
    cluster::StoreResult remove(std::string_view key) override;
    std::string lastError() const override { return lastError_; }

private:
    template <class Call> cluster::StoreResult guarded(const char* op, std::string_view key, Call&& call);

    const KvsInstance& kvs_;
    std::string lastError_;
};

} // namespace jiffy::host
