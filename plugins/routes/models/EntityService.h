// CRUD and queries for one entity through the host's DB API, answering with
// jiffy's JSON and status codes. SQL that does not depend on the request is
// built once here; per request only the WHERE/ORDER pieces of a filtered
// list are assembled, from validated model columns.
#pragma once

#include "Model.h"
#include "Query.h"
#include "Sql.h"

#include <jiffy/json.hpp>
#include <jiffy/plugin.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jiffy::models {

using jiffy::JsonWriter;

/// What a handler answers.
struct Reply {
    int status = 200;
    std::string_view contentType = "application/json"; ///< always a string literal
    std::string body;
};

/// `column op value` in a WHERE clause.
struct Condition {
    std::string column;
    Op op = Op::Eq;
    Scalar value;
};

class EntityService {
public:
    /// `strictBodies`: unknown fields in a body answer 400 (jiffy ignores them).
    EntityService(const jiffy::Host& host, const Entity& entity, const Sql& sql, bool strictBodies = false);

    const Entity& entity() const { return e_; }

    /// GET /<e>s[/filter][/$cmd]: 200 array (or the bare $count in application/text).
    Reply list(const std::vector<Condition>& where, const Commands& cmds, std::string_view base) const;
    /// The first row matching `where` as a single object with `status`, 404 when none.
    Reply first(const std::vector<Condition>& where, std::string_view base, const std::string& notFound,
                int status) const;
    /// POST /<e>: 201 with the stored entity.
    Reply create(std::string_view body, std::string_view base) const;
    /// GET /<e>/{id}: 201 (jiffy's code) or 404.
    Reply get(int64_t id, std::string_view base) const;
    /// PUT /<e>/{id}: full replacement, 201 or 404.
    Reply update(int64_t id, std::string_view body, std::string_view base) const;
    /// DELETE /<e>/{id}: 202 with an empty body, or 404.
    Reply remove(int64_t id) const;
    /// The value of `column` in row `id`; nullopt when the row does not exist.
    std::optional<Scalar> columnValue(int64_t id, const std::string& column) const;

    /// Kind of a column of this entity ("id" is an integer).
    Kind columnKind(const std::string& column) const;
    /// 404 reply "<entity> <id> not found".
    Reply notFound(int64_t id) const;

private:
    std::string where(const std::vector<Condition>& conds, std::vector<jiffy::Value>& params) const;
    /// Appends the JSON object of one row (id, href, properties in model order).
    void rowJson(const jiffy::ValuesView& row, std::string_view base, JsonWriter& w) const;
    /// Runs a statement returning whole rows and renders them as an array or a single object.
    size_t rows(const std::string& sql, const std::vector<jiffy::Value>& params, std::string_view base,
                JsonWriter& w) const;
    /// A stable message for a refused write: the missing reference or the
    /// taken unique value, found by asking the database (no driver text).
    std::string explainConflict(const std::vector<Scalar>& values, std::optional<int64_t> self) const;
    /// A stable message for a value the database refused, naming the field when its driver does.
    std::string explainInvalid(const std::string& driverMessage) const;
    Reply writeReply(const std::string& sql, std::vector<Scalar> values, std::optional<int64_t> id,
                     std::string_view base, int status) const;

    jiffy::Host host_; // a copy: two pointers, valid for the life of the instance
    const Entity& e_;
    const Sql& sql_;
    std::vector<size_t> stored_; ///< indexes of properties with a column
    std::string columns_;        ///< "\"id\", \"name\", ..."
    std::string selectAll_;      ///< SELECT <columns> FROM "t"
    std::string selectById_, insert_, update_, delete_, count_;
    std::string hrefPrefix_; ///< "/library/"
    bool strict_ = false;
};

} // namespace jiffy::models
