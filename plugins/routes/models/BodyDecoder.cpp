#include "BodyDecoder.h"

#include <algorithm>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/String.h>

#include <cmath>

namespace jiffy::models {
namespace {

using Poco::Dynamic::Var;

std::string describe(const Var& v)
{
    if (v.type() == typeid(Poco::JSON::Object::Ptr)) return "an object";
    if (v.type() == typeid(Poco::JSON::Array::Ptr)) return "an array";
    if (v.type() == typeid(bool)) return "a boolean";
    if (v.isString()) return "a string";
    return "a number";
}

/// Finds `column` in the body as Go's decoder does: exact, else case-insensitive.
bool lookup(const Poco::JSON::Object& body, const std::string& column, Var& out)
{
    if (body.has(column)) {
        out = body.get(column);
        return true;
    }
    for (const auto& kv : body)
        if (Poco::icompare(kv.first, column) == 0) {
            out = kv.second;
            return true;
        }
    return false;
}

Scalar convert(const Entity& e, const Property& p, const Var& v)
{
    Scalar s;
    s.kind = p.kind;
    const std::string field = e.table + ": field \"" + p.column + "\"";
    switch (p.kind) {
    case Kind::String:
        if (!v.isString()) throw BadRequest(field + ": expected a string, got " + describe(v));
        s.s = v.convert<std::string>();
        return s;
    case Kind::Bool:
        if (v.type() != typeid(bool)) throw BadRequest(field + ": expected true or false, got " + describe(v));
        s.b = v.extract<bool>();
        return s;
    case Kind::Int: {
        if (!v.isNumeric() || v.type() == typeid(bool) || v.isString())
            throw BadRequest(field + ": expected an integer (" + p.type + "), got " + describe(v));
        if (!v.isInteger())
            throw BadRequest(field + ": expected an integer (" + p.type + "), got " + v.convert<std::string>());
        if (!v.isSigned() && v.convert<uint64_t>() > static_cast<uint64_t>(p.max))
            throw BadRequest(field + ": " + v.convert<std::string>() + " is out of range for " + p.type +
                             (p.type == "uint64" || p.type == "uint"
                                  ? " as stored here (SQL integers are signed: at most 9223372036854775807)"
                                  : ""));
        int64_t x = v.isSigned() ? v.convert<int64_t>() : static_cast<int64_t>(v.convert<uint64_t>());
        if (x < p.min || x > p.max)
            throw BadRequest(field + ": " + std::to_string(x) + " is out of range for " + p.type);
        s.i = x;
        return s;
    }
    case Kind::Float:
        if (!v.isNumeric() || v.type() == typeid(bool) || v.isString())
            throw BadRequest(field + ": expected a number, got " + describe(v));
        s.d = v.convert<double>();
        if (p.type == "float32" && std::fabs(s.d) > 3.4028234663852886e38)
            throw BadRequest(field + ": value is out of range for float32");
        return s;
    }
    return s;
}

} // namespace

std::vector<Scalar> decodeBody(const Entity& e, std::string_view body, bool strict)
{
    Var parsed;
    try {
        Poco::JSON::Parser parser;
        parsed = parser.parse(std::string(body));
    } catch (const Poco::Exception& ex) {
        throw BadRequest(e.table + "c: Invalid request payload: " + ex.message());
    }
    if (parsed.type() != typeid(Poco::JSON::Object::Ptr))
        throw BadRequest(e.table + "c: Invalid request payload: expected a JSON object");
    const Poco::JSON::Object& obj = *parsed.extract<Poco::JSON::Object::Ptr>();
    if (strict) {
        // jiffy ignores unknown fields; with strict_bodies a typo is a 400.
        for (const auto& kv : obj) {
            if (Poco::icompare(kv.first, "id") == 0 || Poco::icompare(kv.first, "href") == 0) continue;
            bool known = std::any_of(e.properties.begin(), e.properties.end(),
                                     [&](const Property& p) { return Poco::icompare(kv.first, p.column) == 0; });
            if (!known) throw BadRequest(e.table + ": unknown field \"" + kv.first + "\" (strict_bodies is on)");
        }
    }
    std::vector<Scalar> out(e.properties.size());
    for (size_t i = 0; i < e.properties.size(); ++i) {
        const Property& p = e.properties[i];
        Scalar& s = out[i];
        s.kind = p.kind;
        if (p.noDb) {
            s.isNull = true;
            continue;
        }
        Var v;
        bool present = lookup(obj, p.column, v);
        if (!present || v.isEmpty()) {
            if (present && p.required)
                throw BadRequest(e.table + ": field \"" + p.column + "\" is required and cannot be null");
            if (!present && p.defaultValue) {
                s = *p.defaultValue;
                continue;
            }
            if (p.required) throw BadRequest(e.table + ": field \"" + p.column + "\" is required");
            s.isNull = true;
            continue;
        }
        s = convert(e, p, v);
    }
    return out;
}

} // namespace jiffy::models
