// The one-line form of a SQL server's error message, shared by the SQL DB
// plugins: "<plugin>: <code> <message> (in: <statement, cut at 120>...)".
#pragma once

#include <string>
#include <string_view>

namespace jiffy::support {

/// A server's possibly multi-line message on one line, white space folded.
inline std::string oneLine(std::string_view message)
{
    std::string out;
    out.reserve(message.size());
    bool space = false;
    for (char c : message) {
        if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
            space = true;
            continue;
        }
        if (space && !out.empty()) out += ' ';
        space = false;
        out += c;
    }
    return out;
}

/// Appends " (in: <first 120 characters of sql>...)" when `sql` is not empty.
inline void appendStatement(std::string& out, std::string_view sql)
{
    if (sql.empty()) return;
    out += " (in: ";
    out += sql.substr(0, 120);
    if (sql.size() > 120) out += "...";
    out += ')';
}

} // namespace jiffy::support
