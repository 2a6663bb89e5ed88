// The auth layer's pieces without a server: password hashes (jiffy's bcrypt,
// Argon2id, upgrades), JWT issue/verify and the attack table, key loading,
// login throttling.
#include "auth/Jws.h"
#include "auth/JwtService.h"
#include "auth/LoginThrottle.h"
#include "auth/PasswordHasher.h"
#include "config/ConfigLoader.h"
#include "support/TestSupport.h"

#include <Poco/Crypto/ECKey.h>
#include <Poco/Crypto/RSAKey.h>

#include <cppunit/extensions/HelperMacros.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <ctime>
#include <sstream>

using namespace jiffy::host;
using namespace jiffy::host::auth;

namespace {

/// Admin's hash as jiffy wrote it (bcrypt cost 14 over "initpass" + the
/// default pepper), quoted in jiffy's getting-started guide.
const char* kJiffyAdminHash = "$2a$14$slyclyuMN6EzcpSxgXX4EuaVMDIAP.MUQWxwByaEYM8ZPnMYlg3oq";

int64_t now()
{
    return static_cast<int64_t>(std::time(nullptr));
}

} // namespace

class AuthUnitTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(AuthUnitTest);
    CPPUNIT_TEST(testJiffyBcryptHashVerifies);
    CPPUNIT_TEST(testBcryptRoundTripAndUpgrade);
    CPPUNIT_TEST(testArgon2idRoundTripAndUpgrade);
    CPPUNIT_TEST(testMalformedHashesNeverVerify);
    CPPUNIT_TEST(testTokenRoundTripCarriesJiffyClaims);
    CPPUNIT_TEST(testFullTokenCacheKeepsMostEntries);
    CPPUNIT_TEST(testAttackTokensAreRejected);
    CPPUNIT_TEST(testOutOfRangeClaimsAreRejected);
    CPPUNIT_TEST(testBase64urlHasOneSpelling);
    CPPUNIT_TEST(testEverySignatureVerifies);
    CPPUNIT_TEST(testTokensOfAnotherAlgorithmFamilyAreRejected);
    CPPUNIT_TEST(testMissingKeyFileIsNamed);
    CPPUNIT_TEST(testWrongCurveIsRefused);
    CPPUNIT_TEST(testWeakRsaKeyIsRefused);
    CPPUNIT_TEST(testRsaKeysWork);
    CPPUNIT_TEST(testThrottleLocksAfterRepeatedFailures);
    CPPUNIT_TEST_SUITE_END();

    jiffy::test::TempDir dir_;

    /// A config with ES384 keys generated in the temp dir (or `method` keys).
    Config config(const std::string& method = "ES384", const std::string& extra = "")
    {
        std::string bits = method.substr(2) == "512" && method[0] == 'E' ? "521" : method.substr(2);
        std::string prefix = method[0] == 'E' ? "ecdsa" + bits : "rsa" + bits;
        Config c = ConfigLoader().loadText(
            "{\"jwt_sign_method\": \"" + method + "\", \"" + prefix + "_priv_key_file\": \"" + prefix +
                ".priv.pem\", \"" + prefix + "_pub_key_file\": \"" + prefix +
                ".pub.pem\", \"jwt_lifetime\": 5, \"auth\": {\"bcrypt_cost\": 10" + extra + "}}",
            "t", dir_.path());
        JwtService::generateMissingKeys(c);
        return c;
    }

    /// Payload JSON for user 7 with `exp`/`nbf`/`iat` as given (-1 = absent).
    static std::string claims(int64_t exp, int64_t nbf = -1, int64_t iat = -1)
    {
        std::string p = "{\"uid\":7,\"Groups\":\"Super\"";
        if (exp >= 0) p += ",\"exp\":" + std::to_string(exp);
        if (nbf >= 0) p += ",\"nbf\":" + std::to_string(nbf);
        if (iat >= 0) p += ",\"iat\":" + std::to_string(iat);
        return p + "}";
    }

    /// header.payload.HMAC-SHA256(secret) — the classic "alg confusion" forgery.
    static std::string hs256(const std::string& payload, const std::string& secret)
    {
        std::string input =
            jiffy::test::base64url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + jiffy::test::base64url(payload);
        unsigned char mac[EVP_MAX_MD_SIZE];
        unsigned int len = 0;
        HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
             reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
        std::string d(reinterpret_cast<char*>(mac), len);
        return input + "." + jiffy::test::base64url(std::string(d.begin(), d.end()));
    }

