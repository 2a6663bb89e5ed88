#include "logging/TextFormatter.h"

#include "logging/LogFields.h"
#include "logging/RequestContext.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/Message.h>

namespace jiffy::host::logging {
namespace {

// lw's colours: info green, warning yellow, error/fatal red, trace and debug magenta.
const char* colorOf(int priority)
{
    switch (priority) {
    case Poco::Message::PRIO_FATAL:
    case Poco::Message::PRIO_CRITICAL:
    case Poco::Message::PRIO_ERROR:
        return "\x1b[38;5;9m";
    case Poco::Message::PRIO_WARNING:
        return "\x1b[38;5;11m";
    case Poco::Message::PRIO_NOTICE:
    case Poco::Message::PRIO_INFORMATION:
        return "\x1b[32;1m";
    case Poco::Message::PRIO_DEBUG:
        return "\x1b[38;5;213m";
    default:
        return "\x1b[38;5;13m";
    }
}

} // namespace

const char* TextFormatter::typeName(int priority)
{
    switch (priority) {
    case Poco::Message::PRIO_FATAL:
        return "FATAL";
    case Poco::Message::PRIO_CRITICAL:
    case Poco::Message::PRIO_ERROR:
        return "ERROR";
    case Poco::Message::PRIO_WARNING:
        return "WARNING";
    case Poco::Message::PRIO_NOTICE:
    case Poco::Message::PRIO_INFORMATION:
        return "INFO";
    case Poco::Message::PRIO_DEBUG:
        return "DEBUG";
    default:
        return "TRACE";
    }
}

bool TextFormatter::locationFor(int priority, bool callLocation)
{
    return callLocation || priority <= Poco::Message::PRIO_ERROR || priority >= Poco::Message::PRIO_DEBUG;
}

void TextFormatter::format(const Poco::Message& msg, std::string& text)
{
    const int p = msg.getPriority();
    text = Poco::DateTimeFormatter::format(msg.getTime(), "%Y-%m-%dT%H:%M:%S.%iZ");
    text += ' ';
    if (color_) text += colorOf(p);
    text += typeName(p);
    if (color_) text += "\x1b[0m";
    text += ' ';
    text += msg.getSource();
    text += ": ";
    text += msg.getText();
    const std::string* id = currentRequestId();
    if (msg.has(fields::kRequestId)) {
        text += " request_id=";
        text += msg.get(fields::kRequestId);
    } else if (id && !id->empty()) {
        text += " request_id=";
        text += *id;
    }
    if (msg.getSourceFile() && locationFor(p, callLocation_)) {
        text += " (";
        text += msg.getSourceFile();
        text += ':';
        text += std::to_string(msg.getSourceLine());
        text += ')';
    }
}

} // namespace jiffy::host::logging
