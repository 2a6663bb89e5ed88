// Freshness of authenticated frames: a frame is taken once. Per sender
// address and incarnation the bus remembers the highest sequence number seen;
// a frame at or below it is a replay. A frame whose timestamp is further than
// the window from the receiver's clock is stale, which bounds how long a
// captured frame stays dangerous once its sender has been forgotten. Pure:
// the clock comes in as an argument.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace jiffy::cluster::bus {

enum class Freshness { Fresh, Replayed, Stale };

class ReplayGuard {
public:
    /// `windowMs`: accepted distance between a frame's timestamp and now;
    /// `maxSenders`: remembered (address, incarnation) pairs.
    ReplayGuard(std::int64_t windowMs, std::size_t maxSenders);

    /// Checks one frame and, when fresh, records its sequence.
    Freshness check(std::string_view sender, std::uint64_t incarnation, std::uint64_t sequence,
                    std::int64_t timestampMs, std::int64_t nowMs);

    std::size_t size() const { return last_.size(); }

private:
    struct Seen {
        std::uint64_t sequence = 0;
        std::int64_t atMs = 0;
    };
    void makeRoom(std::int64_t nowMs);

    std::int64_t windowMs_;
    std::size_t maxSenders_;
    std::unordered_map<std::string, Seen> last_;
};

} // namespace jiffy::cluster::bus
