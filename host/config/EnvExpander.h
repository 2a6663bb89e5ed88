// ${VAR} and ${VAR:-default} expansion of string values in the config.
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace jiffy::host {

/// Looks up an environment variable; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

/// The process environment.
EnvLookup processEnvironment();

/// Expands `${VAR}` (VAR must be set) and `${VAR:-default}` (default when
/// VAR is unset or empty) in `text`; `$${` stays a literal `${`. Throws
/// std::invalid_argument with a message naming the variable on an unset
/// variable without default or an unterminated `${`.
std::string expandEnv(const std::string& text, const EnvLookup& env);

} // namespace jiffy::host
