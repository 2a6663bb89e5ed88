#include "auth/JwtService.h"

#include <jiffy/json.hpp>

#include <Poco/Crypto/ECKey.h>
#include <Poco/Crypto/RSAKey.h>
#include <Poco/File.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Path.h>
#include <Poco/String.h>

#include <ctime>
#include <sys/stat.h>
#include <mutex>

namespace jiffy::host::auth {
namespace {

/// Longest token we look at: jiffy's are ~500 bytes; anything huge is hostile.
constexpr size_t kMaxTokenBytes = 8192;
/// Latest exp we take (year 9999): later ones would overflow exp + leeway.
constexpr int64_t kMaxClaimTime = 253402300799;

const char* curveFor(const std::string& method)
{
    if (method == "ES256") return "prime256v1";
    if (method == "ES384") return "secp384r1";
    return "secp521r1";
}

std::string fileOf(const Config& cfg, const std::string& key)
{
    auto it = cfg.jwtKeyFiles.find(key);
    return it == cfg.jwtKeyFiles.end() ? std::string() : cfg.resolvePath(it->second);
}

void requireFile(const std::string& key, const std::string& file, const std::string& method)
{
    if (file.empty())
        throw Poco::InvalidArgumentException(key + ": jwt_sign_method " + method +
                                             " needs this key file (create a key pair with jiffyd --generate-keys)");
    if (!Poco::File(file).exists())
        throw Poco::FileNotFoundException(key + ": \"" + file +
                                          "\" does not exist (create it with jiffyd --generate-keys)");
}

/// A numeric claim, or -1 when absent or not a number.
int64_t numberClaim(const Poco::JSON::Object::Ptr& payload, const std::string& name)
{
    Poco::Dynamic::Var v = payload->get(name);
    if (v.isEmpty() || !v.isNumeric() || v.type() == typeid(bool)) return -1;
    return v.convert<int64_t>();
}

} // namespace

std::vector<std::string> splitGroups(const std::string& s)
{
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= s.size()) {
        size_t end = s.find(';', start);
        if (end == std::string::npos) end = s.size();
        std::string g = Poco::trim(s.substr(start, end - start));
        if (!g.empty()) out.push_back(g);
        start = end + 1;
    }
    return out;
}

std::pair<std::string, std::string> JwtService::keyFileKeys(const std::string& method)
{
    std::string bits = method.substr(2);
    if (method[0] == 'R') return {"rsa" + bits + "_priv_key_file", "rsa" + bits + "_pub_key_file"};
    if (bits == "512") bits = "521";
    return {"ecdsa" + bits + "_priv_key_file", "ecdsa" + bits + "_pub_key_file"};
}

JwtService::JwtService(const Config& cfg)
    : method_(cfg.jwtSignMethod),
      lifetimeS_(static_cast<int64_t>(cfg.jwtLifetimeMinutes ? cfg.jwtLifetimeMinutes : 60) * 60),
      leewayS_(cfg.auth.tokenLeewayS), cacheLimit_(static_cast<size_t>(cfg.auth.tokenCacheSize))
{
    auto [privKey, pubKey] = keyFileKeys(method_);
    std::string privFile = fileOf(cfg, privKey), pubFile = fileOf(cfg, pubKey);
    requireFile(privKey, privFile, method_);
    requireFile(pubKey, pubFile, method_);
    // Only this algorithm and this key pair: "none", HS* and the other family are refused.
    jws_ = std::make_unique<Jws>(method_, privFile, pubFile, privKey);
}

std::string JwtService::issue(uint64_t uid, const std::string& email, const std::string& groups) const
{
    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    // jiffy's claims, in the order Go's encoding of a map writes them.
    jiffy::JsonWriter w;
    w.beginObject().key("Groups").string(groups).key("email").string(email).key("exp").integer(now + lifetimeS_);
    w.key("iat").integer(now).key("id").integer(static_cast<int64_t>(uid));
    w.key("uid").integer(static_cast<int64_t>(uid)).endObject();
    return jws_->sign(w.str());
}

std::shared_ptr<const Claims> JwtService::verify(std::string_view token)
{
    if (token.empty() || token.size() > kMaxTokenBytes) return nullptr;
    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    // The lookup key in a buffer of this thread: no allocation per request
    // (C++17's unordered_map cannot look a std::string key up by string_view).
    thread_local std::string key;
    key.assign(token.data(), token.size());
    {
        std::shared_lock<std::shared_mutex> lock(cacheMutex_);
        auto it = cache_.find(key);
        if (it != cache_.end()) {
            if (it->second->exp + leewayS_ >= now) return it->second;
        }
    }
    std::optional<Claims> c = verifyUncached(key);
    if (!c) return nullptr;
    auto shared = std::make_shared<const Claims>(std::move(*c));
    remember(key, shared);
    return shared;
}