public:
    void testJiffyBcryptHashVerifies()
    {
        AuthConfig a;
        PasswordHasher h(a, "secret-pepper-key");
        CPPUNIT_ASSERT(h.verify(kJiffyAdminHash, "initpass"));
        CPPUNIT_ASSERT(!h.verify(kJiffyAdminHash, "initpas"));
        CPPUNIT_ASSERT(!PasswordHasher(a, "other-pepper").verify(kJiffyAdminHash, "initpass"));
        CPPUNIT_ASSERT(!h.needsUpgrade(kJiffyAdminHash)); // cost 14 is stronger than our default
    }

    void testBcryptRoundTripAndUpgrade()
    {
        AuthConfig a;
        a.bcryptCost = 10;
        PasswordHasher h(a, "pep");
        std::string hash = h.hash("correct horse");
        CPPUNIT_ASSERT(hash.rfind("$2b$10$", 0) == 0);
        CPPUNIT_ASSERT(h.verify(hash, "correct horse"));
        CPPUNIT_ASSERT(!h.verify(hash, "correct horsE"));
        CPPUNIT_ASSERT(hash != h.hash("correct horse")); // salted
        AuthConfig stronger = a;
        stronger.bcryptCost = 11;
        CPPUNIT_ASSERT(PasswordHasher(stronger, "pep").needsUpgrade(hash));
    }

    void testArgon2idRoundTripAndUpgrade()
    {
        AuthConfig a;
        a.passwordHash = "argon2id";
        a.argon2MemoryKiB = 8192;
        a.argon2TimeCost = 1;
        PasswordHasher h(a, "pep");
        std::string hash = h.hash("s3cret!");
        CPPUNIT_ASSERT(hash.rfind("$argon2id$v=19$m=8192,t=1,p=1$", 0) == 0);
        CPPUNIT_ASSERT(h.verify(hash, "s3cret!"));
        CPPUNIT_ASSERT(!h.verify(hash, "s3cret?"));
        CPPUNIT_ASSERT(!h.needsUpgrade(hash));
        CPPUNIT_ASSERT(h.needsUpgrade(kJiffyAdminHash));                // bcrypt → argon2id on next login
        CPPUNIT_ASSERT(h.verify(kJiffyAdminHash, "initpass") == false); // other pepper
    }

    void testMalformedHashesNeverVerify()
    {
        AuthConfig a;
        PasswordHasher h(a, "");
        for (const char* bad : {"", "x", "$2b$10$short", "$argon2id$garbage", "$1$md5$abc", "initpass"})
            CPPUNIT_ASSERT_MESSAGE(bad, !h.verify(bad, "initpass"));
        CPPUNIT_ASSERT(constantTimeEquals("abc", "abc"));
        CPPUNIT_ASSERT(!constantTimeEquals("abc", "abd"));
        CPPUNIT_ASSERT(!constantTimeEquals("abc", "abcd"));
    }

    void testTokenRoundTripCarriesJiffyClaims()
    {
        Config c = config();
        JwtService jwt(c);
        std::string t = jwt.issue(42, "ann@example.com", "Super; Readers ;");
        auto claims = jwt.verify(t);
        CPPUNIT_ASSERT(claims);
        CPPUNIT_ASSERT_EQUAL(uint64_t(42), claims->uid);
        CPPUNIT_ASSERT_EQUAL(std::string("ann@example.com"), claims->email);
        CPPUNIT_ASSERT_EQUAL(size_t(2), claims->groups.size());
        CPPUNIT_ASSERT_EQUAL(std::string("Readers"), claims->groups[1]);
        CPPUNIT_ASSERT(claims->exp > now() + 4 * 60 && claims->exp <= now() + 5 * 60);
        std::string header = *jiffy::host::auth::Jws::unbase64url(t.substr(0, t.find('.')));
        CPPUNIT_ASSERT_EQUAL(std::string("{\"alg\":\"ES384\",\"typ\":\"JWT\"}"), header);
        std::string payload =
            *jiffy::host::auth::Jws::unbase64url(t.substr(t.find('.') + 1, t.rfind('.') - t.find('.') - 1));
        for (const char* claim : {"\"Groups\":", "\"email\":", "\"exp\":", "\"iat\":", "\"id\":42", "\"uid\":42"})
            CPPUNIT_ASSERT_MESSAGE(claim, payload.find(claim) != std::string::npos);
        CPPUNIT_ASSERT(jwt.verify(t)); // again, from the cache
    }

    void testFullTokenCacheKeepsMostEntries()
    {
        // The 81st token must not make the other 80 users verify again.
        Config c = config();
        c.auth.tokenCacheSize = 80;
        JwtService jwt(c);
        for (uint64_t uid = 1; uid <= 81; ++uid) CPPUNIT_ASSERT(jwt.verify(jwt.issue(uid, "u@x", "Readers")));
        CPPUNIT_ASSERT(jwt.cachedTokens() <= 80);
        CPPUNIT_ASSERT_MESSAGE(std::to_string(jwt.cachedTokens()), jwt.cachedTokens() >= 80 - 80 / 8 - 1);
    }

    void testAttackTokensAreRejected()
    {
        Config c = config();
        JwtService jwt(c);
        CPPUNIT_ASSERT(jwt.verify(jwt.signPayload(claims(now() + 60))));
        jiffy::test::TempDir otherDir;
        Config otherCfg = ConfigLoader().loadText(
            R"({"ecdsa384_priv_key_file": "p.pem", "ecdsa384_pub_key_file": "q.pem"})", "t", otherDir.path());
        JwtService::generateMissingKeys(otherCfg);
        JwtService stranger(otherCfg);

        std::string payload = jiffy::test::base64url(claims(now() + 60));
        std::string noneToken = jiffy::test::base64url("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + payload + ".";
        std::string valid = jwt.signPayload(claims(now() + 60));
        const std::vector<std::pair<std::string, std::string>> attacks = {
            {"alg none", noneToken},
            {"HS256 signed with the public key",
             hs256(claims(now() + 60), jiffy::test::readFile(dir_.file("ecdsa384.pub.pem")))},
            {"expired", jwt.signPayload(claims(now() - 3600))},
            {"no exp at all", jwt.signPayload(claims(-1))},
            {"not yet valid", jwt.signPayload(claims(now() + 7200, now() + 3600))},
            {"issued in the future", jwt.signPayload(claims(now() + 7200, -1, now() + 3600))},
            {"signed by another key", stranger.signPayload(claims(now() + 60))},
            {"truncated", valid.substr(0, valid.size() - 10)},
            {"signature removed", valid.substr(0, valid.rfind('.') + 1)},
            {"signature padded", valid + "=="},
            {"payload swapped", valid.substr(0, valid.find('.') + 1) + jiffy::test::base64url(claims(now() + 99)) +
                                    valid.substr(valid.rfind('.'))},
            {"no uid", jwt.signPayload("{\"Groups\":\"Super\",\"exp\":" + std::to_string(now() + 60) + "}")},
            {"payload not JSON", jwt.signPayload("not json")},
            {"64 kB", std::string(65536, 'a')},
            {"garbage base64", "%%%.$$$.!!!"},
            {"two parts", "abc.def"},
            {"four parts", valid + ".x"},
            {"empty", ""},
        };
        for (const auto& [what, t] : attacks) CPPUNIT_ASSERT_MESSAGE(what, !jwt.verify(t));
    }

    void testOutOfRangeClaimsAreRejected()
    {
        // Found by tests/fuzz (fuzz_jwt): numbers Poco cannot convert to the
        // claim's type threw RangeException out of verify().
        Config c = config();
        JwtService jwt(c);
        const std::string exp = std::to_string(now() + 60);
        const std::vector<std::pair<std::string, std::string>> payloads = {
            {"exp 1e300", "{\"uid\":7,\"exp\":1e300}"},
            {"exp -1e300", "{\"uid\":7,\"exp\":-1e300}"},
            {"exp at the int64 limit", "{\"uid\":7,\"exp\":9223372036854775807}"},
            {"exp past the int64 limit", "{\"uid\":7,\"exp\":18446744073709551615}"},
            {"iat 1e300", "{\"uid\":7,\"exp\":" + exp + ",\"iat\":1e300}"},
            {"nbf -1e300", "{\"uid\":7,\"exp\":" + exp + ",\"nbf\":-1e300}"},
            {"uid -1", "{\"uid\":-1,\"exp\":" + exp + "}"},
            {"uid 1e30", "{\"uid\":1e30,\"exp\":" + exp + "}"},
        };
        for (const auto& [what, payload] : payloads) {
            std::shared_ptr<const jiffy::host::auth::Claims> claims;
            CPPUNIT_ASSERT_NO_THROW_MESSAGE(what, claims = jwt.verify(jwt.signPayload(payload)));
            CPPUNIT_ASSERT_MESSAGE(what, !claims);
        }
        // The same claims in range still verify.
        CPPUNIT_ASSERT(jwt.verify(jwt.signPayload("{\"uid\":7,\"exp\":" + exp + ",\"iat\":1,\"nbf\":1}")));
    }

    void testBase64urlHasOneSpelling()
    {
        using jiffy::host::auth::Jws;
        const std::string bytes("\xfb\xff\xbf\x00\x01", 5);
        for (size_t n = 0; n <= bytes.size(); ++n) {
            std::string encoded = Jws::base64url(bytes.substr(0, n));
            CPPUNIT_ASSERT_EQUAL_MESSAGE("length of " + encoded, (4 * n + 2) / 3, encoded.size());
            CPPUNIT_ASSERT_EQUAL_MESSAGE(encoded, bytes.substr(0, n), Jws::unbase64url(encoded).value_or("?"));
        }
        CPPUNIT_ASSERT_EQUAL(std::string("-_-_"), Jws::base64url("\xfb\xff\xbf")); // the URL alphabet
        std::string longer = Jws::base64url(std::string(150, 'a'));                // past Poco's default line length
        CPPUNIT_ASSERT_EQUAL(size_t(200), longer.size());
        CPPUNIT_ASSERT_EQUAL(std::string::npos, longer.find_first_not_of("YWFh"));
        // Every other spelling of the same bytes is refused.
        for (const char* other : {"YQ==", "YQ=", "YR", "YWJ", "Y", "Y Q", "YW\nI", "+/8", "YQ.", "\xc3\xa9"})
            CPPUNIT_ASSERT_MESSAGE(other, !Jws::unbase64url(other));
    }

    void testEverySignatureVerifies()
    {
        // Poco 1.11's JWT signer drops the padding of R and S, so some of its
        // ES384/ES512 tokens never verify; ours pad to the curve size.
        for (const char* m : {"ES256", "ES384", "ES512"}) {
            Config c = config(m);
            JwtService jwt(c);
            size_t expected = std::string(m) == "ES256" ? 86 : std::string(m) == "ES384" ? 128 : 176;
            for (int i = 0; i < 600; ++i) {
                std::string t = jwt.signPayload(claims(now() + 60 + i));
                CPPUNIT_ASSERT_EQUAL_MESSAGE(m, expected, t.size() - t.rfind('.') - 1);
                CPPUNIT_ASSERT_MESSAGE(std::string(m) + " token " + std::to_string(i), jwt.verify(t));
            }
        }
    }

    void testTokensOfAnotherAlgorithmFamilyAreRejected()
    {
        Config es = config("ES384");
        Config rs = config("RS256");
        JwtService esJwt(es), rsJwt(rs);
        CPPUNIT_ASSERT(!esJwt.verify(rsJwt.issue(1, "a", "Super")));
        CPPUNIT_ASSERT(!rsJwt.verify(esJwt.issue(1, "a", "Super")));
    }

    void testMissingKeyFileIsNamed()
    {
        Config c = ConfigLoader().loadText(R"({"jwt_sign_method": "ES256"})", "t", dir_.path());
        try {
            JwtService jwt(c);
            CPPUNIT_FAIL("started without keys");
        } catch (const Poco::Exception& e) {
            CPPUNIT_ASSERT_MESSAGE(e.displayText(),
                                   e.message().find("ecdsa256_priv_key_file: jwt_sign_method ES256 needs") == 0);
        }
        Config d = ConfigLoader().loadText(
            R"({"jwt_sign_method": "ES256", "ecdsa256_priv_key_file": "nope.pem", "ecdsa256_pub_key_file": "nope.pub"})",
            "t", dir_.path());
        try {
            JwtService jwt(d);
            CPPUNIT_FAIL("started with missing key files");
        } catch (const Poco::Exception& e) {
            CPPUNIT_ASSERT_MESSAGE(e.displayText(), e.message().find("does not exist") != std::string::npos);
        }
    }

    void testWrongCurveIsRefused()
    {
        config("ES256"); // writes ecdsa256.*.pem on P-256
        Config c =
            ConfigLoader().loadText(R"({"jwt_sign_method": "ES384", "ecdsa384_priv_key_file": "ecdsa256.priv.pem",
                                               "ecdsa384_pub_key_file": "ecdsa256.pub.pem"})",
                                    "t", dir_.path());
        try {
            JwtService jwt(c);
            CPPUNIT_FAIL("accepted a P-256 key for ES384");
        } catch (const Poco::Exception& e) {
            CPPUNIT_ASSERT_MESSAGE(e.displayText(),
                                   e.message().find("needs a key on curve secp384r1") != std::string::npos);
        }
    }

    void testWeakRsaKeyIsRefused()
    {
        Poco::Crypto::RSAKey weak(Poco::Crypto::RSAKey::KL_1024, Poco::Crypto::RSAKey::EXP_LARGE);
        weak.save(dir_.file("weak.pub.pem"), dir_.file("weak.priv.pem"));
        Config c = ConfigLoader().loadText(R"({"jwt_sign_method": "RS256", "rsa256_priv_key_file": "weak.priv.pem",
                                               "rsa256_pub_key_file": "weak.pub.pem"})",
                                           "t", dir_.path());
        try {
            JwtService jwt(c);
            CPPUNIT_FAIL("accepted a 1024-bit RSA key");
        } catch (const Poco::Exception& e) {
            CPPUNIT_ASSERT_MESSAGE(e.displayText(), e.message().find("1024 bits is too weak") != std::string::npos);
        }
    }

    void testRsaKeysWork()
    {
        for (const char* m : {"RS256", "RS512", "ES512"}) {
            Config c = config(m);
            JwtService jwt(c);
            CPPUNIT_ASSERT_MESSAGE(m, jwt.verify(jwt.issue(3, "x", "G")));
        }
    }

    void testThrottleLocksAfterRepeatedFailures()
    {
        LoginThrottle t(3, 60, 120);
        auto start = LoginThrottle::Clock::now();
        CPPUNIT_ASSERT_EQUAL(int64_t(0), t.fail("k", start));
        CPPUNIT_ASSERT_EQUAL(int64_t(0), t.fail("k", start));
        CPPUNIT_ASSERT_EQUAL(int64_t(0), t.retryAfter("k", start));
        CPPUNIT_ASSERT_EQUAL(int64_t(120), t.fail("k", start));
        CPPUNIT_ASSERT(t.retryAfter("k", start) > 100);
        CPPUNIT_ASSERT_EQUAL(int64_t(0), t.retryAfter("other", start));
        CPPUNIT_ASSERT_EQUAL(int64_t(0), t.retryAfter("k", start + std::chrono::seconds(121)));
        // failures spread beyond the window never lock
        LoginThrottle w(2, 10, 100);
        w.fail("s", start);
        CPPUNIT_ASSERT_EQUAL(int64_t(0), w.fail("s", start + std::chrono::seconds(11)));
        t.reset("k");
        CPPUNIT_ASSERT_EQUAL(int64_t(0), t.retryAfter("k", start));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AuthUnitTest);
