#include "SchemaMigrator.h"

#include "ModelParser.h"

#include <algorithm>
#include <functional>
#include <set>

namespace jiffy::models {
namespace {

const char* kMetaTable = "jiffy_model_columns";
/// Arbitrary constant naming the advisory lock that serializes migrations of
/// several jiffyd instances starting together on one PostgreSQL database.
const long long kMigrationLock = 0x6a69666679LL;

} // namespace

SchemaMigrator::SchemaMigrator(const jiffy::Host& host, const Model& model, const Sql& sql)
    : host_(host), model_(model), sql_(sql)
{
}

std::vector<size_t> SchemaMigrator::creationOrder(const Model& model)
{
    std::vector<size_t> order;
    std::vector<int> state(model.entities.size(), 0); // 0 new, 1 visiting, 2 done
    std::function<void(size_t)> visit = [&](size_t i) {
        if (state[i] == 2) return;
        if (state[i] == 1)
            throw ModelError(
                {model.entities[i].path + ": foreign keys form a cycle through " + model.entities[i].typeName});
        state[i] = 1;
        for (const Property& p : model.entities[i].properties) {
            if (p.refTable.empty()) continue;
            int to = model.entityByName(p.refEntity);
            if (to >= 0 && static_cast<size_t>(to) != i) visit(static_cast<size_t>(to));
        }
        state[i] = 2;
        order.push_back(i);
    };
    for (size_t i = 0; i < model.entities.size(); ++i) visit(i);
    return order;
}

SchemaMigrator::Meta SchemaMigrator::loadMeta(jiffy::Transaction& txn)
{
    const auto& d = sql_.dialect();
    txn.execute(std::string("CREATE TABLE IF NOT EXISTS ") + kMetaTable + " (table_name " + d.typeText +
                    " NOT NULL, column_name " + d.typeText + " NOT NULL, definition " + d.typeText +
                    " NOT NULL, PRIMARY KEY (table_name, column_name))",
                {});
    Meta meta;
    txn.execute(std::string("SELECT table_name, column_name, definition FROM ") + kMetaTable, {},
                [&](const jiffy::ValuesView& r) {
                    meta[std::string(r.getText(0))][std::string(r.getText(1))] = std::string(r.getText(2));
                });
    return meta;
}

std::vector<std::string> SchemaMigrator::existingColumns(jiffy::Transaction& txn, const std::string& table)
{
    std::vector<std::string> cols;
    std::string q;
    if (sql_.isPostgres())
        q = "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND "
            "table_name = " +
            sql_.ph(1) + " ORDER BY ordinal_position";
    else if (sql_.isSqlite())
        q = "SELECT name FROM pragma_table_info(" + sql_.ph(1) + ")";
    else
        jiffy::fail(JIFFY_UNSUPPORTED,
                    "the models plugin cannot inspect tables of dialect \"" + sql_.dialect().name + "\"");
    txn.execute(q, {table}, [&](const jiffy::ValuesView& r) { cols.emplace_back(r.getText(0)); });
    return cols;
}

void SchemaMigrator::recordColumn(jiffy::Transaction& txn, const Entity& e, const Property& p, bool replace)
{
    if (replace)
        txn.execute(std::string("DELETE FROM ") + kMetaTable + " WHERE table_name = " + sql_.ph(1) +
                        " AND column_name = " + sql_.ph(2),
                    {e.table, p.column});
    txn.execute(std::string("INSERT INTO ") + kMetaTable + " (table_name, column_name, definition) VALUES (" +
                    sql_.ph(1) + ", " + sql_.ph(2) + ", " + sql_.ph(3) + ")",
                {e.table, p.column, sql_.columnSignature(p)});
}

void SchemaMigrator::createTable(jiffy::Transaction& txn, const Entity& e)
{
    std::string ddl = "CREATE TABLE " + Sql::quote(e.table) + " (" + Sql::quote("id") + " " + sql_.dialect().primaryKey;
    for (const Property& p : e.properties)
        if (!p.noDb) ddl += ", " + sql_.columnDefinition(p, false);
    txn.execute(ddl + ")", {});
    for (const Property& p : e.properties)
        if (!p.noDb) recordColumn(txn, e, p, false);
    if (e.idStart && *e.idStart > 1) {
        if (sql_.isSqlite())
            txn.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (" + sql_.ph(1) + ", " + sql_.ph(2) + ")",
                        {e.table, *e.idStart - 1});
        else if (sql_.isPostgres())
            txn.execute("SELECT setval(pg_get_serial_sequence(" + sql_.ph(1) + ", 'id'), " + sql_.ph(2) + ", false)",
                        {Sql::quote(e.table), *e.idStart});
    }
    done_.push_back("created table " + e.table);
}

