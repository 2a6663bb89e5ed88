// What a MySQL / MariaDB error means to a caller: error number (and
// SQLSTATE) → jiffy_status, and the one message format every failure uses.
#pragma once

#include <SqlMessage.h>

#include <jiffy/abi.h>

#include <string>
#include <string_view>

namespace jiffy::mysql {

/// Status for a server or client error number, falling back on the SQLSTATE class.
jiffy_status statusForError(unsigned error, std::string_view sqlstate);

/// True for errors after which the session is gone (server gone away, lost
/// connection, connection killed, shutdown): the connection must be dropped.
bool connectionLost(unsigned error);

/// "mysql: <errno> (<SQLSTATE>) <message> (in: <first 120 chars of sql>...)".
std::string describe(unsigned error, std::string_view sqlstate, std::string_view message, std::string_view sql);

/// A message on one line (shared with the other SQL plugins).
using jiffy::support::oneLine;

} // namespace jiffy::mysql
