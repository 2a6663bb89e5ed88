// Checks a plugin's config object against the option table in its
// descriptor, before create() runs: types, required keys, defaults applied,
// relative paths resolved. Problems name the JSON path of the key.
#pragma once

#include "config/Config.h"
#include "config/ConfigError.h"
#include "plugins/PluginLibrary.h"

#include <Poco/JSON/Object.h>

#include <set>
#include <string>
#include <vector>

namespace jiffy::host {

/// Returns the config the plugin receives: a copy of `raw` with option keys
/// spelled as declared, defaults filled in and PATH options made absolute.
/// `quietKeys` are host keys the plugin may ignore (e.g. "active"); any other
/// unknown key adds a warning.
Poco::JSON::Object::Ptr applyOptions(const PluginLibrary& lib, const Poco::JSON::Object::Ptr& raw,
                                     const std::string& path, const Config& cfg, const std::set<std::string>& quietKeys,
                                     std::vector<ConfigIssue>& issues, std::vector<std::string>& warnings);

} // namespace jiffy::host
