#include "EntityService.h"

#include "BodyDecoder.h"
#include <jiffy/json.hpp>

#include <cstdio>
#include <limits>

namespace jiffy::models {

EntityService::EntityService(const jiffy::Host& host, const Entity& entity, const Sql& sql, bool strictBodies)
    : host_(host), e_(entity), sql_(sql), hrefPrefix_("/" + entity.table + "/"), strict_(strictBodies)
{
    columns_ = Sql::quote("id");
    std::string insertCols, insertVals, sets;
    size_t n = 0;
    for (size_t i = 0; i < e_.properties.size(); ++i) {
        const Property& p = e_.properties[i];
        if (p.noDb) continue;
        stored_.push_back(i);
        ++n;
        columns_ += ", " + Sql::quote(p.column);
        insertCols += (n > 1 ? ", " : "") + Sql::quote(p.column);
        insertVals += (n > 1 ? ", " : "") + sql_.ph(n);
        sets += (n > 1 ? ", " : "") + Sql::quote(p.column) + " = " + sql_.ph(n);
    }
    const std::string t = Sql::quote(e_.table);
    selectAll_ = "SELECT " + columns_ + " FROM " + t;
    selectById_ = selectAll_ + " WHERE " + Sql::quote("id") + " = " + sql_.ph(1);
    // Without RETURNING (MySQL) the row is read back by id after the write.
    const std::string returning = sql_.returning() ? " RETURNING " + columns_ : "";
    insert_ = n ? "INSERT INTO " + t + " (" + insertCols + ") VALUES (" + insertVals + ")" + returning
                : "INSERT INTO " + t + (sql_.isMysql() ? " () VALUES ()" : " DEFAULT VALUES") + returning;
    update_ = n ? "UPDATE " + t + " SET " + sets + " WHERE " + Sql::quote("id") + " = " + sql_.ph(n + 1) + returning
                : selectById_;
    delete_ = "DELETE FROM " + t + " WHERE " + Sql::quote("id") + " = " + sql_.ph(1);
    count_ = "SELECT count(*) FROM " + t;
}

Kind EntityService::columnKind(const std::string& column) const
{
    if (column == "id") return Kind::Int;
    int i = e_.propertyByColumn(column);
    return i < 0 ? Kind::String : e_.properties[static_cast<size_t>(i)].kind;
}

Reply EntityService::notFound(int64_t id) const
{
    return {404, "application/json",
            "{\"error\":" + JsonWriter::quote(e_.table + " " + std::to_string(id) + " not found") + "}"};
}

std::string EntityService::where(const std::vector<Condition>& conds, std::vector<jiffy::Value>& params) const
{
    std::string sql;
    for (const Condition& c : conds) {
        params.push_back(Sql::bind(c.value));
        sql += (sql.empty() ? " WHERE " : " AND ") + Sql::quote(c.column) + " " + opSql(c.op) + " " +
               sql_.ph(params.size());
        if (c.op == Op::Like) sql += " ESCAPE '\\'";
    }
    return sql;
}

void EntityService::rowJson(const jiffy::ValuesView& row, std::string_view base, JsonWriter& w) const
{
    int64_t id = row.getInt(0);
    w.beginObject().key("id").integer(id);
    thread_local std::string href; // reused: no allocation per row
    href.assign(base.data(), base.size());
    href += hrefPrefix_;
    char digits[24];
    href.append(digits, static_cast<size_t>(std::snprintf(digits, sizeof digits, "%lld", static_cast<long long>(id))));
    w.key("href").string(href);
    size_t col = 1;
    for (const Property& p : e_.properties) {
        if (p.noDb) {
            w.key(p.column);
            switch (p.kind) {
            case Kind::String:
                w.string("");
                break;
            case Kind::Bool:
                w.boolean(false);
                break;
            case Kind::Int:
                w.integer(0);
                break;
            case Kind::Float:
                w.number(0);
                break;
            }
            continue;
        }
        const jiffy_value& v = row[col++];
        bool null = v.type == JIFFY_TYPE_NULL;
        if (null && !p.required) continue; // Go's omitempty on a nil pointer
        w.key(p.column);
        switch (p.kind) {
        case Kind::String:
            w.string(null ? std::string_view() : std::string_view(v.data ? v.data : "", v.size));
            break;
        case Kind::Bool:
            w.boolean(!null && v.i != 0);
            break;
        case Kind::Int:
            w.integer(null ? 0 : (v.type == JIFFY_TYPE_DOUBLE ? static_cast<int64_t>(v.d) : v.i));
            break;
        case Kind::Float:
            w.number(null ? 0 : (v.type == JIFFY_TYPE_INT ? static_cast<double>(v.i) : v.d));
            break;
        }
    }
    w.endObject();
}

size_t EntityService::rows(const std::string& sql, const std::vector<jiffy::Value>& params, std::string_view base,
                           JsonWriter& w) const
{
    size_t n = 0;
    host_.execute(sql, params, [&](const jiffy::ValuesView& row) {
        rowJson(row, base, w);
        ++n;
    });
    return n;
}

Reply EntityService::list(const std::vector<Condition>& conds, const Commands& cmds, std::string_view base) const
{
    std::vector<jiffy::Value> params;
    std::string filter = where(conds, params);
    if (cmds.count) {
        int64_t count = 0;
        host_.execute(count_ + filter, params, [&](const jiffy::ValuesView& r) { count = r.getInt(0); });
        return {200, "application/text", std::to_string(count)};
    }
    std::string sql = selectAll_ + filter + " ORDER BY " + Sql::quote(cmds.orderBy) + (cmds.desc ? " DESC" : " ASC");
    if (cmds.orderBy != "id") sql += ", " + Sql::quote("id") + " ASC";
    if (cmds.limit || cmds.offset) {
        params.emplace_back(static_cast<long long>(cmds.limit.value_or(std::numeric_limits<int64_t>::max())));
        sql += " LIMIT " + sql_.ph(params.size());
        params.emplace_back(static_cast<long long>(cmds.offset.value_or(0)));
        sql += " OFFSET " + sql_.ph(params.size());
    }
    JsonWriter w;
    w.beginArray();
    rows(sql, params, base, w);
    w.endArray();
    return {200, "application/json", w.take()};
}

Reply EntityService::first(const std::vector<Condition>& conds, std::string_view base, const std::string& notFound,
                           int status) const
{
    std::vector<jiffy::Value> params;
    std::string sql = selectAll_ + where(conds, params) + " ORDER BY " + Sql::quote("id") + " ASC LIMIT 1";
    JsonWriter w;
    if (rows(sql, params, base, w) == 0)
        return {404, "application/json", "{\"error\":" + JsonWriter::quote(notFound) + "}"};
    return {status, "application/json", w.take()};
}

Reply EntityService::get(int64_t id, std::string_view base) const
{
    JsonWriter w;
    if (rows(selectById_, {static_cast<long long>(id)}, base, w) == 0) return notFound(id);
    return {201, "application/json", w.take()};
}

Reply EntityService::writeReply(const std::string& sql, std::vector<Scalar> values, std::optional<int64_t> id,
                                std::string_view base, int status) const
{
    std::vector<jiffy::Value> params;
    params.reserve(stored_.size() + 1);
    for (size_t i : stored_) params.push_back(Sql::bind(values[i]));
    if (id) params.emplace_back(static_cast<long long>(*id));
    JsonWriter w;
    size_t n = 0;
    try {
        if (sql_.returning()) {
            n = rows(sql, params, base, w);
        } else {
            jiffy::ExecResult r = host_.execute(sql, params);
            if (!id || r.rowsAffected > 0)
                n = rows(selectById_, {static_cast<long long>(id ? *id : r.lastInsertId)}, base, w);
        }
    } catch (const jiffy::Error& err) {
        // The database's own text (SQL, constraint names) goes to the log
        // only; the client gets a stable message naming entity and field.
        if (err.status() != JIFFY_CONFLICT && err.status() != JIFFY_INVALID) throw;
        host_.warning(e_.table + ": the database refused a write: " + err.what());
        std::string msg = err.status() == JIFFY_CONFLICT ? explainConflict(values, id) : explainInvalid(err.what());
        return {err.status() == JIFFY_CONFLICT ? 409 : 400, "application/json",
                "{\"error\":" + JsonWriter::quote(msg) + "}"};
    }
    if (n == 0) return notFound(id.value_or(0));
    return {status, "application/json", w.take()};
}

Reply EntityService::create(std::string_view body, std::string_view base) const
{
    return writeReply(insert_, decodeBody(e_, body, strict_), std::nullopt, base, 201);
}

Reply EntityService::update(int64_t id, std::string_view body, std::string_view base) const
{
    return writeReply(update_, decodeBody(e_, body, strict_), id, base, 201);
}

Reply EntityService::remove(int64_t id) const
{
    jiffy::ExecResult r;
    try {
        r = host_.execute(delete_, {static_cast<long long>(id)});
    } catch (const jiffy::Error& err) {
        if (err.status() != JIFFY_CONFLICT) throw;
        host_.warning(e_.table + " " + std::to_string(id) + ": the database refused the delete: " + err.what());
        return {409, "application/json",
                "{\"error\":" +
                    JsonWriter::quote(e_.table + " " + std::to_string(id) +
                                      " is still referenced by other rows; delete or change those first") +
                    "}"};
    }
    if (r.rowsAffected == 0) return notFound(id);
    return {202, "application/json", ""};
}

std::string EntityService::explainInvalid(const std::string& driverMessage) const
{
    // The driver's text only picks which of our own field names to mention
    // (e.g. MariaDB's "Data too long for column 'name'"); the client sees our words.
    for (size_t i : stored_) {
        const std::string& c = e_.properties[i].column;
        for (const char* q : {"'", "\"", "`"})
            if (driverMessage.find(q + c + q) != std::string::npos)
                return e_.table + "." + c + ": the database refused this value (too long, or out of its type's range)";
    }
    return e_.table + ": the database refused these values";
}

std::string EntityService::explainConflict(const std::vector<Scalar>& values, std::optional<int64_t> self) const
{
    auto text = [](const Scalar& v) {
        switch (v.kind) {
        case Kind::String:
            return JsonWriter::quote(v.s);
        case Kind::Bool:
            return std::string(v.b ? "true" : "false");
        case Kind::Float:
            return std::to_string(v.d);
        default:
            return std::to_string(v.i);
        }
    };
    auto exists = [this](const std::string& sql, const std::vector<jiffy::Value>& params) {
        bool found = false;
        host_.execute(sql, params, [&](const jiffy::ValuesView&) { found = true; });
        return found;
    };
    for (size_t i : stored_) {
        const Property& p = e_.properties[i];
        const Scalar& v = values[i];
        if (v.isNull) continue;
        if (!p.refTable.empty() && !exists("SELECT 1 FROM " + Sql::quote(p.refTable) + " WHERE " +
                                               Sql::quote(p.refColumn) + " = " + sql_.ph(1) + " LIMIT 1",
                                           {Sql::bind(v)}))
            return e_.table + "." + p.column + ": no " + p.refTable + " " + text(v);
        if (p.unique || p.index == "unique") {
            std::vector<jiffy::Value> params{Sql::bind(v)};
            std::string sql =
                "SELECT 1 FROM " + Sql::quote(e_.table) + " WHERE " + Sql::quote(p.column) + " = " + sql_.ph(1);
            if (self) {
                sql += " AND " + Sql::quote("id") + " <> " + sql_.ph(2);
                params.emplace_back(static_cast<long long>(*self));
            }
            if (exists(sql + " LIMIT 1", params)) return e_.table + "." + p.column + ": " + text(v) + " is taken";
        }
    }
    return e_.table + ": the values conflict with an existing row (a unique index or a reference)";
}

std::optional<Scalar> EntityService::columnValue(int64_t id, const std::string& column) const
{
    std::optional<Scalar> out;
    Kind kind = columnKind(column);
    host_.execute("SELECT " + Sql::quote(column) + " FROM " + Sql::quote(e_.table) + " WHERE " + Sql::quote("id") +
                      " = " + sql_.ph(1),
                  {static_cast<long long>(id)}, [&](const jiffy::ValuesView& r) {
                      Scalar s;
                      s.kind = kind;
                      const jiffy_value& v = r[0];
                      s.isNull = v.type == JIFFY_TYPE_NULL;
                      s.s = std::string(r.getText(0));
                      s.i = v.i;
                      s.b = v.i != 0;
                      s.d = v.type == JIFFY_TYPE_INT ? static_cast<double>(v.i) : v.d;
                      out = s;
                  });
    return out;
}

} // namespace jiffy::models
