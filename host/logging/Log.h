// Logging with the call site: JIFFY_LOG(logger, Poco::Message::PRIO_ERROR,
// text) records __FILE__ (its last component) and __LINE__, which
// `callLocation` (and lw's rule for error/debug/trace) then writes. The
// text is only built when the logger's threshold lets the priority pass.
#pragma once

#include <Poco/Logger.h>
#include <Poco/Message.h>

namespace jiffy::host::logging {

/// The last component of a path (a compile-time __FILE__ stays valid).
constexpr const char* baseName(const char* path)
{
    const char* base = path;
    for (const char* p = path; *p; ++p)
        if (*p == '/') base = p + 1;
    return base;
}

} // namespace jiffy::host::logging

#define JIFFY_LOG(logger, prio, text)                                                                                  \
    do {                                                                                                               \
        Poco::Logger& jiffyLogger_ = (logger);                                                                         \
        if (jiffyLogger_.is(prio))                                                                                     \
            jiffyLogger_.log(Poco::Message(jiffyLogger_.name(), (text), (prio),                                        \
                                           ::jiffy::host::logging::baseName(__FILE__), __LINE__));                     \
    } while (0)
