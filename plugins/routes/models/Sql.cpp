#include "Sql.h"

#include <cstdio>

namespace jiffy::models {

std::string Sql::columnType(const Property& p) const
{
    if (!p.dbType.empty()) return p.dbType;
    switch (p.kind) {
    case Kind::String:
        return d_.typeText;
    case Kind::Bool:
        return d_.typeBool;
    case Kind::Int:
        return d_.typeInt;
    case Kind::Float:
        return d_.typeDouble;
    }
    return d_.typeText;
}

std::string Sql::literal(const Scalar& s)
{
    switch (s.kind) {
    case Kind::String: {
        std::string out = "'";
        for (char c : s.s) out += c == '\'' ? std::string("''") : std::string(1, c);
        return out + "'";
    }
    case Kind::Bool:
        return s.b ? "TRUE" : "FALSE";
    case Kind::Int:
        return std::to_string(s.i);
    case Kind::Float: {
        char buf[40];
        std::snprintf(buf, sizeof buf, "%.17g", s.d);
        return buf;
    }
    }
    return "NULL";
}

std::string Sql::columnDefinition(const Property& p, bool forAdd) const
{
    std::string def = quote(p.column) + " " + columnType(p);
    if (p.required) def += " NOT NULL";
    if (p.unique && !forAdd) def += " UNIQUE";
    if (p.defaultValue) def += " DEFAULT " + literal(*p.defaultValue);
    if (!p.refTable.empty()) def += " REFERENCES " + quote(p.refTable) + "(" + quote(p.refColumn) + ")";
    return def;
}

std::string Sql::columnSignature(const Property& p) const
{
    std::string sig = "type=" + columnType(p);
    if (p.required) sig += "; required";
    if (p.unique) sig += "; unique";
    if (p.defaultValue) sig += "; default=" + literal(*p.defaultValue);
    if (!p.refTable.empty()) sig += "; references=" + p.refTable + "(" + p.refColumn + ")";
    return sig;
}

jiffy::Value Sql::bind(const Scalar& s)
{
    if (s.isNull) return jiffy::Value();
    switch (s.kind) {
    case Kind::String:
        return jiffy::Value(std::string_view(s.s));
    case Kind::Bool:
        return jiffy::Value(s.b);
    case Kind::Int:
        return jiffy::Value(static_cast<long long>(s.i));
    case Kind::Float:
        return jiffy::Value(s.d);
    }
    return jiffy::Value();
}

} // namespace jiffy::models
