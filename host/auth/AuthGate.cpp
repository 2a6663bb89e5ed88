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

bool AuthGate::allow(const RouteTarget& route, const jiffy_request& req)
{
    if (route.name.empty()) return false; // a protected route nobody can be granted
    std::optional<Claims> c = jwt_.verify(bearerToken(req));
    if (!c) return false;
    return cache_.isActive(c->uid) && cache_.allows(c->groups, route.name);
}

} // namespace jiffy::host::auth
