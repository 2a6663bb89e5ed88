// Turns a request body into one value per stored property of an entity,
// with jiffy's decoding rules (keys match case-insensitively, unknown keys
// are ignored, id/href are ignored) and stricter checks: wrong JSON type,
// out-of-range number or missing required field → BadRequest naming the field.
#pragma once

#include "Model.h"

#include <jiffy/plugin.hpp>

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace jiffy::models {

/// A request refused with 400 (the SDK's).
using jiffy::BadRequest;

/// One value per property of `e` (no_db properties get a null placeholder);
/// absent optional fields are null, absent fields with a default take it.
std::vector<Scalar> decodeBody(const Entity& e, std::string_view body, bool strict = false);

} // namespace jiffy::models
