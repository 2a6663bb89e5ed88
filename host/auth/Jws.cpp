#include "auth/Jws.h"

#include <Poco/Base64Encoder.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>

#include <memory>
#include <sstream>
#include <vector>

namespace jiffy::host::auth {
namespace {

template <class T, void (*Free)(T*)> struct Deleter {
    void operator()(T* p) const { Free(p); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using Sig = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG, ECDSA_SIG_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

/// Reads a PEM key of any common encoding (SEC1, PKCS#1, PKCS#8, SPKI).
EVP_PKEY* readKey(const std::string& file, int selection, const std::string& what)
{
    Bio bio(BIO_new_file(file.c_str(), "r"));
    if (!bio) throw Poco::InvalidArgumentException(what + ": cannot read \"" + file + "\"");
    EVP_PKEY* key = nullptr;
    OSSL_DECODER_CTX* dctx = OSSL_DECODER_CTX_new_for_pkey(&key, "PEM", nullptr, nullptr, selection, nullptr, nullptr);
    bool ok = dctx && OSSL_DECODER_from_bio(dctx, bio.get()) == 1 && key;
    OSSL_DECODER_CTX_free(dctx);
    if (!ok) {
        EVP_PKEY_free(key);
        throw Poco::InvalidArgumentException(what + ": \"" + file + "\" is not a PEM " +
                                             (selection == EVP_PKEY_KEYPAIR ? "private" : "public") + " key");
    }
    return key;
}

std::string curveOf(EVP_PKEY* key)
{
    char name[64] = {0};
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof name, &len) != 1) return "";
    return std::string(name, len);
}

} // namespace

Jws::Jws(const std::string& alg, const std::string& privateKeyFile, const std::string& publicKeyFile,
         const std::string& what)
    : alg_(alg)
{
    const std::string bits = alg.substr(2);
    digest_ = bits == "256" ? EVP_sha256() : bits == "384" ? EVP_sha384() : EVP_sha512();
    try {
        priv_ = readKey(privateKeyFile, EVP_PKEY_KEYPAIR, what);
        pub_ = readKey(publicKeyFile, EVP_PKEY_PUBLIC_KEY, what);
        const bool ec = alg[0] == 'E';
        if (EVP_PKEY_get_base_id(priv_) != (ec ? EVP_PKEY_EC : EVP_PKEY_RSA))
            throw Poco::InvalidArgumentException(what + ": " + alg + " needs " + (ec ? "an EC" : "an RSA") + " key");
        if (ec) {
            const char* want = bits == "256" ? "prime256v1" : bits == "384" ? "secp384r1" : "secp521r1";
            if (curveOf(priv_) != want)
                throw Poco::InvalidArgumentException(what + ": " + alg + " needs a key on curve " + want + ", got " +
                                                     (curveOf(priv_).empty() ? "another" : curveOf(priv_)));
            ecBytes_ = bits == "256" ? 32 : bits == "384" ? 48 : 66;
        } else if (EVP_PKEY_get_bits(priv_) < 2048) {
            throw Poco::InvalidArgumentException(what + ": RSA key of " + std::to_string(EVP_PKEY_get_bits(priv_)) +
                                                 " bits is too weak; use 2048 bits or more");
        }
        if (EVP_PKEY_eq(priv_, pub_) != 1)
            throw Poco::InvalidArgumentException(what + ": the public key is not the pair of the private key");
    } catch (...) {
        EVP_PKEY_free(priv_);
        EVP_PKEY_free(pub_);
        throw;
    }
}

Jws::~Jws()
{
    EVP_PKEY_free(priv_);
    EVP_PKEY_free(pub_);
}

std::string Jws::base64url(std::string_view in)
{
    std::ostringstream out;
    Poco::Base64Encoder encoder(out, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
    encoder.rdbuf()->setLineLength(0); // one line, however long the token
    encoder.write(in.data(), static_cast<std::streamsize>(in.size()));
    encoder.close();
    return out.str();
}

// Decoding stays here rather than on Poco::Base64Decoder, which in Poco 1.11
// cannot read what JWS needs and accepts what it must refuse: it throws on
// unpadded input (every JWS segment is unpadded, RFC 7515 §2), accepts '='
// padding and silently drops a dangling last character. A verifier must take
// exactly one spelling of each segment, so this one refuses padding, other
// alphabets, a length of 4n+1 and non-zero bits left over after the last byte
// (RFC 4648 §3.5): a token cannot be re-spelled into another string that still
// verifies.
std::optional<std::string> Jws::unbase64url(std::string_view in)
{
    if (in.size() % 4 == 1) return std::nullopt;
    std::string out;
    uint32_t acc = 0;
    int bits = 0;
    for (char c : in) {
        int v = c >= 'A' && c <= 'Z'   ? c - 'A'
                : c >= 'a' && c <= 'z' ? c - 'a' + 26
                : c >= '0' && c <= '9' ? c - '0' + 52
                : c == '-'             ? 62
                : c == '_'             ? 63
                                       : -1;
        if (v < 0) return std::nullopt;
        acc = (acc << 6) | static_cast<uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xff);
        }
    }
    if ((acc & ((1u << bits) - 1)) != 0) return std::nullopt;
    return out;
}

