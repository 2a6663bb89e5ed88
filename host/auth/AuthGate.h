// The authorization middleware: a protected route is served only when the
// request carries `Authorization: Bearer <jwt>` whose token is valid, whose
// user is active, and one of whose groups holds the route's name (jiffy's
// rule). Anything else is a 401 with an empty body, as jiffy answers; the
// decision says which case it was, for the WWW-Authenticate challenge.
#pragma once

#include "auth/AuthCache.h"
#include "auth/JwtService.h"
#include "http/RequestGate.h"

namespace jiffy::host::auth {

class AuthGate : public RequestGate {
public:
    AuthGate(JwtService& jwt, const AuthCache& cache) : jwt_(jwt), cache_(cache) {}
    GateDecision decide(const RouteTarget& route, const jiffy_request& req) override;

    /// The token of an "Authorization: Bearer <token>" header (scheme case-insensitive).
    static std::string_view bearerToken(const jiffy_request& req);

private:
    JwtService& jwt_;
    const AuthCache& cache_;
};

} // namespace jiffy::host::auth
