// JSON Web Signatures (RFC 7515/7518) for one algorithm and one key pair,
// on OpenSSL's EVP interface. We do not use Poco::JWT's signer: in Poco
// 1.11 an ECDSA signature whose R or S has a leading zero byte is emitted
// and checked without its padding, so about 1 in 300 ES384 tokens and 1 in
// 4 ES512 tokens fail to verify (anywhere).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct evp_pkey_st;

namespace jiffy::host::auth {

class Jws {
public:
    /// Loads PEM keys for `alg` (ES256/ES384/ES512/RS256/RS384/RS512); throws
    /// Poco::InvalidArgumentException naming `what` when a key is unreadable,
    /// of the wrong type or curve, too weak (RSA < 2048 bits), or when the two
    /// keys are not a pair.
    Jws(const std::string& alg, const std::string& privateKeyFile, const std::string& publicKeyFile,
        const std::string& what);
    ~Jws();
    Jws(const Jws&) = delete;
    Jws& operator=(const Jws&) = delete;

    /// header.payload.signature for `payloadJson` (header {"alg","typ":"JWT"}).
    std::string sign(const std::string& payloadJson) const;
    /// The payload JSON of a token signed by our key with our algorithm; nullopt otherwise.
    std::optional<std::string> verify(std::string_view token) const;

    static std::string base64url(std::string_view bytes);
    /// nullopt when `text` is not unpadded base64url.
    static std::optional<std::string> unbase64url(std::string_view text);

private:
    std::string alg_;
    const void* digest_; ///< EVP_MD*
    size_t ecBytes_ = 0; ///< size of R and S for ES*, 0 for RS*
    evp_pkey_st* priv_ = nullptr;
    evp_pkey_st* pub_ = nullptr;
};

} // namespace jiffy::host::auth
