// Helpers for the Prometheus text exposition format (version 0.0.4).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace jiffy::host::metrics {

/// A label value with '\', '"' and newlines escaped.
std::string escapeLabel(std::string_view value);
/// A sample value: integers without a fraction, "+Inf", "NaN", else %.17g.
std::string formatValue(double v);
/// "# HELP <name> <help>\n# TYPE <name> <type>\n".
void appendHeader(std::string& out, const std::string& name, const char* type, const char* help);
/// "<name>{<labels>} <value>\n" (no braces when labels is empty).
void appendSample(std::string& out, const std::string& name, const std::string& labels, double value);
void appendSample(std::string& out, const std::string& name, const std::string& labels, uint64_t value);

} // namespace jiffy::host::metrics
