// Decodes the first value of a gob stream into a flat struct, the way Go's
// Decoder.Decode(&v) does: type definition messages first, then one value
// message; fields matched by name, fields we do not know skipped whatever
// their type, fields absent from the wire left at their zero value.
// Anything malformed throws GobError: no crash, no read past the input, no
// allocation larger than the input.
#pragma once

#include "gob/GobSchema.h"
#include "gob/GobWire.h"

#include <string_view>

namespace jiffy::gob {

/// Decodes `stream` (one or more length-prefixed messages) into a value of
/// `def`. Bytes after the first value are ignored, as Go's Decode leaves
/// them for the next call.
///
/// Errors, like Go's: a value whose type is not a struct, a struct sharing no
/// field name with `def`, a shared field of another type (say uint sent for
/// an int), undefined or duplicate type ids, truncation.
StructValues decodeStruct(std::string_view stream, const StructDef& def);

} // namespace jiffy::gob