void SchemaMigrator::alterTable(jiffy::Transaction& txn, const Entity& e, const std::vector<std::string>& columns,
                                const std::map<std::string, std::string>& meta)
{
    std::set<std::string> have(columns.begin(), columns.end());
    for (const Property& p : e.properties) {
        if (p.noDb) continue;
        std::string sig = sql_.columnSignature(p);
        if (have.count(p.column)) {
            auto m = meta.find(p.column);
            if (m == meta.end()) {
                recordColumn(txn, e, p, false);
                done_.push_back("adopted existing column " + e.table + "." + p.column + " as " + sig);
            } else if (m->second != sig) {
                problems_.push_back(p.path + ": column " + e.table + "." + p.column + " was created as \"" + m->second +
                                    "\" and the model now says \"" + sig +
                                    "\"; Jiffy C++ does not change existing columns (data could be lost): alter the "
                                    "column by hand, then delete its row from " +
                                    kMetaTable);
            }
            continue;
        }
        if (p.required && !p.defaultValue) {
            problems_.push_back(p.path + ": new required field " + p.name +
                                " has no default, so the existing rows of " + e.table +
                                " would have no value; give it a \"default\" or make it not required");
            continue;
        }
        txn.execute("ALTER TABLE " + Sql::quote(e.table) + " ADD COLUMN " + sql_.columnDefinition(p, true), {});
        if (p.unique)
            txn.execute("CREATE UNIQUE INDEX " + Sql::quote("uq_" + e.table + "_" + p.column) + " ON " +
                            Sql::quote(e.table) + " (" + Sql::quote(p.column) + ")",
                        {});
        recordColumn(txn, e, p, false);
        done_.push_back("added column " + e.table + "." + p.column);
    }
    for (const std::string& c : columns) {
        if (c == "id" || e.propertyByColumn(c) >= 0) continue;
        auto m = meta.find(c);
        bool required = m != meta.end() && m->second.find("; required") != std::string::npos &&
                        m->second.find("; default=") == std::string::npos;
        if (required)
            problems_.push_back(e.path + ": column " + e.table + "." + c +
                                " is no longer in the model but is NOT NULL without a default, so inserts would fail; "
                                "put the field back, or drop the column by hand (its data will be lost)");
        else
            done_.push_back("kept column " + e.table + "." + c + " that the model no longer has (its data stays)");
    }
}

void SchemaMigrator::createIndexes(jiffy::Transaction& txn, const Entity& e)
{
    const std::string t = Sql::quote(e.table);
    for (const Property& p : e.properties) {
        if (p.noDb || p.index.empty()) continue;
        std::string kind = p.index == "unique" ? "CREATE UNIQUE INDEX IF NOT EXISTS " : "CREATE INDEX IF NOT EXISTS ";
        txn.execute(
            kind + Sql::quote("idx_" + e.table + "_" + p.column) + " ON " + t + " (" + Sql::quote(p.column) + ")", {});
    }
    for (const CompositeIndex& ci : e.compositeIndexes) {
        std::string cols;
        for (const auto& c : ci.columns) cols += (cols.empty() ? "" : ", ") + Sql::quote(c);
        txn.execute("CREATE INDEX IF NOT EXISTS " + Sql::quote(ci.name) + " ON " + t + " (" + cols + ")", {});
    }
}

std::vector<std::string> SchemaMigrator::migrate()
{
    done_.clear();
    problems_.clear();
    std::vector<size_t> order = creationOrder(model_);
    jiffy::Transaction txn = host_.begin();
    if (sql_.isPostgres()) txn.execute("SELECT pg_advisory_xact_lock(" + sql_.ph(1) + ")", {kMigrationLock});
    Meta meta = loadMeta(txn);
    for (size_t i : order) {
        const Entity& e = model_.entities[i];
        std::vector<std::string> cols = existingColumns(txn, e.table);
        if (cols.empty())
            createTable(txn, e);
        else
            alterTable(txn, e, cols, meta[e.table]);
        createIndexes(txn, e);
    }
    if (!problems_.empty()) {
        txn.rollback();
        throw ModelError(problems_);
    }
    txn.commit();
    return done_;
}

} // namespace jiffy::models
