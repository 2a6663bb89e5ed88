#include "gob/GobEncoder.h"

#include "gob/GobWire.h"

#include <stdexcept>

namespace jiffy::gob {

int64_t builtinId(Kind kind)
{
    switch (kind) {
    case Kind::Bool:
        return kBoolId;
    case Kind::Int:
        return kIntId;
    case Kind::Uint:
        return kUintId;
    case Kind::String:
        return kStringId;
    case Kind::Bytes:
        return kBytesId;
    }
    return 0;
}

int StructDef::indexOf(const std::string& fieldName) const
{
    for (size_t i = 0; i < fields.size(); ++i)
        if (fields[i].name == fieldName) return static_cast<int>(i);
    return -1;
}

std::string typeDefinition(const StructDef& def, int64_t typeId)
{
    // A wireType value whose only non-nil field is StructT (field 2):
    //   int(-id)                      the negated id announces a definition
    //   03                            delta 3: field -1 -> 2 (wireType.StructT)
    //     01                          structType field 0: the embedded CommonType
    //       01 <name>                 CommonType.Name (omitted when empty)
    //       01 int(id)                CommonType.Id
    //       00                        end of CommonType
    //     01 uint(n)                  structType field 1: Field, a slice of n fieldTypes
    //       01 <field name> 01 int(builtin id) 00   one fieldType per field
    //     00                          end of structType
    //   00                            end of wireType
    std::string m;
    appendInt(m, -typeId);
    m += '\x03';
    m += '\x01';
    if (!def.name.empty()) {
        m += '\x01';
        appendBytes(m, def.name);
        m += '\x01';
    } else {
        m += '\x02'; // skip the empty Name: field -1 -> 1 directly
    }
    appendInt(m, typeId);
    m += '\x00';
    m += '\x01';
    appendUint(m, def.fields.size());
    for (const FieldDef& f : def.fields) {
        m += '\x01';
        appendBytes(m, f.name);
        m += '\x01';
        appendInt(m, builtinId(f.kind));
        m += '\x00';
    }
    m += '\x00';
    m += '\x00';
    return m;
}

StructEncoder::StructEncoder(const StructDef& def, int64_t typeId) : def_(def), typeId_(typeId)
{
    if (def.fields.empty()) throw std::logic_error("gob: type " + def.name + " has no exported fields");
    if (typeId <= kFirstUserId) throw std::logic_error("gob: type id must be above 64");
    appendInt(value_, typeId);
}

void StructEncoder::next(Kind kind, bool isZero)
{
    if (field_ >= def_.fields.size()) throw std::logic_error("gob: too many fields for " + def_.name);
    if (def_.fields[field_].kind != kind)
        throw std::logic_error("gob: field " + def_.name + "." + def_.fields[field_].name + " has another kind");
    if (!isZero) {
        appendUint(value_, static_cast<uint64_t>(static_cast<int64_t>(field_) - lastSent_));
        lastSent_ = static_cast<int64_t>(field_);
    }
}

StructEncoder& StructEncoder::boolean(bool v)
{
    next(Kind::Bool, !v);
    if (v) appendUint(value_, 1);
    ++field_;
    return *this;
}

StructEncoder& StructEncoder::integer(int64_t v)
{
    next(Kind::Int, v == 0);
    if (v != 0) appendInt(value_, v);
    ++field_;
    return *this;
}

StructEncoder& StructEncoder::unsignedInt(uint64_t v)
{
    next(Kind::Uint, v == 0);
    if (v != 0) appendUint(value_, v);
    ++field_;
    return *this;
}

StructEncoder& StructEncoder::string(std::string_view v)
{
    next(Kind::String, v.empty());
    if (!v.empty()) appendBytes(value_, v);
    ++field_;
    return *this;
}

StructEncoder& StructEncoder::bytes(std::string_view v)
{
    next(Kind::Bytes, v.empty());
    if (!v.empty()) appendBytes(value_, v);
    ++field_;
    return *this;
}

std::string StructEncoder::finish()
{
    if (field_ != def_.fields.size()) throw std::logic_error("gob: missing fields for " + def_.name);
    ++field_;         // a second finish() or field call is a logic error
    value_ += '\x00'; // end of struct
    std::string typeMsg = typeDefinition(def_, typeId_);
    std::string out;
    out.reserve(typeMsg.size() + value_.size() + 20);
    appendUint(out, typeMsg.size());
    out += typeMsg;
    appendUint(out, value_.size());
    out += value_;
    return out;
}

} // namespace jiffy::gob
