// SQL text derived from the model for the active dialect: identifiers are
// always quoted model names (never user input); values are always bound.
#pragma once

#include "Model.h"

#include <jiffy/plugin.hpp>

#include <string>

namespace jiffy::models {

class Sql {
public:
    explicit Sql(jiffy::Dialect d) : d_(std::move(d)) {}
    const jiffy::Dialect& dialect() const { return d_; }
    bool isPostgres() const { return d_.name == "postgres"; }
    bool isSqlite() const { return d_.name == "sqlite"; }
    bool isMysql() const { return d_.name == "mysql"; }
    /// INSERT/UPDATE ... RETURNING works; otherwise read the row back (by last_insert_id for an INSERT).
    bool returning() const { return (d_.flags & JIFFY_DB_RETURNING) != 0; }
    /// DDL is rolled back with its transaction; otherwise each DDL statement commits on its own.
    bool transactionalDdl() const { return (d_.flags & JIFFY_DB_TRANSACTIONAL_DDL) != 0; }

    /// "\"name\"" — model identifiers are [a-z0-9_], so quoting is exact.
    static std::string quote(const std::string& ident) { return "\"" + ident + "\""; }
    /// The placeholder of the n-th parameter (1-based).
    std::string ph(size_t n) const { return d_.placeholderFor(n); }
    /// Column type of a property (db_type wins).
    std::string columnType(const Property& p) const;
    /// SQL literal of a default value.
    static std::string literal(const Scalar& s);
    /// `"col" TYPE [NOT NULL] [UNIQUE] [DEFAULT x] [REFERENCES "t"("c")]`; `forAdd`
    /// leaves out what ALTER TABLE ADD COLUMN cannot take (UNIQUE: added as an index).
    std::string columnDefinition(const Property& p, bool forAdd) const;
    /// The normalized description kept in jiffy_model_columns to detect changes.
    std::string columnSignature(const Property& p) const;
    /// Value to bind for a scalar.
    static jiffy::Value bind(const Scalar& s);

private:
    jiffy::Dialect d_;
};

} // namespace jiffy::models
