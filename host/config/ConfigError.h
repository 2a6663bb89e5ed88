// A config that cannot be used: every problem found, each naming its JSON path.
#pragma once

#include <Poco/Exception.h>

#include <string>
#include <vector>

namespace jiffy::host {

/// One problem in a config file: `path` is the JSON path ("database.port",
/// "routes[0].plugin"), `message` says what was expected and what was found.
struct ConfigIssue {
    std::string path;
    std::string message;
    std::string text() const { return path.empty() ? message : path + ": " + message; }
};

/// Thrown by ConfigLoader; displayText() lists every issue, one per line,
/// prefixed with the file name.
class ConfigError : public Poco::Exception {
public:
    ConfigError(const std::string& file, std::vector<ConfigIssue> issues);
    const std::vector<ConfigIssue>& issues() const { return issues_; }
    const char* name() const noexcept override { return "configuration error"; }
    const char* className() const noexcept override { return "jiffy::host::ConfigError"; }
    Poco::Exception* clone() const override { return new ConfigError(*this); }
    void rethrow() const override { throw *this; }

private:
    std::vector<ConfigIssue> issues_;
};

} // namespace jiffy::host
