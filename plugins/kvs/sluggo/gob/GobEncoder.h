// Encodes one struct value as a complete gob stream, the way a fresh Go
// gob.Encoder does on its first Encode(): a message defining the struct's
// type, then a message carrying the value. Go's sluggo makes a new encoder
// per message, so every message it sends or expects starts with the type.
#pragma once

#include "gob/GobSchema.h"

#include <string>
#include <string_view>

namespace jiffy::gob {

/// The id a fresh Go process gives the first type it encodes.
constexpr int64_t kDefaultTypeId = 65;

/// Builds the stream field by field, in declaration order:
///
///     std::string bytes = StructEncoder(articleDef()).string(key).string("AU")
///                             .boolean(true).bytes(value).string("").finish();
///
/// Zero values are omitted from the value as Go does; the type definition
/// always lists every field.
class StructEncoder {
public:
    explicit StructEncoder(const StructDef& def, int64_t typeId = kDefaultTypeId);

    StructEncoder& boolean(bool v);
    StructEncoder& integer(int64_t v);
    StructEncoder& unsignedInt(uint64_t v);
    StructEncoder& string(std::string_view v);
    StructEncoder& bytes(std::string_view v);
    /// The whole stream: type definition message + value message. Throws
    /// std::logic_error unless every field was given exactly once.
    std::string finish();

private:
    /// Checks the next field is of `kind`; returns whether to write it.
    void next(Kind kind, bool isZero);

    const StructDef& def_;
    int64_t typeId_;
    std::string value_;     ///< the value message so far (without its length)
    size_t field_ = 0;      ///< index of the next field to be given
    int64_t lastSent_ = -1; ///< last field number written (delta base)
};

/// The type definition message body (without its length prefix) for `def`
/// under `typeId`; exposed for tests that check it byte by byte.
std::string typeDefinition(const StructDef& def, int64_t typeId);

} // namespace jiffy::gob
