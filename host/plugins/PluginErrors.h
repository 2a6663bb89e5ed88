// Host-side half of the hourglass: statuses coming back from a plugin become
// typed exceptions here, and nowhere else.
#pragma once

#include <jiffy/abi.h>
#include <jiffy/plugin.hpp>

#include <Poco/Exception.h>

#include <string>

namespace jiffy::host {

/// A plugin call that returned a non-OK status. status() keeps the code so
/// callers can branch (e.g. NOT_FOUND → 404, UNAVAILABLE → 503).
class PluginCallError : public Poco::Exception {
public:
    PluginCallError(jiffy_status status, const std::string& message) : Poco::Exception(message), status_(status) {}
    jiffy_status status() const { return status_; }
    const char* name() const noexcept override { return jiffy_status_name(status_); }
    const char* className() const noexcept override { return "jiffy::host::PluginCallError"; }
    Poco::Exception* clone() const override { return new PluginCallError(*this); }
    void rethrow() const override { throw *this; }

private:
    jiffy_status status_;
};

/// A plugin that cannot be loaded or started (missing file, wrong ABI, ...).
class PluginLoadError : public Poco::Exception {
public:
    /// `status` is the plugin's answer when create() failed (JIFFY_INTERNAL otherwise).
    explicit PluginLoadError(const std::string& message, jiffy_status status = JIFFY_INTERNAL)
        : Poco::Exception(message), status_(status)
    {
    }
    jiffy_status status() const { return status_; }
    const char* name() const noexcept override { return "plugin load error"; }
    const char* className() const noexcept override { return "jiffy::host::PluginLoadError"; }
    Poco::Exception* clone() const override { return new PluginLoadError(*this); }
    void rethrow() const override { throw *this; }

private:
    jiffy_status status_;
};

/// A caller-owned error struct, ready for one plugin call: the SDK's own.
using CallError = jiffy::ErrorBuffer;

/// Throws PluginCallError("<what>: <message>") unless `s` is JIFFY_OK.
inline void checkStatus(jiffy_status s, const CallError& err, const std::string& what)
{
    if (s != JIFFY_OK) throw PluginCallError(s, what + ": " + err.message(s));
}

/// The conventional lower-case name of a plugin kind ("kvs", "db", "routes").
const char* kindName(int32_t kind);

} // namespace jiffy::host
