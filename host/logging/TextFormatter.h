// One human-readable line per message:
//   2026-01-02T03:04:05.678Z WARNING jiffyd.auth: text request_id=1f (File.cpp:42)
// The type label is coloured when asked (only ever on a terminal). As in
// jiffy's lw, the call location is written on error, debug and trace
// messages always and on info and warning ones with callLocation; it is
// known for messages logged through the JIFFY_LOG_* macros (logging/Log.h).
#pragma once

#include <Poco/Formatter.h>

namespace jiffy::host::logging {

class TextFormatter : public Poco::Formatter {
public:
    TextFormatter(bool color, bool callLocation) : color_(color), callLocation_(callLocation) {}
    void format(const Poco::Message& msg, std::string& text) override;

    /// "INFO", "WARNING", ... (jiffy's type names; notice is INFO, critical ERROR).
    static const char* typeName(int priority);
    /// True when the location is written for `priority` (lw's rule).
    static bool locationFor(int priority, bool callLocation);

private:
    bool color_;
    bool callLocation_;
};

} // namespace jiffy::host::logging
