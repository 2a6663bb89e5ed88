// The sluggo KVS plugin. On first contact (and again after losing the
// server) it asks for our extension with HELLO on /x/v1:
//   - jiffy-sluggo with extensions: every verb is one atomic server
//     operation (TTL, add, compare-and-set, incr), over pooled connections;
//   - a Go sluggo or jiffy-sluggo --no-extensions (HELLO answered 404):
//     plain get/set/delete of the Go protocol; add, compare-and-set, incr
//     and remove are read-then-write under a mutex of this process, so they
//     are atomic among this process's callers but NOT across processes;
//     a TTL is refused with JIFFY_UNSUPPORTED (values are stored raw, as Go
//     jiffy nodes read them, so expiry cannot be emulated in the value).
#pragma once

#include "client/ExtClient.h"
#include "client/GoClient.h"
#include "client/SluggoConfig.h"
#include "client/WsConnector.h"

#include <jiffy/kvs.hpp>

#include <mutex>

namespace jiffy::sluggo {

class SluggoKvs : public jiffy::KvsStore {
public:
    SluggoKvs(const jiffy::Host& host, std::string_view configJson);

    std::optional<std::string> get(std::string_view key) override;
    void set(std::string_view key, std::string_view value, std::chrono::milliseconds ttl) override;
    bool add(std::string_view key, std::string_view value, std::chrono::milliseconds ttl) override;
    jiffy::CasResult compareAndSet(std::string_view key, std::string_view expected, std::string_view value,
                                   std::chrono::milliseconds ttl) override;
    bool remove(std::string_view key) override;
    int64_t incr(std::string_view key, int64_t delta) override;
    void health() override;

private:
    enum class Mode { Unknown, Extended, Plain };

    /// The server's mode, probing it first if unknown.
    Mode mode();
    /// Runs `extended` or `plain` by mode; re-probes when the server went
    /// away or lost its extensions, and retries once after the latter.
    template <class R, class Ext, class Plain> R dispatch(Ext&& extended, Plain&& plain);

    /// One extension call; turns error statuses into jiffy::Error.
    ExtReply extCall(const ExtRequest& request, bool idempotent);
    static ExtRequest request(std::string_view op, std::string_view key);
    void refuseTtl(std::chrono::milliseconds ttl, const char* verb) const;
    static int64_t parseCounter(const std::string& value);

    jiffy::Host host_; ///< a copy: the one create() was given is a temporary
    ClientConfig config_;
    WsConnector connector_;
    GoClient go_;
    ExtClient ext_;

    std::mutex modeMutex_; ///< guards mode_ and the warnings; held while probing
    Mode mode_ = Mode::Unknown;
    std::chrono::steady_clock::time_point plainSince_;
    static constexpr std::chrono::seconds kPlainRecheck{5};
    std::optional<jiffy::Error> probeFailed_; ///< the last probe's failure, for kProbeBackoff
    std::chrono::steady_clock::time_point probeFailedAt_;
    static constexpr std::chrono::milliseconds kProbeBackoff{250};
    bool announcedExtended_ = false;
    bool warnedPlain_ = false;
    /// Plain mode: makes read-then-write verbs atomic within this process.
    std::mutex plainMutex_;
};

} // namespace jiffy::sluggo
