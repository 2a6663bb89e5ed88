// Values across the libpq boundary: typed parameters out (text format, BLOB
// in binary), result cells in (by column type OID), and the one bit of SQL
// lexing the plugin needs (how many $n parameters a statement uses).
#pragma once

#include <jiffy/plugin.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace jiffy::postgres {

using Oid = unsigned int;

/// Type OIDs of the built-in types the plugin names (pg_type.dat; fixed for every server version).
namespace oid {
constexpr Oid kUnknown = 0; ///< "let the server infer", as for an untyped literal
constexpr Oid kBool = 16;
constexpr Oid kBytea = 17;
constexpr Oid kInt8 = 20;
constexpr Oid kInt2 = 21;
constexpr Oid kInt4 = 23;
constexpr Oid kOid = 26;
constexpr Oid kFloat4 = 700;
constexpr Oid kFloat8 = 701;
constexpr Oid kTimestamp = 1114;
constexpr Oid kTimestampTz = 1184;
constexpr Oid kNumeric = 1700;
} // namespace oid

/**
 * Turns jiffy values into PQsendQueryPrepared's parallel arrays. INT, DOUBLE
 * and BOOL are declared int8 / float8 / bool so expressions without a column
 * to infer from (`SELECT $1`, `$1 + 1`) keep the caller's type; TEXT and NULL
 * stay unknown so the server infers the column's type, as for a quoted
 * literal (a TEXT goes into TIMESTAMPTZ, UUID, NUMERIC, JSON columns); BLOB
 * is bytea, sent binary. signature() names these choices, one letter per
 * parameter, and is part of the prepared-statement cache key.
 */
class ParamEncoder {
public:
    /// Encodes `params`; throws jiffy::Error(INVALID) for a NUL in a TEXT or an unknown type.
    void encode(const jiffy::ValuesView& params);
    int count() const { return static_cast<int>(types_.size()); }
    const Oid* types() const { return types_.data(); }
    const char* const* values() const { return values_.data(); }
    const int* lengths() const { return lengths_.data(); }
    const int* formats() const { return formats_.data(); }
    const std::string& signature() const { return signature_; }

private:
    std::vector<Oid> types_;
    std::vector<const char*> values_;
    std::vector<int> lengths_;
    std::vector<int> formats_;
    std::vector<size_t> offsets_; ///< into arena_, or kDirect / kNull
    std::string signature_;
    std::string arena_; ///< NUL-terminated text of every text-format parameter
};

/// How the cells of a result column become jiffy values.
enum class CellKind {
    Int,       ///< int2, int4, int8, oid
    Double,    ///< float4, float8
    Numeric,   ///< INT when integral and in range, DOUBLE up to 15 significant digits, else exact TEXT
    Bool,      ///< bool
    Bytes,     ///< bytea (hex text format decoded)
    Timestamp, ///< timestamp, timestamptz: ISO 8601 TEXT with a 'T' and a "+hh:mm" offset
    Text       ///< everything else, as PostgreSQL prints it
};

/// The kind for a column type OID (domains arrive as their base type).
CellKind cellKindFor(Oid type);

/**
 * One non-NULL cell in text format. The returned value may borrow `text`
 * (valid while the PGresult lives) or `scratch` (valid until it is reused).
 */
jiffy::Value convertCell(CellKind kind, const char* text, size_t len, std::string& scratch);

/**
 * The highest $n a statement refers to, skipping string literals
 * ('...', E'...', $tag$...$tag$), quoted identifiers and comments.
 */
size_t highestParameter(std::string_view sql);

} // namespace jiffy::postgres
