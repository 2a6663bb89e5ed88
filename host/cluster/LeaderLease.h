// The leader lease in the shared store. The record {pid, address, term} is
// written with add(ttl) (only when no record exists: expired or released),
// renewed every ping cycle with compare_and_set on the exact value written.
// Terms come from a counter in the store (incr), so no two acquisitions ever
// share a term, even after the store lost its data.
//
// Safety: the holder acts as leader only while now < renewedAt + ttl − margin,
// where renewedAt is the time taken BEFORE the renewal was sent, so the
// store's own expiry (which starts later) always comes after the holder has
// stopped. A failed renewal ends the lease at once.
#pragma once

#include "cluster/ClusterStore.h"
#include "cluster/Message.h"

#include <optional>
#include <string>

namespace jiffy::cluster {

struct LeaderRecord {
    Pid pid = 0;
    std::string address;
    std::uint64_t term = 0;

    /// "jiffy-leader/1 <pid> <term> <address>": plain text, readable with redis-cli.
    std::string encode() const;
    /// nullopt for anything that is not a record (a released lease is the empty string).
    static std::optional<LeaderRecord> decode(std::string_view text);
};

struct LeaseParams {
    TimeMs ttl = 3000;    ///< record TTL in the store
    TimeMs margin = 1000; ///< stop acting this long before the TTL could end (≥ one ping cycle + drift)
    std::string key = "jiffy.cluster.leader";
    std::string termKey = "jiffy.cluster.term";
};

class LeaderLease {
public:
    enum class Seen { Record, Absent, Unavailable };

    LeaderLease(ClusterStore& store, LeaseParams params) : store_(store), params_(std::move(params)) {}

    /// Reads the record: Absent for no record, a released one or an unreadable value.
    Seen read(LeaderRecord& out);
    /// Takes the lease if the store has none: true when this member now holds it.
    /// `seenTerm` is the highest term known here; the new term is above it.
    bool acquire(Pid pid, const std::string& address, std::uint64_t seenTerm, TimeMs now);
    /// Renews the held lease; false (and the lease is dropped) when that fails in any way.
    bool renew(TimeMs now);
    /// Gives the lease up: the record is replaced by the empty "released" value (compare-and-set,
    /// so a record someone else wrote meanwhile is left alone) which expires at once.
    void release();
    /// Stops acting as leader without touching the store (a higher term was seen).
    void drop() { held_.reset(); }

    bool held(TimeMs now) const { return held_ && now < renewedAt_ + params_.ttl - params_.margin; }
    bool holding() const { return held_.has_value(); }
    /// Until when held() stays true without a renewal (0: not held).
    TimeMs heldUntil() const { return held_ ? renewedAt_ + params_.ttl - params_.margin : 0; }
    TimeMs renewedAt() const { return renewedAt_; }
    std::uint64_t term() const { return held_ ? held_->term : 0; }
    const LeaseParams& params() const { return params_; }

private:
    ClusterStore& store_;
    LeaseParams params_;
    std::optional<LeaderRecord> held_;
    TimeMs renewedAt_ = 0;
};

} // namespace jiffy::cluster
