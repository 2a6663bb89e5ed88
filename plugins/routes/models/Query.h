// jiffy's URL query language: commands ("$count", "$limit=3$offset=2$orderby=name$desc")
// and static filters ("name(EQ 'Central')", "copies(GT 3)", "hardcover(EQ true)").
// Parsing is pure and strict: anything malformed is a QueryError, which the
// plugin answers with 400. Values are never put into SQL text.
#pragma once

#include "Model.h"

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace jiffy::models {

class QueryError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

struct Commands {
    bool count = false;
    std::optional<int64_t> limit;
    std::optional<int64_t> offset;
    std::string orderBy = "id"; ///< a column of the entity, validated
    bool desc = false;
};

/// Parses the command segment without its leading '$' ("count", "limit=3$desc").
Commands parseCommands(std::string_view text, const Entity& e);

struct Filter {
    const Property* property = nullptr;
    Op op = Op::Eq;
    Scalar value; ///< for LIKE: the pattern with % and _ escaped by '\' and wrapped in %...%
};

/// Parses the text between the parentheses of a static filter ("EQ 'x'").
Filter parseFilter(std::string_view text, const Property& p);

/// Parses a decimal integer in [min, max]; nullopt when malformed or out of range.
std::optional<int64_t> parseInteger(std::string_view s, int64_t min, int64_t max);

} // namespace jiffy::models
