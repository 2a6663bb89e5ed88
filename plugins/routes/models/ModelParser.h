// Reads jiffy model files into a validated Model. Every problem is reported
// with the file and the JSON path: "library.json: entities[1].properties.Copies.type: unknown type \"uint128\"".
#pragma once

#include "Model.h"

#include <stdexcept>
#include <string>
#include <vector>

namespace jiffy::models {

/// A model that cannot be served; what() lists every problem, one per line.
class ModelError : public std::runtime_error {
public:
    explicit ModelError(const std::vector<std::string>& problems);
};

struct ParseResult {
    Model model;
    std::vector<std::string> warnings; ///< unknown keys and ignored settings
};

/// Parses model files (already read) given as (name, JSON text) pairs.
ParseResult parseModels(const std::vector<std::pair<std::string, std::string>>& files);
/// Reads and parses model files from disk.
ParseResult loadModelFiles(const std::vector<std::string>& paths);

} // namespace jiffy::models
