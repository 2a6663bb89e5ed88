#include "logging/JsonFormatter.h"

#include "logging/LogFields.h"
#include "logging/RequestContext.h"
#include "logging/TextFormatter.h"

#include <jiffy/json.hpp>

#include <Poco/DateTimeFormatter.h>
#include <Poco/Message.h>

namespace jiffy::host::logging {
namespace {

void appendField(std::string& out, const char* name, const std::string& value, bool number)
{
    out += ",\"";
    out += name;
    out += "\":";
    if (number)
        out += value.empty() ? std::string("null") : value;
    else
        JsonFormatter::appendString(out, value);
}

} // namespace

const char* JsonFormatter::levelName(int priority)
{
    switch (priority) {
    case Poco::Message::PRIO_FATAL:
        return "fatal";
    case Poco::Message::PRIO_CRITICAL:
    case Poco::Message::PRIO_ERROR:
        return "error";
    case Poco::Message::PRIO_WARNING:
        return "warning";
    case Poco::Message::PRIO_NOTICE:
    case Poco::Message::PRIO_INFORMATION:
        return "info";
    case Poco::Message::PRIO_DEBUG:
        return "debug";
    default:
        return "trace";
    }
}

void JsonFormatter::appendString(std::string& out, const std::string& s)
{
    // The SDK's Go-compatible escaping: valid JSON for any bytes (bad UTF-8 becomes U+FFFD).
    jiffy::detail::appendEscaped(out, s);
}

void JsonFormatter::format(const Poco::Message& msg, std::string& text)
{
    const int p = msg.getPriority();
    text = "{\"time\":\"";
    text += Poco::DateTimeFormatter::format(msg.getTime(), "%Y-%m-%dT%H:%M:%S.%iZ");
    text += "\",\"level\":\"";
    text += levelName(p);
    text += '"';
    appendField(text, "logger", msg.getSource(), false);
    appendField(text, "message", msg.getText(), false);
    const std::string* id = currentRequestId();
    if (msg.has(fields::kRequestId))
        appendField(text, fields::kRequestId, msg.get(fields::kRequestId), false);
    else if (id && !id->empty())
        appendField(text, fields::kRequestId, *id, false);
    for (const char* f : {fields::kMethod, fields::kPath, fields::kRoute, fields::kClient})
        if (msg.has(f)) appendField(text, f, msg.get(f), false);
    for (const char* f : {fields::kStatus, fields::kBytes, fields::kDurationMs})
        if (msg.has(f)) appendField(text, f, msg.get(f), true);
    if (msg.getSourceFile() && TextFormatter::locationFor(p, callLocation_)) {
        appendField(text, "file", msg.getSourceFile(), false);
        appendField(text, "line", std::to_string(msg.getSourceLine()), true);
    }
    text += '}';
}

} // namespace jiffy::host::logging
