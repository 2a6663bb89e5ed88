#include "auth/AuthGate.h"

#include <Poco/String.h>

namespace jiffy::host::auth {

std::string_view AuthGate::bearerToken(const jiffy_request& req)
{
    if (!req.headers) return {};
    auto it = req.headers->find("Authorization");
    if (it == req.headers->end()) return {};
    std::string_view v = it->second;
    if (v.size() < 7 || Poco::icompare(std::string(v.substr(0, 7)), "bearer ") != 0) return {};
    v.remove_prefix(7);
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    return v;
}

GateDecision AuthGate::decide(const RouteTarget& route, const jiffy_request& req)
{
    std::string_view token = bearerToken(req);
    if (token.empty()) return GateDecision::NoToken;
    std::shared_ptr<const Claims> c = jwt_.verify(token);
    if (!c || !cache_.isActive(c->uid)) return GateDecision::InvalidToken;
    // route.name empty: a protected route nobody can be granted
    if (route.name.empty() || !cache_.allows(c->groups, route.name)) return GateDecision::NotGranted;
    return GateDecision::Allowed;
}

} // namespace jiffy::host::auth
