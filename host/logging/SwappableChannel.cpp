#include "logging/SwappableChannel.h"

namespace jiffy::host::logging {

void SwappableChannel::log(const Poco::Message& msg)
{
    Poco::AutoPtr<Poco::Channel> c = current();
    if (c) c->log(msg);
}

void SwappableChannel::close()
{
    Poco::AutoPtr<Poco::Channel> c = current();
    if (c) c->close();
}

Poco::AutoPtr<Poco::Channel> SwappableChannel::swap(Poco::AutoPtr<Poco::Channel> next)
{
    std::lock_guard<std::mutex> lock(mutex_);
    std::swap(current_, next);
    return next;
}

Poco::AutoPtr<Poco::Channel> SwappableChannel::current() const
{
    std::lock_guard<std::mutex> lock(mutex_);
    return current_;
}

} // namespace jiffy::host::logging
