// JWT parsing and verification (host/auth/Jws, JwtService) with an ES256 key
// pair made at start-up. The first byte picks what the rest of the input is:
//   0: a token, verified as a request's bearer token is;
//   1: a payload JSON, signed with our key then verified (the claims parser:
//      exp/iat/nbf, uid, email, Groups of any type and spelling);
//   2: a header or 3: a payload put into a token signed for other content:
//      it must never verify unless the bytes are the signed ones;
//   4: a base64url segment: what decodes re-encodes to the same text (one
//      spelling per value).
#include "FuzzSupport.h"

#include "auth/JwtService.h"

#include <Poco/TemporaryFile.h>

#include <ctime>

namespace {

using jiffy::host::auth::Jws;
using jiffy::host::auth::JwtService;

JwtService& service()
{
    static JwtService* s = [] {
        static Poco::TemporaryFile dir; // removed at exit
        jiffy::host::Config cfg;
        cfg.baseDir = dir.path();
        cfg.jwtSignMethod = "ES256";
        cfg.jwtKeyFiles["ecdsa256_priv_key_file"] = "jwt.priv.pem";
        cfg.jwtKeyFiles["ecdsa256_pub_key_file"] = "jwt.pub.pem";
        cfg.auth.tokenCacheSize = 0; // every input verified afresh: reproducible
        JwtService::generateMissingKeys(cfg);
        return new JwtService(cfg);
    }();
    return *s;
}

/// A valid token with a live exp: header, payload and signature segments.
const std::string& signedToken()
{
    static const std::string t = [] {
        const long long exp = static_cast<long long>(std::time(nullptr)) + 86400 * 365;
        return service().signPayload("{\"Groups\":\"a;b\",\"email\":\"u@x\",\"exp\":" + std::to_string(exp) +
                                     ",\"iat\":1,\"id\":7,\"uid\":7}");
    }();
    return t;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    JwtService& svc = service();
    std::string_view in = jiffy::fuzz::text(data, size);
    const std::string& good = signedToken();
    const size_t dot1 = good.find('.'), dot2 = good.rfind('.');
    switch (jiffy::fuzz::takeByte(in) % 5) {
    case 0:
        (void)svc.verify(in);
        break;
    case 1: {
        auto c = svc.verify(svc.signPayload(std::string(in)));
        if (c && c->uid == 0) jiffy::fuzz::violated("claims without a uid");
        break;
    }
    case 2:
    case 3: {
        const bool header = static_cast<uint8_t>(data[0]) % 5 == 2;
        std::string part = Jws::base64url(in);
        std::string t = header ? part + good.substr(dot1) : good.substr(0, dot1 + 1) + part + good.substr(dot2);
        std::string original = header ? good.substr(0, dot1) : good.substr(dot1 + 1, dot2 - dot1 - 1);
        if (svc.verify(t) && part != original) jiffy::fuzz::violated("a token verified after a change", t);
        break;
    }
    default: {
        auto decoded = Jws::unbase64url(in);
        if (decoded && Jws::base64url(*decoded) != in) jiffy::fuzz::violated("two spellings of one value");
        break;
    }
    }
    return 0;
}
