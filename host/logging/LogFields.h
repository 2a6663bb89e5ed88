// Names of the structured fields a message may carry as Poco message
// parameters. The JSON formatter writes each as its own member (numbers for
// the numeric ones); the text formatter writes the request id only, the
// request log's text already says the rest.
#pragma once

namespace jiffy::host::logging::fields {

inline const char* const kRequestId = "request_id";
inline const char* const kMethod = "method";
inline const char* const kPath = "path";
inline const char* const kRoute = "route";
inline const char* const kStatus = "status";          ///< number
inline const char* const kBytes = "bytes";            ///< number
inline const char* const kDurationMs = "duration_ms"; ///< number
inline const char* const kClient = "client";

} // namespace jiffy::host::logging::fields
