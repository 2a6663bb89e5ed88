#include "MysqlErrors.h"

namespace jiffy::mysql {

// Error numbers (MariaDB's include/mysqld_error.h and errmsg.h; the same in MySQL).
namespace er {
constexpr unsigned kDupKey = 1022, kDupEntry = 1062, kDupEntryWithKeyName = 1586;
constexpr unsigned kNoReferencedRow = 1216, kRowIsReferenced = 1217, kRowIsReferenced2 = 1451, kNoReferencedRow2 = 1452;
constexpr unsigned kBadNull = 1048, kNoDefaultForField = 1364, kDataTooLong = 1406, kOutOfRange = 1264,
                   kTruncatedWrongValue = 1292, kTruncatedWrongValueForField = 1366, kCheckFailedMariadb = 4025,
                   kCheckFailedMysql = 3819, kWrongArguments = 1210, kParseError = 1064, kNoSuchTable = 1146,
                   kBadField = 1054, kUnsupportedPs = 1295, kDivisionByZero = 1365;
constexpr unsigned kLockDeadlock = 1213, kLockWaitTimeout = 1205, kQueryInterrupted = 1317,
                   kStatementTimeoutMariadb = 1969, kStatementTimeoutMysql = 3024;
constexpr unsigned kServerShutdown = 1053, kConnectionKilled = 1927, kTooManyConnections = 1040, kAccessDenied = 1045,
                   kDbAccessDenied = 1044, kBadDb = 1049, kPacketTooLarge = 1153, kIdleTimeout = 4031;
// Client-side (errmsg.h).
constexpr unsigned kConnectionError = 2002, kConnHostError = 2003, kUnknownHost = 2005, kServerGone = 2006,
                   kServerLost = 2013, kServerLostExtended = 2055, kServerHandshake = 2012;
} // namespace er

jiffy_status statusForError(unsigned e, std::string_view s)
{
    switch (e) {
    case er::kDupKey:
    case er::kDupEntry:
    case er::kDupEntryWithKeyName:
    case er::kNoReferencedRow:
    case er::kRowIsReferenced:
    case er::kRowIsReferenced2:
    case er::kNoReferencedRow2:
    case er::kLockDeadlock: // the whole transaction was rolled back: retry it
        return JIFFY_CONFLICT;
    case er::kBadNull:
    case er::kNoDefaultForField:
    case er::kDataTooLong:
    case er::kOutOfRange:
    case er::kTruncatedWrongValue:
    case er::kTruncatedWrongValueForField:
    case er::kCheckFailedMariadb:
    case er::kCheckFailedMysql:
    case er::kWrongArguments:
    case er::kParseError:
    case er::kNoSuchTable:
    case er::kBadField:
    case er::kUnsupportedPs:
    case er::kDivisionByZero:
        return JIFFY_INVALID;
    case er::kLockWaitTimeout:
    case er::kQueryInterrupted:
    case er::kStatementTimeoutMariadb:
    case er::kStatementTimeoutMysql:
        return JIFFY_TIMEOUT;
    case er::kPacketTooLarge:
        return JIFFY_TOO_LARGE;
    case er::kAccessDenied:
    case er::kDbAccessDenied:
    case er::kBadDb:
    case er::kTooManyConnections:
        return JIFFY_UNAVAILABLE;
    default:
        break;
    }
    if (connectionLost(e) || e == er::kConnectionError || e == er::kConnHostError || e == er::kUnknownHost)
        return JIFFY_UNAVAILABLE;
    if (e >= 2000 && e < 3000) return JIFFY_INTERNAL; // other client-library errors: our bug
    std::string_view cls = s.size() == 5 ? s.substr(0, 2) : std::string_view();
    if (cls == "23" || cls == "40") return JIFFY_CONFLICT;
    if (cls == "08") return JIFFY_UNAVAILABLE;
    if (cls == "22" || cls == "42" || cls == "21" || cls == "0A" || cls == "07") return JIFFY_INVALID;
    return JIFFY_INTERNAL;
}

bool connectionLost(unsigned e)
{
    return e == er::kServerGone || e == er::kServerLost || e == er::kServerLostExtended || e == er::kServerShutdown ||
           e == er::kConnectionKilled || e == er::kIdleTimeout || e == er::kServerHandshake;
}

std::string describe(unsigned error, std::string_view sqlstate, std::string_view message, std::string_view sql)
{
    std::string out = "mysql: ";
    if (error) {
        out += std::to_string(error);
        if (!sqlstate.empty() && sqlstate != "00000") {
            out += " (";
            out += sqlstate;
            out += ')';
        }
        out += ' ';
    }
    out += oneLine(message);
    jiffy::support::appendStatement(out, sql);
    return out;
}

} // namespace jiffy::mysql
