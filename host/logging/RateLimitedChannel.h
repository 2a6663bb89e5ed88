// Bounds repeated messages, so a flood of bad requests cannot fill the disk:
// per message template, the first `burst` messages of a window pass and the
// rest are counted; once the window is over one line says how many similar
// messages were suppressed. Warnings, errors and critical messages are
// limited, and any message carrying a "rate_key" parameter (the request log
// sets one on 4xx/5xx lines); fatal messages never are. The template is the
// rate_key, else source, priority and the text with digits masked.
#pragma once

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Message.h>

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace jiffy::host::logging {

/// Name of the message parameter that overrides the template key.
inline const char* const kRateKeyParam = "rate_key";

class RateLimitedChannel : public Poco::Channel {
public:
    using Clock = std::function<int64_t()>; ///< milliseconds, monotonic

    /// At most `burst` messages per template each `intervalMs`; `maxKeys`
    /// templates are tracked, further ones share one bucket.
    RateLimitedChannel(Poco::AutoPtr<Poco::Channel> next, int burst, int64_t intervalMs, Clock clock = {},
                       size_t maxKeys = 1024);
    ~RateLimitedChannel() override;

    void log(const Poco::Message& msg) override;
    void open() override;
    /// Writes the pending "suppressed" lines, then closes the next channel.
    void close() override;
    /// Writes a "suppressed" line for every template whose window has ended.
    void flushExpired();

    /// The template key of `msg` ("" = not limited).
    static std::string keyOf(const Poco::Message& msg);

private:
    struct Window {
        int64_t start = 0;
        int passed = 0;
        uint64_t suppressed = 0;
        Poco::Message sample; ///< the first suppressed message, for the summary
    };
    void collectExpired(int64_t now, bool all, std::vector<Poco::Message>& out);
    static Poco::Message summary(const Window& w, int64_t now);

    Poco::AutoPtr<Poco::Channel> next_;
    const int burst_;
    const int64_t intervalMs_;
    Clock clock_;
    const size_t maxKeys_;
    std::mutex mutex_;
    std::unordered_map<std::string, Window> windows_;
    int64_t lastSweep_ = 0;
};

} // namespace jiffy::host::logging
