// The OpenAPI description of the auth routes (users, groups, auths, grants,
// login): a JSON object of "paths" entries merged into GET /openapi.json.
#pragma once

#include <string>

namespace jiffy::host::auth {

/// OpenAPI 3 "paths" for the routes AuthService::addRoutes registers.
std::string authOpenApi(bool openRegistration);

} // namespace jiffy::host::auth
