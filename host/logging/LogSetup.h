// Puts a LoggingConfig into effect for the whole process: every logger
// writes through one SwappableChannel to the chain
//   LevelFilterChannel -> RateLimitedChannel -> TextFormatter|JsonFormatter
//   -> stderr or a rotated file (Poco FileChannel)
// and the loggers' thresholds and the request log follow the config.
// applyLogging may be called again at any time (SIGHUP): the new chain is
// built and opened first and replaces the old one only when that worked.
#pragma once

#include "config/Config.h"

#include <stdexcept>
#include <string>

namespace jiffy::host::logging {

/// Thrown when the output cannot be opened; the previous setup stays in force.
class LogSetupError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Applies `cfg` (levels, format, output, rotation, request log, repeat
/// limits); thread-safe, and meant to be called again on SIGHUP with the
/// re-read file's `logging` block. Throws LogSetupError (the old setup then
/// stays) when the output file cannot be opened.
void applyLogging(const LoggingConfig& cfg);

/// True when colour would be written for `cfg` (colorMsgTypes, stderr, a terminal).
bool colorEnabled(const LoggingConfig& cfg);

/// Writes pending "suppressed" lines and closes the output (at shutdown).
void flushLogging();

} // namespace jiffy::host::logging
