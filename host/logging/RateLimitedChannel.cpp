#include "logging/RateLimitedChannel.h"

#include "logging/RequestContext.h"

#include <chrono>

namespace jiffy::host::logging {
namespace {

int64_t steadyMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

const char* const kOverflowKey = "(other messages)";

} // namespace

RateLimitedChannel::RateLimitedChannel(Poco::AutoPtr<Poco::Channel> next, int burst, int64_t intervalMs, Clock clock,
                                       size_t maxKeys)
    : next_(std::move(next)), burst_(burst < 1 ? 1 : burst), intervalMs_(intervalMs < 1 ? 1 : intervalMs),
      clock_(clock ? std::move(clock) : Clock(steadyMs)), maxKeys_(maxKeys < 1 ? 1 : maxKeys)
{
}

RateLimitedChannel::~RateLimitedChannel()
{
    try {
        std::vector<Poco::Message> pending;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            collectExpired(clock_(), true, pending);
        }
        for (const auto& m : pending) next_->log(m);
    } catch (...) {
    }
}

std::string RateLimitedChannel::keyOf(const Poco::Message& msg)
{
    if (msg.has(kRateKeyParam)) return msg.get(kRateKeyParam);
    const int p = msg.getPriority();
    if (p == Poco::Message::PRIO_FATAL || p > Poco::Message::PRIO_WARNING) return {};
    std::string key = msg.getSource();
    key += '|';
    key += static_cast<char>('0' + p);
    key += '|';
    // Messages that differ only in numbers (ids, ports, counts) are one template.
    const std::string& text = msg.getText();
    const size_t n = text.size() < 160 ? text.size() : 160;
    bool inDigits = false;
    for (size_t i = 0; i < n; ++i) {
        const char c = text[i];
        if (c >= '0' && c <= '9') {
            if (!inDigits) key += '#';
            inDigits = true;
        } else {
            key += c;
            inDigits = false;
        }
    }
    return key;
}

Poco::Message RateLimitedChannel::summary(const Window& w, int64_t now)
{
    std::string text = w.sample.getText();
    if (text.size() > 200) text = text.substr(0, 200) + "...";
    const int64_t seconds = (now - w.start + 999) / 1000;
    // A fresh message: the sample's parameters (request id, status) describe one request only.
    return Poco::Message(w.sample.getSource(),
                         "suppressed " + std::to_string(w.suppressed) + " similar messages in " +
                             std::to_string(seconds) + " s, like: " + text,
                         w.sample.getPriority());
}

void RateLimitedChannel::collectExpired(int64_t now, bool all, std::vector<Poco::Message>& out)
{
    for (auto it = windows_.begin(); it != windows_.end();) {
        if (all || now - it->second.start >= intervalMs_) {
            if (it->second.suppressed) out.push_back(summary(it->second, now));
            it = windows_.erase(it);
        } else {
            ++it;
        }
    }
}

void RateLimitedChannel::log(const Poco::Message& msg)
{
    std::string key = keyOf(msg);
    std::vector<Poco::Message> pending;
    bool pass = true;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        const int64_t now = clock_();
        if (now - lastSweep_ >= 1000 || now < lastSweep_) {
            lastSweep_ = now;
            collectExpired(now, false, pending);
        }
        if (!key.empty()) {
            auto it = windows_.find(key);
            if (it == windows_.end()) {
                if (windows_.size() >= maxKeys_) key = kOverflowKey;
                it = windows_.try_emplace(key).first;
                if (it->second.passed == 0 && it->second.suppressed == 0) it->second.start = now;
            } else if (now - it->second.start >= intervalMs_) {
                if (it->second.suppressed) pending.push_back(summary(it->second, now));
                it->second = Window();
                it->second.start = now;
            }
            Window& w = it->second;
            if (w.passed < burst_) {
                ++w.passed;
            } else {
                if (w.suppressed++ == 0) w.sample = msg;
                pass = false;
            }
        }
    }
    if (!pending.empty()) {
        // A summary belongs to no request.
        RequestScope none(nullptr);
        for (const auto& m : pending) next_->log(m);
    }
    if (pass) next_->log(msg);
}

void RateLimitedChannel::flushExpired()
{
    std::vector<Poco::Message> pending;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        collectExpired(clock_(), false, pending);
    }
    RequestScope none(nullptr);
    for (const auto& m : pending) next_->log(m);
}

void RateLimitedChannel::open()
{
    next_->open();
}

void RateLimitedChannel::close()
{
    std::vector<Poco::Message> pending;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        collectExpired(clock_(), true, pending);
    }
    RequestScope none(nullptr);
    for (const auto& m : pending) next_->log(m);
    next_->close();
}

} // namespace jiffy::host::logging
