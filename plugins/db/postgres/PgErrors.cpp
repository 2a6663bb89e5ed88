#include "PgErrors.h"

namespace jiffy::postgres {

jiffy_status statusForSqlState(std::string_view s)
{
    if (s.size() != 5) return JIFFY_INTERNAL;
    // Exact codes first, where the class alone would say something else.
    // unique, foreign key, restrict, exclusion
    if (s == "23505" || s == "23503" || s == "23001" || s == "23P01") return JIFFY_CONFLICT;
    if (s == "08P01") return JIFFY_INVALID; // protocol violation: e.g. wrong number of bound parameters
    if (s == "57014") return JIFFY_TIMEOUT; // statement_timeout (or a cancel request)
    if (s == "55P03") return JIFFY_TIMEOUT; // lock_timeout
    if (s == "57P01" || s == "57P02" || s == "57P03") return JIFFY_UNAVAILABLE; // shutdown, crash, starting up
    std::string_view cls = s.substr(0, 2);
    if (cls == "40") return JIFFY_CONFLICT;                   // serialization failure, deadlock: retry the transaction
    if (cls == "08" || cls == "53") return JIFFY_UNAVAILABLE; // connection exceptions, insufficient resources
    if (cls == "54") return JIFFY_TOO_LARGE;                  // program limit exceeded
    if (cls == "22" || cls == "23" || cls == "42" || cls == "25" || cls == "0A" || cls == "P0" || cls == "2B" ||
        cls == "2D" || cls == "26" || cls == "34" || cls == "3B" || cls == "21" || cls == "27" || cls == "44" ||
        cls == "2F" || cls == "38" || cls == "39" || cls == "0L" || cls == "0P")
        return JIFFY_INVALID; // the statement or its data is wrong; retrying will not help
    return JIFFY_INTERNAL;
}

bool sessionLost(std::string_view s)
{
    if (s == "57P01" || s == "57P02" || s == "57P03") return true;
    return s.size() == 5 && s.substr(0, 2) == "08" && s != "08P01";
}

std::string describe(std::string_view sqlstate, std::string_view message, std::string_view sql)
{
    std::string out = "postgres: ";
    if (!sqlstate.empty()) {
        out += sqlstate;
        out += ' ';
    }
    out += oneLine(message);
    jiffy::support::appendStatement(out, sql);
    return out;
}

} // namespace jiffy::postgres
