// Password hashes: verifies jiffy's bcrypt hashes (password + pepper, any
// cost) and Argon2id hashes, makes new ones with the configured algorithm
// and cost, and says when a stored hash should be upgraded. Uses libxcrypt
// (bcrypt) and libargon2; comparisons are constant-time.
#pragma once

#include "config/Config.h"

#include <mutex>
#include <string>

namespace jiffy::host::auth {

class PasswordHasher {
public:
    PasswordHasher(const AuthConfig& cfg, std::string pepper);

    /// A new hash of password + pepper.
    std::string hash(const std::string& password) const;
    /// True when `password` + pepper matches `stored`; false for any malformed hash.
    bool verify(const std::string& stored, const std::string& password) const;
    /// True when `stored` is not of the configured algorithm and cost.
    bool needsUpgrade(const std::string& stored) const;
    /// Spends the time of one verification; used for unknown users so that
    /// timing does not tell whether an email exists.
    void burn(const std::string& password) const;

private:
    std::string bcrypt(const std::string& input, const std::string& setting) const;
    const AuthConfig& cfg_;
    std::string pepper_;
    mutable std::once_flag dummyOnce_;
    mutable std::string dummy_; ///< a hash to verify against for unknown users, made on first use
};

/// Constant-time comparison of two byte strings.
bool constantTimeEquals(const std::string& a, const std::string& b);

} // namespace jiffy::host::auth
