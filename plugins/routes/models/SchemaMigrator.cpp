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
/// The named lock (GET_LOCK) doing the same on MySQL / MariaDB.
const char* kMysqlMigrationLock = "jiffy_model_migration";
/// How long a second instance waits for the first one's migration.
const long long kMysqlLockWaitS = 60;

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
    // A check changes nothing: no bookkeeping table yet means nothing recorded.
    if (!apply_) {
        if (existingColumns(txn, kMetaTable).empty()) return {};
    } else {
        txn.execute(std::string("CREATE TABLE IF NOT EXISTS ") + kMetaTable + " (table_name " + d.typeText +
                        " NOT NULL, column_name " + d.typeText + " NOT NULL, definition " + d.typeText +
                        " NOT NULL, PRIMARY KEY (table_name, column_name))",
                    {});
    }
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
    else if (sql_.isMysql())
        q = "SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = " +
            sql_.ph(1) + " ORDER BY ordinal_position";
    else
        jiffy::fail(JIFFY_UNSUPPORTED,
                    "the models plugin cannot inspect tables of dialect \"" + sql_.dialect().name + "\"");
    txn.execute(q, {table}, [&](const jiffy::ValuesView& r) { cols.emplace_back(r.getText(0)); });
    return cols;
}

void SchemaMigrator::recordColumn(jiffy::Transaction& txn, const Entity& e, const Property& p, bool replace)
{
    if (replace)
        change(txn,
               std::string("DELETE FROM ") + kMetaTable + " WHERE table_name = " + sql_.ph(1) +
                   " AND column_name = " + sql_.ph(2),
               {e.table, p.column});
    change(txn,
           std::string("INSERT INTO ") + kMetaTable + " (table_name, column_name, definition) VALUES (" + sql_.ph(1) +
               ", " + sql_.ph(2) + ", " + sql_.ph(3) + ")",
           {e.table, p.column, sql_.columnSignature(p)});
}

void SchemaMigrator::createTable(jiffy::Transaction& txn, const Entity& e)
{
    std::string ddl = "CREATE TABLE " + Sql::quote(e.table) + " (" + Sql::quote("id") + " " + sql_.dialect().primaryKey;
    for (const Property& p : e.properties)
        if (!p.noDb) ddl += ", " + sql_.columnDefinition(p, false);
    ddl += ")";
    // MySQL: the first id is a table option, so the table is complete in one statement.
    if (sql_.isMysql() && e.idStart && *e.idStart > 1) ddl += " AUTO_INCREMENT=" + std::to_string(*e.idStart);
    change(txn, ddl, {});
    for (const Property& p : e.properties)
        if (!p.noDb) recordColumn(txn, e, p, false);
    if (e.idStart && *e.idStart > 1) {
        if (sql_.isSqlite())
            change(txn, "INSERT INTO sqlite_sequence (name, seq) VALUES (" + sql_.ph(1) + ", " + sql_.ph(2) + ")",
                   {e.table, *e.idStart - 1});
        else if (sql_.isPostgres())
            change(txn, "SELECT setval(pg_get_serial_sequence(" + sql_.ph(1) + ", 'id'), " + sql_.ph(2) + ", false)",
                   {Sql::quote(e.table), *e.idStart});
    }
    done_.push_back("created table " + e.table);
}

std::string SchemaMigrator::legacySignature(const Property& p) const
{
    // Before empty defaults were dropped (as jiffy does), `"default": ""` on
    // a string made the column DEFAULT ''. Such a column is kept as it is: we
    // always write every column, so its database default is never used here.
    if (!p.emptyDefault || p.kind != Kind::String) return {};
    Property old = p;
    old.defaultValue = Scalar{};
    return sql_.columnSignature(old);
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
            } else if (m->second != sig && m->second != legacySignature(p)) {
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
                                " would have no value; give it a \"default\" or make it not required" +
                                (p.emptyDefault ? " (an empty \"default\" means none, as in jiffy)" : ""));
            continue;
        }
        // MySQL takes UNIQUE in ADD COLUMN: one statement, so a failure cannot leave the column without it.
        const bool inlineUnique = sql_.isMysql();
        change(txn, "ALTER TABLE " + Sql::quote(e.table) + " ADD COLUMN " + sql_.columnDefinition(p, !inlineUnique),
               {});
        if (p.unique && !inlineUnique)
            change(txn,
                   "CREATE UNIQUE INDEX " + Sql::quote("uq_" + e.table + "_" + p.column) + " ON " +
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
        change(txn,
               kind + Sql::quote("idx_" + e.table + "_" + p.column) + " ON " + t + " (" + Sql::quote(p.column) + ")",
               {});
    }
    for (const CompositeIndex& ci : e.compositeIndexes) {
        std::string cols;
        for (const auto& c : ci.columns) cols += (cols.empty() ? "" : ", ") + Sql::quote(c);
        change(txn, "CREATE INDEX IF NOT EXISTS " + Sql::quote(ci.name) + " ON " + t + " (" + cols + ")", {});
    }
}

void SchemaMigrator::change(jiffy::Transaction& txn, const std::string& sql, const std::vector<jiffy::Value>& params)
{
    if (apply_) txn.execute(sql, params);
}

void SchemaMigrator::pass(jiffy::Transaction& txn, const std::vector<size_t>& order, bool apply)
{
    apply_ = apply;
    done_.clear();
    problems_.clear();
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
}

std::vector<std::string> SchemaMigrator::migrate()
{
    std::vector<size_t> order = creationOrder(model_);
    jiffy::Transaction txn = host_.begin();
    if (sql_.isPostgres()) txn.execute("SELECT pg_advisory_xact_lock(" + sql_.ph(1) + ")", {kMigrationLock});
    // A MySQL named lock belongs to the session, not the transaction: it is
    // released before the connection goes back to the pool, whatever happens.
    struct NamedLock {
        jiffy::Transaction* txn = nullptr;
        std::string unlock;
        void release()
        {
            if (!txn) return;
            jiffy::Transaction* t = txn;
            txn = nullptr;
            try {
                t->execute(unlock, {kMysqlMigrationLock});
            } catch (...) {
                // a lost session released it anyway
            }
        }
        ~NamedLock() { release(); }
    } named;
    if (sql_.isMysql()) {
        int64_t got = 0;
        txn.execute("SELECT GET_LOCK(" + sql_.ph(1) + ", " + sql_.ph(2) + ")", {kMysqlMigrationLock, kMysqlLockWaitS},
                    [&](const jiffy::ValuesView& r) { got = r.getInt(0); });
        if (got != 1)
            jiffy::fail(JIFFY_TIMEOUT, "another instance has been migrating the schema for " +
                                           std::to_string(kMysqlLockWaitS) + " s (lock " + kMysqlMigrationLock + ")");
        named.txn = &txn;
        named.unlock = "SELECT RELEASE_LOCK(" + sql_.ph(1) + ")";
    }
    // Where DDL commits on its own, find every problem before changing anything.
    if (!sql_.transactionalDdl()) pass(txn, order, false);
    if (problems_.empty()) pass(txn, order, true);
    if (!problems_.empty()) {
        named.release();
        txn.rollback();
        throw ModelError(problems_);
    }
    named.release();
    txn.commit();
    return done_;
}

std::vector<std::string> SchemaMigrator::check()
{
    std::vector<size_t> order = creationOrder(model_);
    jiffy::Transaction txn = host_.begin();
    pass(txn, order, false);
    txn.rollback();
    if (!problems_.empty()) throw ModelError(problems_);
    return done_;
}

} // namespace jiffy::models
