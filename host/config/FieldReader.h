// Typed, path-aware reading of one JSON object of the config. Every read
// that finds the wrong type records a ConfigIssue naming the JSON path and
// what was found, and leaves the target at its default, so one pass reports
// every problem of a file at once.
#pragma once

#include "config/Config.h"
#include "config/ConfigError.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdint>
#include <set>
#include <string>
#include <typeinfo>
#include <vector>

namespace jiffy::host {

/// "string \"abc\"", "number 5", "object", "array", "null", "true" — for messages.
std::string describeJson(const Poco::Dynamic::Var& v);

/// A string holding a whole decimal integer (as `${PORT}` expands to): true with `out` set.
/// Leading/trailing blanks, "+", fractions and out-of-range values are refused.
bool integerFromString(const std::string& text, int64_t& out);
/// A string holding a whole finite number ("1.5", "2e3"): true with `out` set.
bool numberFromString(const std::string& text, double& out);

/// Parses "host:port" / "[v6]:port"; false with `why` set when malformed.
bool parseAddress(const std::string& text, Address& out, std::string& why);

class FieldReader {
public:
    FieldReader(Poco::JSON::Object::Ptr obj, std::string path, std::vector<ConfigIssue>& issues);

    /// JSON path of `key` inside this object.
    std::string pathOf(const std::string& key) const;
    /// True when `key` is present (exact match, else case-insensitive as jiffy's Go decoder).
    bool has(const std::string& key);
    /// The raw value of `key`, or an empty Var when absent.
    Poco::Dynamic::Var get(const std::string& key);
    /// The key as spelled in the file, or "" when absent.
    std::string actualKey(const std::string& key) const;

    void readString(const std::string& key, std::string& out);
    void readBool(const std::string& key, bool& out);
    void readInt(const std::string& key, int64_t& out, int64_t min, int64_t max);
    /// A number (not a string: jiffy's numbers are JSON numbers) from `min` to `max`;
    /// present but null or of another type is reported as out of range.
    void readNumber(const std::string& key, double& out, double min, double max);
    void readAddress(const std::string& key, Address& out);
    /// A secret given inline (`key`, usually through ${VAR}) or in a file
    /// (`fileKey`, relative to the config's folder); both at once is an error.
    /// A file readable by others adds a warning to `cfg`.
    void readSecret(const std::string& key, const std::string& fileKey, std::string& out, Config& cfg);
    /// The nested object, or null (absent, or wrong type: issue recorded).
    Poco::JSON::Object::Ptr readObject(const std::string& key);
    /// The nested array, or null (absent, or wrong type: issue recorded).
    Poco::JSON::Array::Ptr readArray(const std::string& key);

    /// Records a problem with `key` ("" = the object itself).
    void issue(const std::string& key, const std::string& message);
    /// Keys present in the object that no read asked for.
    std::vector<std::string> unreadKeys() const;
    const std::string& path() const { return path_; }

private:
    bool integral(const std::string& key, const Poco::Dynamic::Var& v, int64_t& out);
    /// The value of `key` when it has `type`; else empty (absent, or reported as not `what`).
    Poco::Dynamic::Var readOfType(const std::string& key, const std::type_info& type, const char* what);

    Poco::JSON::Object::Ptr obj_;
    std::string path_;
    std::vector<ConfigIssue>& issues_;
    std::set<std::string> read_;
};

} // namespace jiffy::host
