// The Go structs this codec speaks: flat structs whose fields are bool,
// int (any signed width), uint (any unsigned width), string or []byte —
// enough for sluggo's Article, jiffy's GMLeader and our extension messages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace jiffy::gob {

/// Gob kind of a field; named Go types (`type ProcStatus string`) travel as
/// their underlying builtin, so these five cover them.
enum class Kind { Bool, Int, Uint, String, Bytes };

/// The builtin type id a field of `kind` has on the wire.
int64_t builtinId(Kind kind);

struct FieldDef {
    std::string name; ///< Go field name, matched by name on decode
    Kind kind;
};

/// A Go struct type: its name (sent in the type definition, informational
/// to decoders) and its exported fields in declaration order.
struct StructDef {
    std::string name;
    std::vector<FieldDef> fields;

    /// Index of the field called `name`, or -1.
    int indexOf(const std::string& fieldName) const;
};

/// One field's value. `s` holds strings and byte slices alike.
struct FieldValue {
    bool present = false; ///< decode: the field was on the wire (gob omits zero values)
    bool b = false;
    int64_t i = 0;
    uint64_t u = 0;
    std::string s;
};

/// A decoded struct: one FieldValue per field of the StructDef, in order.
/// Fields absent from the wire keep Go's zero value.
using StructValues = std::vector<FieldValue>;

} // namespace jiffy::gob
