// A jiffy model (entities, properties, indexes, relations) after parsing and
// validation: every name and cross-reference is resolved, so the request
// path never looks anything up by string.
#pragma once

#include <FilterSyntax.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace jiffy::models {

/// How a property's values are stored and checked.
enum class Kind { String, Bool, Int, Float };

/// A typed scalar (a default value, a filter operand, a decoded body field).
struct Scalar {
    Kind kind = Kind::String;
    bool isNull = false;
    std::string s;
    bool b = false;
    int64_t i = 0;
    double d = 0;
};

/// Comparison operators of static filters (shared with the host's auth routes).
using Op = jiffy::common::FilterOp;

struct Property {
    std::string name;   ///< as written in the model ("LibraryID")
    std::string goName; ///< Go field name ("LibraryID"): route names use it
    std::string column; ///< snake_case: JSON key and column ("library_id")
    std::string type;   ///< jiffy type ("uint64")
    Kind kind = Kind::String;
    int64_t min = 0, max = 0; ///< range for Kind::Int
    bool required = false;
    bool unique = false;
    bool noDb = false;
    std::string index;   ///< "", "unique", "nonUnique"
    std::vector<Op> ops; ///< selectable operators usable for this kind
    std::optional<Scalar> defaultValue;
    bool emptyDefault = false;       ///< the model says `"default": ""`: no default, as in jiffy
    std::string dbType;              ///< override of the column type
    std::string refEntity, refField; ///< foreign key, as written
    std::string refTable, refColumn; ///< resolved foreign key
    std::string path;                ///< "file: entities[0].properties.Name" for messages
};

enum class RelType { HasMany, HasOne, BelongsTo };

struct Relation {
    std::string name;  ///< relName ("ToBooks")
    std::string route; ///< lower-case relName ("tobooks")
    RelType type = RelType::HasMany;
    std::string toEntity;
    size_t to = 0;          ///< index of the target entity
    std::string fromColumn; ///< column of the source row holding the key ("id" or a property)
    std::string toColumn;   ///< column of the target rows compared with it
    std::string path;
};

struct CompositeIndex {
    std::string name; ///< idx_<table>_<c1>_<c2>
    std::vector<std::string> columns;
};

struct Entity {
    std::string typeName; ///< "Library"
    std::string table;    ///< "library" (also the singular route segment)
    std::string plural;   ///< "librarys" (jiffy: name + "s")
    std::optional<int64_t> idStart;
    std::vector<Property> properties;
    std::vector<CompositeIndex> compositeIndexes;
    std::vector<Relation> relations;
    std::string path;

    /// Index of the property stored in `column`, or -1.
    int propertyByColumn(const std::string& column) const;
};

struct Model {
    std::vector<Entity> entities;
    /// Index of the entity with type name `name` (case-insensitive), or -1.
    int entityByName(const std::string& name) const;
};

/// "EQ", "LIKE", ... for messages and route docs.
inline const char* opName(Op op)
{
    return jiffy::common::filterOpName(op);
}
/// SQL operator for `op` ("=", "!=", "LIKE", ...).
inline const char* opSql(Op op)
{
    return jiffy::common::filterOpSql(op);
}

} // namespace jiffy::models
