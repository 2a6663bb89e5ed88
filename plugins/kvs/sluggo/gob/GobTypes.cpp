#include "gob/GobTypes.h"

namespace jiffy::gob {

void TypeTable::define(int64_t id, WireType type)
{
    if (id < kFirstUserId) throw GobError("type id " + std::to_string(id) + " is reserved and cannot be defined");
    if (types_.count(id)) throw GobError("duplicate definition of type id " + std::to_string(id));
    if (types_.size() >= kMaxTypes) throw GobError("more than " + std::to_string(kMaxTypes) + " type definitions");
    types_.emplace(id, std::move(type));
}

const WireType* TypeTable::find(int64_t id) const
{
    auto it = types_.find(id);
    return it == types_.end() ? nullptr : &it->second;
}

namespace {

/// CommonType{Name string; Id typeId}. The Id repeats the definition's id;
/// Go ignores it on receipt, and so do we.
void parseCommon(Reader& r, WireType& t)
{
    forEachField(r, 2, [&](size_t f) {
        if (f == 0)
            t.name = std::string(r.readBytes());
        else
            (void)r.readInt();
    });
}

/// fieldType{Name string; Id typeId}
WireField parseField(Reader& r)
{
    WireField wf;
    forEachField(r, 2, [&](size_t f) {
        if (f == 0)
            wf.name = std::string(r.readBytes());
        else
            wf.typeId = r.readInt();
    });
    if (wf.name.empty() || wf.typeId <= 0) throw GobError("struct field definition without a name or type id");
    return wf;
}

/// The body of one of wireType's seven pointer fields. Every variant starts
/// with CommonType as field 0; the others are ids, Len, or the field list.
void parseVariant(Reader& r, size_t variant, WireType& t)
{
    static const WireType::Shape shapes[] = {WireType::Shape::Array, WireType::Shape::Slice, WireType::Shape::Struct,
                                             WireType::Shape::Map};
    t.shape = variant < 4 ? shapes[variant] : WireType::Shape::Opaque;
    // arrayType{Common, Elem, Len}, sliceType{Common, Elem}, structType{Common, Field},
    // mapType{Common, Key, Elem}, gobEncoderType{Common}
    static const size_t counts[] = {3, 2, 2, 3, 1, 1, 1};
    forEachField(r, counts[variant], [&](size_t f) {
        if (f == 0) return parseCommon(r, t);
        switch (t.shape) {
        case WireType::Shape::Array:
            (f == 1 ? t.elem : t.length) = r.readInt();
            break;
        case WireType::Shape::Slice:
            t.elem = r.readInt();
            break;
        case WireType::Shape::Map:
            (f == 1 ? t.key : t.elem) = r.readInt();
            break;
        case WireType::Shape::Struct: {
            size_t n = r.readCount();
            t.fields.reserve(n);
            for (size_t i = 0; i < n; ++i) t.fields.push_back(parseField(r));
            break;
        }
        case WireType::Shape::Opaque:
            break; // unreachable: count 1 allows field 0 only
        }
    });
}

} // namespace

WireType parseWireType(Reader& r)
{
    WireType t;
    int variants = 0;
    forEachField(r, 7, [&](size_t f) {
        ++variants;
        parseVariant(r, f, t);
    });
    if (variants != 1)
        throw GobError("a type definition must describe exactly one kind of type, got " + std::to_string(variants));
    return t;
}

} // namespace jiffy::gob
