#include "Query.h"

#include "Naming.h"

#include <FilterSyntax.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

namespace jiffy::models {
namespace {

std::string opList(const Property& p)
{
    std::string out;
    for (Op op : p.ops) out += (out.empty() ? "" : ", ") + std::string(opName(op));
    return out;
}

Scalar parseValue(std::string_view raw, bool quoted, const Property& p)
{
    Scalar s;
    s.kind = p.kind;
    const std::string what = p.column + "(" + std::string(raw) + ")";
    switch (p.kind) {
    case Kind::String:
        if (!quoted)
            throw QueryError("string filter value must be in single quotes, e.g. " + p.column + "(EQ 'value')");
        s.s = std::string(raw);
        return s;
    case Kind::Bool: {
        std::string u = lowerCase(std::string(raw));
        if (u != "true" && u != "false")
            throw QueryError(p.column + ": expected true or false, got \"" + std::string(raw) + "\"");
        s.b = u == "true";
        return s;
    }
    case Kind::Int: {
        auto v = parseInteger(raw, p.min, p.max);
        if (!v) throw QueryError(p.column + ": expected a " + p.type + " value, got \"" + std::string(raw) + "\"");
        s.i = *v;
        return s;
    }
    case Kind::Float: {
        std::string t(raw);
        char* end = nullptr;
        s.d = std::strtod(t.c_str(), &end);
        if (t.empty() || *end != '\0' || !std::isfinite(s.d))
            throw QueryError(p.column + ": expected a number, got \"" + t + "\"");
        return s;
    }
    }
    return s;
}

} // namespace

std::optional<int64_t> parseInteger(std::string_view s, int64_t min, int64_t max)
{
    if (s.empty()) return std::nullopt;
    int64_t v = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size() || v < min || v > max) return std::nullopt;
    return v;
}

Commands parseCommands(std::string_view text, const Entity& e)
{
    Commands c;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find('$', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view tok = text.substr(start, end - start);
        start = end + 1;
        if (tok.empty()) continue;
        size_t eq = tok.find('=');
        std::string key = lowerCase(std::string(tok.substr(0, eq)));
        std::string_view val = eq == std::string_view::npos ? std::string_view() : tok.substr(eq + 1);
        bool hasValue = eq != std::string_view::npos;
        if (key == "count" && !hasValue)
            c.count = true;
        else if (key == "asc" && !hasValue)
            c.desc = false;
        else if (key == "desc" && !hasValue)
            c.desc = true;
        else if ((key == "limit" || key == "offset") && hasValue) {
            auto v = parseInteger(val, 0, std::numeric_limits<int64_t>::max());
            if (!v) throw QueryError("$" + key + " takes a non-negative integer, got \"" + std::string(val) + "\"");
            (key == "limit" ? c.limit : c.offset) = v;
        } else if (key == "orderby" && hasValue) {
            std::string col = std::string(val);
            int idx = e.propertyByColumn(col);
            if (col != "id" && (idx < 0 || e.properties[static_cast<size_t>(idx)].noDb))
                throw QueryError("$orderby: " + e.typeName + " has no stored field \"" + col + "\"");
            c.orderBy = col;
        } else {
            throw QueryError("unknown command \"$" + std::string(tok) +
                             "\"; use $count, $limit=n, $offset=n, $orderby=field, $asc, $desc");
        }
        if (end == text.size()) break;
    }
    return c;
}

Filter parseFilter(std::string_view text, const Property& p)
{
    const common::FilterTokens t = common::tokenizeFilter(text);
    if (!t.op)
        throw QueryError("malformed filter \"" + p.column + "(" + std::string(text) + ")\": expected " + p.column +
                         "(OP value) with OP one of " + opList(p));
    if (std::find(p.ops.begin(), p.ops.end(), *t.op) == p.ops.end())
        throw QueryError("error: " + std::string(opName(*t.op)) + " is an unknown selection operand for " + p.column +
                         " (selectable: " + opList(p) + ")");
    if (!t.quoted && !t.value.empty() && (t.value.front() == '\'' || t.value.back() == '\''))
        throw QueryError("unbalanced quote in filter \"" + p.column + "(" + std::string(text) + ")\"");
    if (!t.quoted && t.value.empty())
        throw QueryError("filter \"" + p.column + "(" + std::string(text) + ")\" has no value");
    Filter f;
    f.property = &p;
    f.op = *t.op;
    f.value = parseValue(t.value, t.quoted, p);
    if (f.op == Op::Like) f.value.s = common::containsPattern(f.value.s);
    return f;
}

} // namespace jiffy::models
