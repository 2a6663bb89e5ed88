// JWTs as jiffy issues them (claims email, id, uid, Groups, iat, exp),
// signed and verified by Jws (OpenSSL). Verification accepts only the
// configured algorithm and key (no "none", no HS*, no RS/ES confusion),
// checks exp/nbf/iat with a small leeway, and caches the claims of a
// verified token (keyed by its bytes, bounded) until it expires, because a
// signature check costs far more than the rest of a request.
#pragma once

#include "config/Config.h"

#include "auth/Jws.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace jiffy::host::auth {

/// A groups string ("a; b ;c", jiffy's Groups claim and usr.groups) split
/// on ';', each name trimmed, empty names dropped.
std::vector<std::string> splitGroups(const std::string& groups);

/// What a valid token says.
struct Claims {
    uint64_t uid = 0;
    std::string email;
    std::vector<std::string> groups; ///< the Groups claim split on ';', trimmed
    int64_t exp = 0;                 ///< unix seconds
};

class JwtService {
public:
    /// Loads the key pair for cfg.jwtSignMethod; throws Poco::Exception with a
    /// message naming the config key and file when a key is missing, unreadable,
    /// of the wrong curve or too weak (RSA < 2048 bits).
    explicit JwtService(const Config& cfg);

    /// A signed token for a user.
    std::string issue(uint64_t uid, const std::string& email, const std::string& groups) const;
    /// The claims of a valid token, null for anything else. Shared with the
    /// cache: a request reads them without copying the groups.
    std::shared_ptr<const Claims> verify(std::string_view token);
    /// Verified tokens held in the cache now (for tests and /metrics).
    size_t cachedTokens() const;
    /// A token over any payload, signed with our key (for tools and tests).
    std::string signPayload(const std::string& payloadJson) const { return jws_->sign(payloadJson); }

    /// Writes a new key pair for the configured method where the config names
    /// key files that do not exist yet; returns the files written.
    static std::vector<std::string> generateMissingKeys(const Config& cfg);

    /// The config keys naming the private and public key files of `method`.
    static std::pair<std::string, std::string> keyFileKeys(const std::string& method);

private:
    std::optional<Claims> verifyUncached(const std::string& token) const;
    void remember(const std::string& token, const std::shared_ptr<const Claims>& c);

    std::string method_;
    int64_t lifetimeS_;
    int64_t leewayS_;
    size_t cacheLimit_;
    std::unique_ptr<Jws> jws_;
    mutable std::shared_mutex cacheMutex_;
    std::unordered_map<std::string, std::shared_ptr<const Claims>> cache_;
};

} // namespace jiffy::host::auth
