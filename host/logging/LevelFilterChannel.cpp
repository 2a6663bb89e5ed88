#include "logging/LevelFilterChannel.h"

namespace jiffy::host::logging {

LevelMask::LevelMask(const LoggingConfig& cfg)
{
    using M = Poco::Message;
    bits_ = 1u << M::PRIO_FATAL;
    if (!cfg.active) return;
    auto on = [this](bool enabled, M::Priority p) {
        if (enabled) bits_ |= 1u << p;
    };
    on(cfg.errorMsgs, M::PRIO_CRITICAL);
    on(cfg.errorMsgs, M::PRIO_ERROR);
    on(cfg.warningMsgs, M::PRIO_WARNING);
    on(cfg.infoMsgs, M::PRIO_NOTICE);
    on(cfg.infoMsgs, M::PRIO_INFORMATION);
    on(cfg.debugMsgs, M::PRIO_DEBUG);
    on(cfg.traceMsgs, M::PRIO_TRACE);
    requests_ = cfg.requests;
}

int LevelMask::threshold() const
{
    for (int p = Poco::Message::PRIO_TRACE; p > Poco::Message::PRIO_FATAL; --p)
        if ((bits_ >> p) & 1u) return p;
    return Poco::Message::PRIO_FATAL;
}

LevelFilterChannel::LevelFilterChannel(LevelMask mask, Poco::AutoPtr<Poco::Channel> next)
    : mask_(mask), next_(std::move(next))
{
}

void LevelFilterChannel::log(const Poco::Message& msg)
{
    // The request log has its own switch (`requests`); `active: false` stops it too.
    bool pass = msg.getSource() == kRequestLogger ? mask_.requests() : mask_.allows(msg.getPriority());
    if (pass) next_->log(msg);
}

void LevelFilterChannel::open()
{
    next_->open();
}

void LevelFilterChannel::close()
{
    next_->close();
}

} // namespace jiffy::host::logging
