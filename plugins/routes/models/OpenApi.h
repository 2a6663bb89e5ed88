// OpenAPI 3 "paths" for the routes a model serves (merged by the host into
// GET /openapi.json).
#pragma once

#include "Model.h"
#include "RouteTable.h"

#include <string>

namespace jiffy::models {

/// JSON text of an OpenAPI "paths" object describing every route of `table`.
std::string buildOpenApi(const Model& model, const RouteTable& table);

} // namespace jiffy::models
