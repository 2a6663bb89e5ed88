// Creates the tables of a model on first start and migrates them on later
// starts, in one transaction: new entity → new table, new field → added
// column, new index → created. A change that could lose or invent data
// (a removed required column, a changed type, a required field without a
// default added to an existing table) is refused with a ModelError naming
// what to do; nothing is applied then. Where DDL is not transactional
// (MySQL: each DDL statement commits on its own) every problem is found in
// a first pass that changes nothing, each table or column is created by one
// statement with all its constraints, and a column whose bookkeeping row
// was lost to a failure in between is adopted on the next start.
#pragma once

#include "Model.h"
#include "Sql.h"

#include <jiffy/plugin.hpp>

#include <map>
#include <string>
#include <vector>

namespace jiffy::models {

class SchemaMigrator {
public:
    SchemaMigrator(const jiffy::Host& host, const Model& model, const Sql& sql);

    /// Brings the database in line with the model; returns what was done
    /// (for the log); throws ModelError when a change is unsafe.
    std::vector<std::string> migrate();

    /// What migrate() would do, found by reading only (the database may be
    /// opened read-only); throws ModelError when migrate() would refuse.
    std::vector<std::string> check();

    /// Entities ordered so that every foreign-key target comes first.
    static std::vector<size_t> creationOrder(const Model& model);

private:
    using Meta = std::map<std::string, std::map<std::string, std::string>>;
    Meta loadMeta(jiffy::Transaction& txn);
    std::vector<std::string> existingColumns(jiffy::Transaction& txn, const std::string& table);
    void createTable(jiffy::Transaction& txn, const Entity& e);
    void alterTable(jiffy::Transaction& txn, const Entity& e, const std::vector<std::string>& columns,
                    const std::map<std::string, std::string>& meta);
    void createIndexes(jiffy::Transaction& txn, const Entity& e);
    /// The signature an earlier version recorded for `p` (a string column with
    /// `"default": ""` got DEFAULT ''), or "" when there is none to accept.
    std::string legacySignature(const Property& p) const;
    void recordColumn(jiffy::Transaction& txn, const Entity& e, const Property& p, bool replace);
    /// Runs a statement that changes the database; skipped in the checking pass.
    void change(jiffy::Transaction& txn, const std::string& sql, const std::vector<jiffy::Value>& params);
    /// One pass over every entity: with `apply` false only reads and collects problems.
    void pass(jiffy::Transaction& txn, const std::vector<size_t>& order, bool apply);

    jiffy::Host host_; // a copy: two pointers, valid for the life of the instance
    const Model& model_;
    const Sql& sql_;
    std::vector<std::string> done_;
    std::vector<std::string> problems_;
    bool apply_ = true;
};

} // namespace jiffy::models