std::string Jws::sign(const std::string& payloadJson) const
{
    const std::string input = base64url("{\"alg\":\"" + alg_ + "\",\"typ\":\"JWT\"}") + "." + base64url(payloadJson);
    MdCtx ctx(EVP_MD_CTX_new());
    size_t len = 0;
    const auto* md = static_cast<const EVP_MD*>(digest_);
    const auto* data = reinterpret_cast<const unsigned char*>(input.data());
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, md, nullptr, priv_) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &len, data, input.size()) != 1)
        throw Poco::RuntimeException("cannot sign a token with " + alg_);
    std::vector<unsigned char> der(len);
    if (EVP_DigestSign(ctx.get(), der.data(), &len, data, input.size()) != 1)
        throw Poco::RuntimeException("cannot sign a token with " + alg_);
    der.resize(len);
    if (ecBytes_ == 0) return input + "." + base64url(std::string_view(reinterpret_cast<char*>(der.data()), len));
    // ES*: the DER signature becomes R || S, each left-padded to the curve size (RFC 7518 §3.4).
    const unsigned char* p = der.data();
    Sig sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len)));
    if (!sig) throw Poco::RuntimeException("malformed ECDSA signature");
    std::string raw(2 * ecBytes_, '\0');
    auto* out = reinterpret_cast<unsigned char*>(raw.data());
    if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), out, static_cast<int>(ecBytes_)) < 0 ||
        BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), out + ecBytes_, static_cast<int>(ecBytes_)) < 0)
        throw Poco::RuntimeException("malformed ECDSA signature");
    return input + "." + base64url(raw);
}

std::optional<std::string> Jws::verify(std::string_view token) const
{
    size_t dot1 = token.find('.'), dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) return std::nullopt;
    auto header = unbase64url(token.substr(0, dot1));
    auto payload = unbase64url(token.substr(dot1 + 1, dot2 - dot1 - 1));
    auto signature = unbase64url(token.substr(dot2 + 1));
    if (!header || !payload || !signature || signature->empty()) return std::nullopt;
    try {
        auto h = Poco::JSON::Parser().parse(*header).extract<Poco::JSON::Object::Ptr>();
        if (!h->has("alg") || h->get("alg").toString() != alg_) return std::nullopt;
    } catch (const Poco::Exception&) {
        return std::nullopt;
    } catch (const std::exception&) {
        return std::nullopt;
    }
    std::string der = *signature;
    if (ecBytes_ != 0) {
        if (signature->size() != 2 * ecBytes_) return std::nullopt;
        const auto* raw = reinterpret_cast<const unsigned char*>(signature->data());
        Sig sig(ECDSA_SIG_new());
        BIGNUM* r = BN_bin2bn(raw, static_cast<int>(ecBytes_), nullptr);
        BIGNUM* s = BN_bin2bn(raw + ecBytes_, static_cast<int>(ecBytes_), nullptr);
        if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
            BN_free(r);
            BN_free(s);
            return std::nullopt;
        }
        unsigned char* buf = nullptr;
        int n = i2d_ECDSA_SIG(sig.get(), &buf);
        if (n <= 0) return std::nullopt;
        der.assign(reinterpret_cast<char*>(buf), static_cast<size_t>(n));
        OPENSSL_free(buf);
    }
    MdCtx ctx(EVP_MD_CTX_new());
    const std::string_view input = token.substr(0, dot2);
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, static_cast<const EVP_MD*>(digest_), nullptr, pub_) != 1 ||
        EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(der.data()), der.size(),
                         reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1)
        return std::nullopt;
    return payload;
}

} // namespace jiffy::host::auth
