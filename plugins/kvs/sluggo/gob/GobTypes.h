// Type definitions received on a gob stream: Go's wireType (encoding/gob
// type.go) parsed into a table, so a decoder can check a struct value
// against it and skip fields it does not want, whatever their type.
#pragma once

#include "gob/GobWire.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace jiffy::gob {

struct WireField {
    std::string name;
    int64_t typeId = 0;
};

/// One received type definition. Exactly one of Go's wireType fields is set:
/// ArrayT, SliceT, StructT, MapT, or one of the three marshaler types whose
/// values travel as a byte count plus opaque bytes.
struct WireType {
    enum class Shape { Array, Slice, Struct, Map, Opaque };
    Shape shape = Shape::Struct;
    std::string name;              ///< CommonType.Name
    int64_t elem = 0;              ///< Array, Slice, Map: element type id
    int64_t key = 0;               ///< Map: key type id
    int64_t length = 0;            ///< Array: Len
    std::vector<WireField> fields; ///< Struct
};

/// Type ids defined so far on one stream (one Go encoder's output).
class TypeTable {
public:
    /// At most this many definitions per stream: a real message needs a
    /// handful, a hostile one must not grow the table without end.
    static constexpr size_t kMaxTypes = 256;

    /// Records a definition; rejects reserved ids and redefinitions as Go does.
    void define(int64_t id, WireType type);
    /// The definition of a user id, or nullptr.
    const WireType* find(int64_t id) const;

private:
    std::map<int64_t, WireType> types_;
};

/// Parses one encoded wireType value (the body of a type definition message
/// after its negative id).
WireType parseWireType(Reader& r);

/// Calls `onField(fieldNumber)` for each field of a struct value as it comes
/// off the wire, checking every delta against `fieldCount`. Stops at the
/// zero delta that ends the struct, or at the end of input (Go's decoder
/// tolerates a missing terminator there too).
template <class F> void forEachField(Reader& r, size_t fieldCount, F&& onField)
{
    int64_t field = -1;
    while (!r.empty()) {
        uint64_t delta = r.readUint();
        if (delta == 0) return;
        if (delta > fieldCount || field + static_cast<int64_t>(delta) >= static_cast<int64_t>(fieldCount))
            throw GobError("field delta " + std::to_string(delta) + " after field " + std::to_string(field) +
                           " is beyond the " + std::to_string(fieldCount) + " fields of the struct");
        field += static_cast<int64_t>(delta);
        onField(static_cast<size_t>(field));
    }
}

} // namespace jiffy::gob
