// What a PostgreSQL error means to a caller: SQLSTATE → jiffy_status, and
// the one message format every failure uses.
#pragma once

#include <SqlMessage.h>

#include <jiffy/abi.h>

#include <string>
#include <string_view>

namespace jiffy::postgres {

/// Status for a five-character SQLSTATE; an empty or unknown one is JIFFY_INTERNAL.
jiffy_status statusForSqlState(std::string_view sqlstate);

/// True for SQLSTATEs after which the session is gone (class 08 except
/// 08P01, 57P01-57P03): the connection must be dropped.
bool sessionLost(std::string_view sqlstate);

/// "postgres: <SQLSTATE> <message> (in: <first 120 chars of sql>...)".
std::string describe(std::string_view sqlstate, std::string_view message, std::string_view sql);

/// A message on one line (shared with the other SQL plugins).
using jiffy::support::oneLine;

} // namespace jiffy::postgres
