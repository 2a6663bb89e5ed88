// One JSON object per line (JSON lines), for log collectors:
//   {"time":"2026-01-02T03:04:05.678Z","level":"warning","logger":"jiffyd.auth",
//    "message":"...","request_id":"1f"}
// request_id when the message was logged while serving a request; the
// request log adds method, path, route, status, bytes, duration_ms and
// client; file and line follow lw's location rule (see TextFormatter).
#pragma once

#include <Poco/Formatter.h>

#include <string>

namespace jiffy::host::logging {

class JsonFormatter : public Poco::Formatter {
public:
    explicit JsonFormatter(bool callLocation) : callLocation_(callLocation) {}
    void format(const Poco::Message& msg, std::string& text) override;

    /// "fatal", "error", "warning", "info", "debug", "trace".
    static const char* levelName(int priority);
    /// `s` as a JSON string literal, quotes included (control bytes escaped,
    /// invalid UTF-8 replaced, so every line parses).
    static void appendString(std::string& out, const std::string& s);

private:
    bool callLocation_;
};

} // namespace jiffy::host::logging
