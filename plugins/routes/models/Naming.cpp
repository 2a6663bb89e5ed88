#include "Naming.h"

#include <cctype>

namespace jiffy::models {
namespace {

bool upper(char c)
{
    return std::isupper(static_cast<unsigned char>(c)) != 0;
}
bool lowerOrDigit(char c)
{
    return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c));
}

} // namespace

std::string snakeCase(const std::string& name)
{
    std::string out;
    for (size_t i = 0; i < name.size(); ++i) {
        char c = name[i];
        if (upper(c) && i > 0) {
            bool afterLower = lowerOrDigit(name[i - 1]);
            bool endsAcronym =
                upper(name[i - 1]) && i + 1 < name.size() && std::islower(static_cast<unsigned char>(name[i + 1]));
            if (afterLower || endsAcronym) out += '_';
        }
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

std::string titleCase(const std::string& name)
{
    std::string out = name;
    if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
    return out;
}

std::string lowerCase(const std::string& s)
{
    std::string out = s;
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool isModelIdentifier(const std::string& s)
{
    if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) return false;
    for (char c : s)
        if (!std::isalnum(static_cast<unsigned char>(c))) return false;
    return true;
}

} // namespace jiffy::models
