#include "metrics/Exposition.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace jiffy::host::metrics {

std::string escapeLabel(std::string_view value)
{
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

std::string formatValue(double v)
{
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    char buf[64];
    if (v == std::floor(v) && std::fabs(v) < 9.007199254740992e15)
        std::snprintf(buf, sizeof buf, "%.0f", v);
    else
        // The shortest text that reads back as the same double (0.0005, not 0.00050000000000000001).
        for (int precision = 1; precision <= 17; ++precision) {
            std::snprintf(buf, sizeof buf, "%.*g", precision, v);
            if (std::strtod(buf, nullptr) == v) break;
        }
    return buf;
}

void appendHeader(std::string& out, const std::string& name, const char* type, const char* help)
{
    out += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

void appendSample(std::string& out, const std::string& name, const std::string& labels, double value)
{
    out += name;
    if (!labels.empty()) out += "{" + labels + "}";
    out += " " + formatValue(value) + "\n";
}

void appendSample(std::string& out, const std::string& name, const std::string& labels, uint64_t value)
{
    out += name;
    if (!labels.empty()) out += "{" + labels + "}";
    out += " " + std::to_string(value) + "\n";
}

} // namespace jiffy::host::metrics
