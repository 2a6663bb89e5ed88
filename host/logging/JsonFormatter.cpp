#include "logging/JsonFormatter.h"

#include "logging/LogFields.h"
#include "logging/RequestContext.h"
#include "logging/TextFormatter.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/Message.h>

namespace jiffy::host::logging {
namespace {

/// Length of the valid UTF-8 sequence at s[i], 0 when invalid.
size_t utf8Length(const std::string& s, size_t i)
{
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
    if (n == 0 || i + n > s.size()) return 0;
    for (size_t k = 1; k < n; ++k)
        if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
    const auto c1 = static_cast<unsigned char>(s[i + 1]);
    if (n == 3 && ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F))) return 0; // overlong, surrogates
    if (n == 4 && ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 > 0x8F))) return 0;
    return n;
}

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
    static const char hex[] = "0123456789abcdef";
    out += '"';
    for (size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            size_t n = utf8Length(s, i);
            if (n == 0) {
                out += "\\ufffd";
                ++i;
            } else {
                out.append(s, i, n);
                i += n;
            }
            continue;
        }
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (c < 0x20 || c == 0x7f) {
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 15];
            } else {
                out += static_cast<char>(c);
            }
        }
        ++i;
    }
    out += '"';
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
