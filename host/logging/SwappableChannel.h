// The one channel every logger writes to. It forwards to the current chain
// (level filter, rate limiter, formatter, output), which reload replaces
// as a whole: a message goes to the old or the new chain, never nowhere,
// and loggers never see their channel change under them.
#pragma once

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>

#include <mutex>

namespace jiffy::host::logging {

class SwappableChannel : public Poco::Channel {
public:
    void log(const Poco::Message& msg) override;
    void close() override;
    /// Makes `next` the current chain; returns the previous one (may be null).
    Poco::AutoPtr<Poco::Channel> swap(Poco::AutoPtr<Poco::Channel> next);
    Poco::AutoPtr<Poco::Channel> current() const;

private:
    mutable std::mutex mutex_;
    Poco::AutoPtr<Poco::Channel> current_;
};

} // namespace jiffy::host::logging