std::optional<Claims> JwtService::verifyUncached(const std::string& token) const
{
    std::optional<std::string> json = jws_->verify(token);
    if (!json) return std::nullopt;
    Poco::JSON::Object::Ptr payload;
    try {
        Poco::Dynamic::Var v = Poco::JSON::Parser().parse(*json);
        if (v.type() != typeid(Poco::JSON::Object::Ptr)) return std::nullopt;
        payload = v.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
        return std::nullopt;
    }
    // A claim whose number does not fit its type (exp 1e300, uid -1) makes the
    // token invalid: Poco's conversions throw RangeException for those.
    try {
        const int64_t now = static_cast<int64_t>(std::time(nullptr));
        int64_t exp = numberClaim(payload, "exp"), iat = numberClaim(payload, "iat"), nbf = numberClaim(payload, "nbf");
        if (exp < 0 || exp > kMaxClaimTime || exp + leewayS_ < now) return std::nullopt; // expired, or never expires
        if (iat > now + leewayS_) return std::nullopt;                                   // issued in the future
        if (nbf >= 0 && nbf > now + leewayS_) return std::nullopt;                       // not yet valid
        Claims c;
        c.exp = exp;
        for (const auto& [k, v] : *payload) {
            std::string lk = Poco::toLower(k);
            if (lk == "uid" && v.isNumeric() && v.type() != typeid(bool))
                c.uid = v.convert<uint64_t>();
            else if (lk == "email" && v.isString())
                c.email = v.convert<std::string>();
            else if (lk == "groups" && v.isString())
                c.groups = splitGroups(v.convert<std::string>());
        }
        if (c.uid == 0) return std::nullopt;
        return c;
    } catch (const Poco::Exception&) {
        return std::nullopt;
    }
}

size_t JwtService::cachedTokens() const
{
    std::shared_lock<std::shared_mutex> lock(cacheMutex_);
    return cache_.size();
}

void JwtService::remember(const std::string& token, const std::shared_ptr<const Claims>& c)
{
    if (cacheLimit_ == 0) return;
    std::unique_lock<std::shared_mutex> lock(cacheMutex_);
    if (cache_.size() >= cacheLimit_) {
        // Drop expired entries first.
        const int64_t now = static_cast<int64_t>(std::time(nullptr));
        for (auto it = cache_.begin(); it != cache_.end();)
            it = it->second->exp + leewayS_ < now ? cache_.erase(it) : std::next(it);
        // Still full: drop an eighth of the entries (hash order, so an
        // arbitrary eighth), not all of them — a full cache must not make
        // every user's next request verify a signature again.
        for (size_t drop = cacheLimit_ / 8 + 1; drop > 0 && !cache_.empty(); --drop) cache_.erase(cache_.begin());
    }
    cache_.emplace(token, c);
}

std::vector<std::string> JwtService::generateMissingKeys(const Config& cfg)
{
    std::vector<std::string> written;
    auto [privKey, pubKey] = keyFileKeys(cfg.jwtSignMethod);
    std::string privFile = fileOf(cfg, privKey), pubFile = fileOf(cfg, pubKey);
    if (privFile.empty() || pubFile.empty())
        throw Poco::InvalidArgumentException(privKey + " and " + pubKey +
                                             " must name the key files of jwt_sign_method " + cfg.jwtSignMethod);
    if (Poco::File(privFile).exists() && Poco::File(pubFile).exists()) return written;
    if (Poco::File(privFile).exists() != Poco::File(pubFile).exists())
        throw Poco::ExistsException("only one of " + privFile + " and " + pubFile +
                                    " exists; remove it or add the other");
    Poco::File(Poco::Path(privFile).parent()).createDirectories();
    Poco::File(Poco::Path(pubFile).parent()).createDirectories();
    if (cfg.jwtSignMethod[0] == 'R') {
        Poco::Crypto::RSAKey key(Poco::Crypto::RSAKey::KL_4096, Poco::Crypto::RSAKey::EXP_LARGE);
        key.save(pubFile, privFile);
    } else {
        Poco::Crypto::ECKey key(curveFor(cfg.jwtSignMethod));
        key.save(pubFile, privFile);
    }
    Poco::File(privFile).setReadOnly(false);
    ::chmod(privFile.c_str(), 0600);
    written.push_back(privFile);
    written.push_back(pubFile);
    return written;
}

} // namespace jiffy::host::auth
