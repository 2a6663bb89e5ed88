// Reads a jiffy-style config file into a validated Config.
#pragma once

#include "config/Config.h"
#include "config/ConfigError.h"
#include "config/EnvExpander.h"

#include <string>
#include <vector>

namespace jiffy::host {

/// Exit code for a bad config (sysexits EX_CONFIG).
constexpr int kExitConfig = 78;
/// Exit code when a backend is unreachable at start (sysexits EX_UNAVAILABLE).
constexpr int kExitUnavailable = 69;
/// Exit code for a bad command line (sysexits EX_USAGE).
constexpr int kExitUsage = 64;
/// Exit code for an internal failure (sysexits EX_SOFTWARE).
constexpr int kExitSoftware = 70;
/// Exit code for bad input data, e.g. a password too short (sysexits EX_DATAERR).
constexpr int kExitDataErr = 65;
/// Exit code when required input is missing, e.g. nothing on stdin (sysexits EX_NOINPUT).
constexpr int kExitNoInput = 66;
/// Exit code for an unknown user (sysexits EX_NOUSER).
constexpr int kExitNoUser = 67;

/// One key of the host's config as its table declares it: what docs/config.md lists.
struct OptionReferenceRow {
    std::string key;          ///< JSON path: "http.max_threads", "routes[].plugin"
    std::string type;         ///< "integer", "boolean", "string", "path", "host:port", "object", ...
    std::string defaultValue; ///< as JSON ("" = none)
    std::string range;        ///< "1 to 1024", "\"text\" or \"json\"" ("" = any value of the type)
    std::string help;
};

/// Every key the host reads (top level, logging, http, auth, the routes and
/// service_activations entries), in reading order.
std::vector<OptionReferenceRow> hostOptionReference();

class ConfigLoader {
public:
    explicit ConfigLoader(EnvLookup env = processEnvironment());

    /// Reads and validates `file`; throws ConfigError listing every problem.
    Config loadFile(const std::string& file) const;
    /// Validates JSON `text`; `source` names it in messages, `baseDir`
    /// anchors relative paths.
    Config loadText(const std::string& text, const std::string& source, const std::string& baseDir) const;
    /// jiffy's DefaultConfig() equivalent, used when no file is given:
    /// SQLite file jiffy.db and the local_standalone KVS.
    Config defaults() const;

private:
    EnvLookup env_;
};

} // namespace jiffy::host
