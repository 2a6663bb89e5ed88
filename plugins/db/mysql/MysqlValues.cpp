#include "MysqlValues.h"

#include <charconv>
#include <cstdio>
#include <cstring>
#include <limits>

namespace jiffy::mysql {
namespace {

constexpr unsigned kBinaryCharset = 63;

jiffy::Value decimalCell(const char* s, size_t n, std::string& scratch)
{
    std::string_view text(s, n);
    if (text.find('.') == std::string_view::npos) {
        long long v = 0;
        auto r = std::from_chars(s, s + n, v);
        if (r.ec == std::errc() && r.ptr == s + n) return jiffy::Value(v);
    } else {
        // Integral decimals (sum() of integers is DECIMAL): "12.000" → 12.
        size_t dot = text.find('.');
        if (text.find_first_not_of('0', dot + 1) == std::string_view::npos) {
            long long v = 0;
            auto r = std::from_chars(s, s + dot, v);
            if (r.ec == std::errc() && r.ptr == s + dot) return jiffy::Value(v);
        }
    }
    size_t digits = 0;
    bool leading = true;
    for (char c : text) {
        if (c < '0' || c > '9') continue;
        if (leading && c == '0') continue;
        leading = false;
        ++digits;
    }
    if (digits <= 15) {
        double d = 0;
        auto r = std::from_chars(s, s + n, d);
        if (r.ec == std::errc() && r.ptr == s + n) return jiffy::Value(d);
    }
    scratch.assign(s, n);
    return jiffy::Value(std::string_view(scratch));
}

/// "2024-02-29T13:14:15.5+00:00": the fraction without trailing zeros.
std::string_view dateTimeText(const MYSQL_TIME& t, bool withTime, std::string& out)
{
    char buf[64];
    int n = std::snprintf(buf, sizeof buf, "%04u-%02u-%02u", t.year, t.month, t.day);
    out.assign(buf, static_cast<size_t>(n));
    if (!withTime) return out;
    n = std::snprintf(buf, sizeof buf, "T%02u:%02u:%02u", t.hour, t.minute, t.second);
    out.append(buf, static_cast<size_t>(n));
    if (t.second_part) {
        n = std::snprintf(buf, sizeof buf, ".%06lu", static_cast<unsigned long>(t.second_part));
        std::string frac(buf, static_cast<size_t>(n));
        while (frac.back() == '0') frac.pop_back();
        out += frac;
    }
    out += "+00:00";
    return out;
}

std::string_view timeText(const MYSQL_TIME& t, std::string& out)
{
    char buf[64];
    unsigned hours = t.hour + t.day * 24;
    int n = std::snprintf(buf, sizeof buf, "%s%02u:%02u:%02u", t.neg ? "-" : "", hours, t.minute, t.second);
    out.assign(buf, static_cast<size_t>(n));
    if (t.second_part) {
        n = std::snprintf(buf, sizeof buf, ".%06lu", static_cast<unsigned long>(t.second_part));
        out.append(buf, static_cast<size_t>(n));
    }
    return out;
}

} // namespace

void ParamBinder::bind(const jiffy::ValuesView& params)
{
    const size_t n = params.size();
    binds_.assign(n, MYSQL_BIND{});
    ints_.assign(n, 0);
    doubles_.assign(n, 0);
    bools_.assign(n, 0);
    lengths_.assign(n, 0);
    for (size_t i = 0; i < n; ++i) {
        const jiffy_value& v = params[i];
        MYSQL_BIND& b = binds_[i];
        switch (v.type) {
        case JIFFY_TYPE_NULL:
            b.buffer_type = MYSQL_TYPE_NULL;
            break;
        case JIFFY_TYPE_INT:
            ints_[i] = v.i;
            b.buffer_type = MYSQL_TYPE_LONGLONG;
            b.buffer = &ints_[i];
            break;
        case JIFFY_TYPE_DOUBLE:
            doubles_[i] = v.d;
            b.buffer_type = MYSQL_TYPE_DOUBLE;
            b.buffer = &doubles_[i];
            break;
        case JIFFY_TYPE_BOOL:
            bools_[i] = v.i ? 1 : 0;
            b.buffer_type = MYSQL_TYPE_TINY;
            b.buffer = &bools_[i];
            break;
        case JIFFY_TYPE_TEXT:
        case JIFFY_TYPE_BLOB:
            lengths_[i] = static_cast<unsigned long>(v.size);
            b.buffer_type = v.type == JIFFY_TYPE_TEXT ? MYSQL_TYPE_STRING : MYSQL_TYPE_BLOB;
            // Connector/C only reads parameter buffers; the cast is its C API's.
            b.buffer = const_cast<char*>(v.data ? v.data : "");
            b.buffer_length = lengths_[i];
            b.length = &lengths_[i];
            break;
        default:
            jiffy::fail(JIFFY_INVALID,
                        "mysql: parameter " + std::to_string(i + 1) + " has unknown type " + std::to_string(v.type));
        }
    }
}

CellKind cellKindFor(const MYSQL_FIELD& f)
{
    switch (f.type) {
    case MYSQL_TYPE_TINY:
        return f.length == 1 ? CellKind::Bool : CellKind::Int;
    case MYSQL_TYPE_SHORT:
    case MYSQL_TYPE_INT24:
    case MYSQL_TYPE_LONG:
    case MYSQL_TYPE_LONGLONG:
    case MYSQL_TYPE_YEAR:
        return CellKind::Int;
    case MYSQL_TYPE_FLOAT:
    case MYSQL_TYPE_DOUBLE:
        return CellKind::Double;
    case MYSQL_TYPE_DECIMAL:
    case MYSQL_TYPE_NEWDECIMAL:
        return CellKind::Decimal;
    case MYSQL_TYPE_DATETIME:
    case MYSQL_TYPE_TIMESTAMP:
        return CellKind::DateTime;
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_NEWDATE:
        return CellKind::Date;
    case MYSQL_TYPE_TIME:
        return CellKind::Time;
    case MYSQL_TYPE_NULL:
        return CellKind::Null;
    case MYSQL_TYPE_BIT:
        return CellKind::Bytes;
    default:
        return f.charsetnr == kBinaryCharset && f.type != MYSQL_TYPE_JSON ? CellKind::Bytes : CellKind::Text;
    }
}

void ResultBinder::prepare(const MYSQL_FIELD* fields, unsigned count)
{
    columns_.assign(count, Column{});
    binds_.assign(count, MYSQL_BIND{});
    values_.assign(count, jiffy::Value());
    for (unsigned c = 0; c < count; ++c) {
        Column& col = columns_[c];
        MYSQL_BIND& b = binds_[c];
        col.kind = cellKindFor(fields[c]);
        col.isUnsigned = (fields[c].flags & UNSIGNED_FLAG) != 0;
        b.is_null = &col.isNull;
        b.error = &col.error;
        b.length = &col.length;
        switch (col.kind) {
        case CellKind::Int:
        case CellKind::Bool:
            b.buffer_type = MYSQL_TYPE_LONGLONG;
            b.buffer = &col.i;
            b.is_unsigned = col.isUnsigned;
            break;
        case CellKind::Double:
            b.buffer_type = MYSQL_TYPE_DOUBLE;
            b.buffer = &col.d;
            break;
        case CellKind::DateTime:
        case CellKind::Date:
        case CellKind::Time:
            b.buffer_type = fields[c].type;
            b.buffer = &col.time;
            b.buffer_length = sizeof col.time;
            break;
        default:
            // max_length is exact for a stored result (STMT_ATTR_UPDATE_MAX_LENGTH).
            col.buffer.resize(static_cast<size_t>(fields[c].max_length) + 1);
            b.buffer_type = col.kind == CellKind::Bytes ? MYSQL_TYPE_BLOB : MYSQL_TYPE_STRING;
            b.buffer = col.buffer.data();
            b.buffer_length = static_cast<unsigned long>(col.buffer.size());
            break;
        }
    }
}

void ResultBinder::refetchTruncated(MYSQL_STMT* stmt)
{
    bool grown = false;
    for (size_t c = 0; c < columns_.size(); ++c) {
        Column& col = columns_[c];
        if (!col.error || col.buffer.empty() || col.length < col.buffer.size()) continue;
        col.buffer.resize(static_cast<size_t>(col.length) + 1);
        binds_[c].buffer = col.buffer.data();
        binds_[c].buffer_length = static_cast<unsigned long>(col.buffer.size());
        grown = true;
    }
    if (!grown) jiffy::fail(JIFFY_INTERNAL, "mysql: a result cell did not fit its buffer");
    if (mysql_stmt_bind_result(stmt, binds_.data()))
        jiffy::fail(JIFFY_INTERNAL, std::string("mysql: cannot rebind a result: ") + mysql_stmt_error(stmt));
    for (size_t c = 0; c < columns_.size(); ++c) {
        Column& col = columns_[c];
        if (!col.error) continue;
        col.error = 0;
        if (mysql_stmt_fetch_column(stmt, &binds_[c], static_cast<unsigned>(c), 0))
            jiffy::fail(JIFFY_INTERNAL, std::string("mysql: cannot fetch a result cell: ") + mysql_stmt_error(stmt));
    }
}

const std::vector<jiffy::Value>& ResultBinder::values()
{
    for (size_t c = 0; c < columns_.size(); ++c) {
        Column& col = columns_[c];
        jiffy::Value& v = values_[c];
        if (col.isNull || col.kind == CellKind::Null) {
            v = jiffy::Value();
            continue;
        }
        switch (col.kind) {
        case CellKind::Int:
            if (col.isUnsigned && static_cast<unsigned long long>(col.i) >
                                      static_cast<unsigned long long>(std::numeric_limits<long long>::max())) {
                col.scratch = std::to_string(static_cast<unsigned long long>(col.i));
                v = jiffy::Value(std::string_view(col.scratch));
            } else {
                v = jiffy::Value(col.i);
            }
            break;
        case CellKind::Bool:
            v = jiffy::Value(col.i != 0);
            break;
        case CellKind::Double:
            v = jiffy::Value(col.d);
            break;
        case CellKind::Decimal:
            v = decimalCell(col.buffer.data(), col.length, col.scratch);
            break;
        case CellKind::DateTime:
            v = jiffy::Value(dateTimeText(col.time, true, col.scratch));
            break;
        case CellKind::Date:
            v = jiffy::Value(dateTimeText(col.time, false, col.scratch));
            break;
        case CellKind::Time:
            v = jiffy::Value(timeText(col.time, col.scratch));
            break;
        case CellKind::Bytes:
            v = jiffy::Value(jiffy::Blob{std::string_view(col.buffer.data(), col.length)});
            break;
        default:
            v = jiffy::Value(std::string_view(col.buffer.data(), col.length));
            break;
        }
    }
    return values_;
}

} // namespace jiffy::mysql
