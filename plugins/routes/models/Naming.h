// Names derived from a jiffy model, exactly as jiffy derives them.
#pragma once

#include <string>

namespace jiffy::models {

/// jiffy/sqac CamelToSnake: "LibraryID" → "library_id", "validLicense" →
/// "valid_license", "HTTPCode" → "http_code".
std::string snakeCase(const std::string& name);
/// Go's exported name: first letter upper-cased ("validLicense" → "ValidLicense").
std::string titleCase(const std::string& name);
/// ASCII lower-case.
std::string lowerCase(const std::string& s);
/// True for [A-Za-z][A-Za-z0-9]* (jiffy forbids '_' in model names).
bool isModelIdentifier(const std::string& s);

} // namespace jiffy::models
