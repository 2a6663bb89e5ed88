#include "config/EnvExpander.h"

#include <Poco/Environment.h>

#include <cctype>
#include <stdexcept>

namespace jiffy::host {

EnvLookup processEnvironment()
{
    return [](const std::string& name) -> std::optional<std::string> {
        if (!Poco::Environment::has(name)) return std::nullopt;
        return Poco::Environment::get(name);
    };
}

namespace {

bool validName(const std::string& name)
{
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
    for (char c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
    return true;
}

} // namespace

std::string expandEnv(const std::string& text, const EnvLookup& env)
{
    if (text.find('$') == std::string::npos) return text;
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c != '$') {
            out += c;
            continue;
        }
        if (text.compare(i, 3, "$${") == 0) {
            out += "${";
            i += 2;
            continue;
        }
        if (i + 1 >= text.size() || text[i + 1] != '{') {
            out += c;
            continue;
        }
        size_t close = text.find('}', i + 2);
        if (close == std::string::npos) throw std::invalid_argument("unterminated \"${\" in \"" + text + "\"");
        std::string body = text.substr(i + 2, close - i - 2);
        std::string name = body;
        std::optional<std::string> fallback;
        size_t sep = body.find(":-");
        if (sep != std::string::npos) {
            name = body.substr(0, sep);
            fallback = body.substr(sep + 2);
        }
        if (!validName(name)) throw std::invalid_argument("\"${" + body + "}\" does not name an environment variable");
        std::optional<std::string> value = env(name);
        if (fallback && (!value || value->empty())) value = fallback;
        if (!value)
            throw std::invalid_argument("environment variable " + name + " is not set (write ${" + name +
                                        ":-default} to give a default)");
        out += *value;
        i = close;
    }
    return out;
}

} // namespace jiffy::host
