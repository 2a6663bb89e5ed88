// Secrets kept in files (`pepper_file`, `hmac_Key_file`, auth.admin_password_file,
// private keys): read with the path that named them in every message, and
// checked for permissions that let other users read them.
#pragma once

#include <optional>
#include <string>

namespace jiffy::host {

/// The content of secret file `path` named by config key `key`, with
/// trailing newlines and spaces removed. Throws std::runtime_error naming
/// the file (and the key, unless it is "") when it cannot be read, is empty
/// or is larger than 64 KiB.
std::string readSecretFile(const std::string& key, const std::string& path);

/// A warning when `path` exists and is readable by its group or by others
/// ("key: file is readable by other users (mode 0644); chmod 600 ..."),
/// nullopt otherwise.
std::optional<std::string> secretPermissionWarning(const std::string& key, const std::string& path);

} // namespace jiffy::host
