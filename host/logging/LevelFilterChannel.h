// jiffy's per-type switches: lw enables info, warning, error, debug and
// trace messages each on its own (debug on with info off is valid), and
// `active: false` silences all of them; fatal messages are always written.
// Poco's loggers have a single threshold, so the loggers are set to the
// lowest enabled priority and this channel drops the types switched off.
#pragma once

#include "config/Config.h"

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Message.h>

#include <string>

namespace jiffy::host::logging {

/// Name of the logger that writes one line per request.
inline const char* const kRequestLogger = "jiffyd.request";

/// Which Poco priorities a LoggingConfig lets through.
class LevelMask {
public:
    LevelMask() = default;
    explicit LevelMask(const LoggingConfig& cfg);
    bool allows(Poco::Message::Priority p) const { return (bits_ >> p) & 1u; }
    /// The lowest priority allowed (the loggers' threshold), at least PRIO_FATAL.
    int threshold() const;
    bool requests() const { return requests_; }

private:
    unsigned bits_ = 1u << Poco::Message::PRIO_FATAL;
    bool requests_ = false;
};

class LevelFilterChannel : public Poco::Channel {
public:
    LevelFilterChannel(LevelMask mask, Poco::AutoPtr<Poco::Channel> next);
    void log(const Poco::Message& msg) override;
    void open() override;
    void close() override;

private:
    LevelMask mask_;
    Poco::AutoPtr<Poco::Channel> next_;
};

} // namespace jiffy::host::logging
