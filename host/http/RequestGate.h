// The hook through which the auth layer decides whether a request may reach
// a protected route; the dispatcher asks it, auth implements it.
#pragma once

#include "http/Exchange.h"
#include "http/RouteTarget.h"

namespace jiffy::host {

/// Whether a request may reach a protected route (decided by the auth
/// layer), and if not, why. Every refusal answers 401 with an empty
/// body (as jiffy does); the WWW-Authenticate challenge tells them apart
/// (RFC 6750), so a client knows whether to sign in again.
enum class GateDecision {
    Allowed,
    NoToken,      ///< `Bearer`
    InvalidToken, ///< `Bearer error="invalid_token"`: bad, expired, or its user inactive
    NotGranted    ///< `Bearer error="insufficient_scope"`: a good token whose groups lack the route's name
};

class RequestGate {
public:
    virtual ~RequestGate() = default;
    virtual GateDecision decide(const RouteTarget& route, const jiffy_request& req) = 0;
};

} // namespace jiffy::host
