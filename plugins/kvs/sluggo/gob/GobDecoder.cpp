#include "gob/GobDecoder.h"

#include "gob/GobTypes.h"

#include <limits>

namespace jiffy::gob {

namespace {

/// Nested slices, maps and structs deeper than this are refused: real
/// messages nest two or three levels, and recursion must stay bounded.
constexpr int kMaxDepth = 32;

std::string idName(int64_t id)
{
    switch (id) {
    case kBoolId:
        return "bool";
    case kIntId:
        return "int";
    case kUintId:
        return "uint";
    case kFloatId:
        return "float";
    case kBytesId:
        return "[]byte";
    case kStringId:
        return "string";
    case kComplexId:
        return "complex";
    case kInterfaceId:
        return "interface";
    default:
        return "type " + std::to_string(id);
    }
}

/// Skips one value of type `id`, the way Go ignores a field the receiver
/// does not have.
void skipValue(const TypeTable& types, int64_t id, Reader& r, int depth)
{
    if (depth > kMaxDepth) throw GobError("values nested more than " + std::to_string(kMaxDepth) + " deep");
    switch (id) {
    case kBoolId:
    case kIntId:
    case kUintId:
    case kFloatId:
        (void)r.readUint();
        return;
    case kBytesId:
    case kStringId:
        (void)r.readBytes();
        return;
    case kComplexId:
        (void)r.readUint();
        (void)r.readUint();
        return;
    case kInterfaceId:
        // A nil interface is an empty type name. A non-nil one carries its own
        // type definitions inline; nothing jiffy or sluggo sends has one.
        if (!r.readBytes().empty()) throw GobError("non-nil interface values are not supported");
        return;
    default:
        break;
    }
    const WireType* t = types.find(id);
    if (!t) throw GobError("value of undefined " + idName(id));
    switch (t->shape) {
    case WireType::Shape::Array:
    case WireType::Shape::Slice: {
        size_t n = r.readCount();
        for (size_t i = 0; i < n; ++i) skipValue(types, t->elem, r, depth + 1);
        return;
    }
    case WireType::Shape::Map: {
        size_t n = r.readCount();
        for (size_t i = 0; i < n; ++i) {
            skipValue(types, t->key, r, depth + 1);
            skipValue(types, t->elem, r, depth + 1);
        }
        return;
    }
    case WireType::Shape::Struct:
        forEachField(r, t->fields.size(), [&](size_t f) { skipValue(types, t->fields[f].typeId, r, depth + 1); });
        return;
    case WireType::Shape::Opaque:
        (void)r.readBytes();
        return;
    }
}

/// For each wire field, the index of the `def` field of that name or -1;
/// checks type compatibility the way Go compiles its decoder.
std::vector<int> matchFields(const WireType& wire, const StructDef& def)
{
    std::vector<int> map(wire.fields.size(), -1);
    int matched = 0;
    for (size_t w = 0; w < wire.fields.size(); ++w) {
        int d = def.indexOf(wire.fields[w].name);
        if (d < 0) continue;
        int64_t want = builtinId(def.fields[static_cast<size_t>(d)].kind);
        if (wire.fields[w].typeId != want)
            throw GobError("type mismatch for field " + def.name + "." + wire.fields[w].name + ": sent as " +
                           idName(wire.fields[w].typeId) + ", expected " + idName(want));
        map[w] = d;
        ++matched;
    }
    if (matched == 0) throw GobError("type mismatch: no fields matched decoding " + wire.name + " into " + def.name);
    return map;
}

void readField(Kind kind, Reader& r, FieldValue& v)
{
    v.present = true;
    switch (kind) {
    case Kind::Bool:
        v.b = r.readUint() != 0;
        break; // Go reads any non-zero as true
    case Kind::Int:
        v.i = r.readInt();
        break;
    case Kind::Uint:
        v.u = r.readUint();
        break;
    case Kind::String:
    case Kind::Bytes:
        v.s = std::string(r.readBytes());
        break;
    }
}

StructValues decodeValue(const TypeTable& types, int64_t id, Reader& r, const StructDef& def)
{
    const WireType* wire = id > kInterfaceId ? types.find(id) : nullptr;
    if (!wire) {
        if (id >= kBoolId && id <= kInterfaceId)
            throw GobError("type mismatch: got a " + idName(id) + " value, expected struct " + def.name);
        throw GobError("value of undefined " + idName(id));
    }
    if (wire->shape != WireType::Shape::Struct)
        throw GobError("type mismatch: got " + wire->name + ", not a struct, expected struct " + def.name);
    std::vector<int> map = matchFields(*wire, def);
    StructValues out(def.fields.size());
    forEachField(r, wire->fields.size(), [&](size_t f) {
        if (map[f] < 0)
            skipValue(types, wire->fields[f].typeId, r, 1);
        else
            readField(def.fields[static_cast<size_t>(map[f])].kind, r, out[static_cast<size_t>(map[f])]);
    });
    return out;
}

} // namespace

StructValues decodeStruct(std::string_view stream, const StructDef& def)
{
    Reader in(stream);
    TypeTable types;
    // Each pass consumes at least one byte, so this ends; the table bounds
    // the number of definitions anyway.
    while (true) {
        if (in.empty()) throw GobError(stream.empty() ? "empty message" : "stream ended before a value");
        uint64_t len = in.readUint();
        if (len == 0) throw GobError("zero-length message at byte " + std::to_string(in.offset() - 1));
        if (len > in.remaining())
            throw GobError("message length " + std::to_string(len) + " exceeds the " + std::to_string(in.remaining()) +
                           " bytes left");
        Reader msg(in.take(static_cast<size_t>(len)));
        int64_t id = msg.readInt();
        if (id == 0) throw GobError("type id 0 is not a type");
        if (id > 0) return decodeValue(types, id, msg, def);
        if (id == std::numeric_limits<int64_t>::min()) throw GobError("type id out of range");
        types.define(-id, parseWireType(msg));
        if (!msg.empty()) throw GobError("extra data after the definition of type " + std::to_string(-id));
    }
}

} // namespace jiffy::gob
