#include "auth/AuthStore.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>

namespace jiffy::host::auth {
namespace {

using Values = std::vector<jiffy::Value>;

std::string text(const jiffy::ValuesView& r, size_t i)
{
    return std::string(r.getText(i));
}

/// created_on as jiffy prints it (RFC 3339), whatever form the database returned.
std::string rfc3339(std::string s)
{
    if (s.size() > 10 && s[10] == ' ') s[10] = 'T';
    if (s.size() > 3 && (s.compare(s.size() - 3, 3, "+00") == 0))
        s.replace(s.size() - 3, 3, "Z");
    else if (s.size() > 6 && s.compare(s.size() - 6, 6, "+00:00") == 0)
        s.replace(s.size() - 6, 6, "Z");
    else if (s.size() == 19)
        s += "Z";
    return s;
}

/// Group grants with the names and type filled in by joins (jiffy's GroupAuth JSON).
const char* kSelectGroupAuths =
    "SELECT ga.id, ga.group_id, ga.auth_id, COALESCE(g.group_name, ''), COALESCE(a.auth_name, ''), "
    "COALESCE(a.auth_type, ''), COALESCE(a.description, '') FROM groupauth ga "
    "LEFT JOIN usrgroup g ON g.id = ga.group_id LEFT JOIN auth a ON a.id = ga.auth_id";

const char* kSelectGroups = "SELECT id, group_name, description FROM usrgroup";
const char* kSelectAuths = "SELECT id, auth_name, auth_type, description FROM auth";
const char* kSelectUsrs = "SELECT id, name, email, password_hash, created_on, updated_on, active, \"groups\" FROM usr";

GroupRow groupOf(const jiffy::ValuesView& r)
{
    return {r.getInt(0), text(r, 1), text(r, 2)};
}

AuthRow authOf(const jiffy::ValuesView& r)
{
    return {r.getInt(0), text(r, 1), text(r, 2), text(r, 3)};
}

UsrRow usrOf(const jiffy::ValuesView& r)
{
    UsrRow u;
    u.id = r.getInt(0);
    u.name = text(r, 1);
    u.email = text(r, 2);
    u.passwordHash = text(r, 3);
    u.createdOn = rfc3339(text(r, 4));
    u.updatedOn = rfc3339(text(r, 5));
    u.active = r.getInt(6) != 0;
    if (!r.isNull(7)) u.groups = text(r, 7);
    return u;
}

template <class Row> std::optional<Row> first(std::vector<Row> rows)
{
    return rows.empty() ? std::nullopt : std::optional<Row>(std::move(rows.front()));
}

jiffy::Value nullable(const std::optional<std::string>& s)
{
    return s ? jiffy::Value(*s) : jiffy::Value();
}

GroupAuthRow groupAuthOf(const jiffy::ValuesView& r)
{
    GroupAuthRow g;
    g.id = r.getInt(0);
    g.groupId = r.getInt(1);
    g.authId = r.getInt(2);
    g.groupName = text(r, 3);
    g.authName = text(r, 4);
    g.authType = text(r, 5);
    g.description = text(r, 6);
    return g;
}

} // namespace

AuthStore::AuthStore(const DbInstance& db, jiffy_db_conn* conn) : db_(db), conn_(conn) {}

jiffy::ExecResult AuthStore::exec(std::string_view sql, const std::vector<jiffy::Value>& params,
                                  const std::function<void(const jiffy::ValuesView&)>& onRow) const
{
    return db_.execute(sql, params, onRow, conn_);
}

std::string AuthStore::ph(size_t n) const
{
    return db_.dialect().placeholder == JIFFY_PLACEHOLDER_DOLLAR ? "$" + std::to_string(n) : "?";
}

std::string AuthStore::now() const
{
    // MySQL's DATETIME refuses a zone suffix; its sessions run in UTC (see plugins/db/mysql).
    const bool zoneless = std::string_view(db_.dialect().name) == "mysql";
    return Poco::DateTimeFormatter::format(Poco::Timestamp(),
                                           zoneless ? "%Y-%m-%dT%H:%M:%S.%i" : "%Y-%m-%dT%H:%M:%S.%iZ");
}

void AuthStore::createTables()
{
    const jiffy_db_dialect& d = db_.dialect();
    const std::string pk = d.primary_key, txt = d.type_text, i64 = d.type_int, ts = d.type_timestamp, b = d.type_bool;
    exec("CREATE TABLE IF NOT EXISTS usr (id " + pk + ", name " + txt + " NOT NULL, email " + txt +
             " NOT NULL, password_hash " + txt + " NOT NULL, created_on " + ts +
             " NOT NULL DEFAULT CURRENT_TIMESTAMP, updated_on " + ts + " NOT NULL DEFAULT CURRENT_TIMESTAMP, active " +
             b + " NOT NULL DEFAULT FALSE, \"groups\" " + txt + ")",
         {});
    exec("CREATE UNIQUE INDEX IF NOT EXISTS idx_usr_email ON usr (email)", {});
    exec("CREATE TABLE IF NOT EXISTS usrgroup (id " + pk + ", group_name " + txt + " NOT NULL, description " + txt +
             " NOT NULL)",
         {});
    exec("CREATE INDEX IF NOT EXISTS idx_usrgroup_group_name ON usrgroup (group_name)", {});
    exec("CREATE TABLE IF NOT EXISTS auth (id " + pk + ", auth_name " + txt + " NOT NULL, auth_type " + txt +
             " NOT NULL, description " + txt + " NOT NULL)",
         {});
    exec("CREATE INDEX IF NOT EXISTS idx_auth_auth_name ON auth (auth_name)", {});
    exec("CREATE TABLE IF NOT EXISTS groupauth (id " + pk + ", group_id " + i64 + " NOT NULL, auth_id " + i64 +
             " NOT NULL)",
         {});
    exec("CREATE INDEX IF NOT EXISTS idx_groupauth_group_id ON groupauth (group_id)", {});
}

std::vector<std::string> AuthStore::modelTables()
{
    std::vector<std::string> tables;
    try {
        exec("SELECT DISTINCT table_name FROM jiffy_model_columns", {},
             [&](const jiffy::ValuesView& r) { tables.push_back(text(r, 0)); });
    } catch (const Poco::Exception&) {
        // no models plugin has run against this database
    }
    return tables;
}

void AuthStore::dropTables(const std::vector<std::string>& others)
{
    std::vector<std::string> all = others;
    for (const char* t : {"groupauth", "auth", "usrgroup", "usr", "jiffy_model_columns"}) all.emplace_back(t);
    // Each drop on its own: with foreign keys between model tables the
    // order is retried until nothing more can be dropped.
    for (int pass = 0; pass < 5 && !all.empty(); ++pass) {
        std::vector<std::string> left;
        for (const auto& t : all) {
            try {
                exec("DROP TABLE IF EXISTS \"" + t + "\"", {});
            } catch (const Poco::Exception&) {
                left.push_back(t);
            }
        }
        all.swap(left);
    }
    if (!all.empty()) throw Poco::DataException("could not drop table " + all.front());
}

std::optional<UsrRow> AuthStore::usrById(int64_t id)
{
    return first(select(kSelectUsrs + std::string(" WHERE id = ") + ph(1), {id}, usrOf));
}

std::optional<UsrRow> AuthStore::usrByEmail(const std::string& email)
{
    return first(select(kSelectUsrs + std::string(" WHERE email = ") + ph(1), {email}, usrOf));
}

std::vector<UsrRow> AuthStore::usrs()
{
    return select(kSelectUsrs + std::string(" ORDER BY id"), {}, usrOf);
}

int64_t AuthStore::insertReturningId(const std::string& sql, const Values& params)
{
    if (!(db_.dialect().flags & JIFFY_DB_RETURNING)) return exec(sql, params).lastInsertId;
    int64_t id = 0;
    exec(sql + " RETURNING id", params, [&](const jiffy::ValuesView& r) { id = r.getInt(0); });
    return id;
}

int64_t AuthStore::insertRow(const char* table, std::initializer_list<const char*> columns, const Values& values)
{
    std::string names, marks;
    size_t n = 0;
    for (const char* c : columns) {
        names += std::string(n ? ", " : "") + c;
        marks += (n ? ", " : "") + ph(n + 1);
        ++n;
    }
    return insertReturningId(std::string("INSERT INTO ") + table + " (" + names + ") VALUES (" + marks + ")", values);
}

bool AuthStore::updateRow(const char* table, std::initializer_list<const char*> columns, const Values& values)
{
    std::string sets;
    size_t n = 0;
    for (const char* c : columns) {
        sets += std::string(n ? ", " : "") + c + " = " + ph(n + 1);
        ++n;
    }
    return exec(std::string("UPDATE ") + table + " SET " + sets + " WHERE id = " + ph(n + 1), values).rowsAffected > 0;
}

bool AuthStore::deleteRow(const char* table, int64_t id)
{
    return exec(std::string("DELETE FROM ") + table + " WHERE id = " + ph(1), {id}).rowsAffected > 0;
}

int64_t AuthStore::insertUsr(const UsrRow& u)
{
    std::string t = now();
    return insertRow("usr", {"name", "email", "password_hash", "created_on", "updated_on", "active", "\"groups\""},
                     {u.name, u.email, u.passwordHash, t, t, u.active, nullable(u.groups)});
}

bool AuthStore::updateUsr(const UsrRow& u)
{
    return updateRow("usr", {"name", "email", "password_hash", "updated_on", "active", "\"groups\""},
                     {u.name, u.email, u.passwordHash, now(), u.active, nullable(u.groups), u.id});
}

void AuthStore::setPasswordHash(int64_t id, const std::string& hash)
{
    updateRow("usr", {"password_hash", "updated_on"}, {hash, now(), id});
}

bool AuthStore::deleteUsr(int64_t id)
{
    return deleteRow("usr", id);
}

std::string AuthStore::where(const std::optional<StoreFilter>& f, Values& params, const std::string& prefix) const
{
    if (!f) return "";
    params.push_back(f->integer ? jiffy::Value(static_cast<long long>(f->number))
                                : jiffy::Value(std::string_view(f->text)));
    std::string sql = " WHERE " + prefix + f->column + " " + f->op + " " + ph(params.size());
    if (f->op == "LIKE") sql += " ESCAPE '\\'";
    return sql;
}

std::vector<GroupRow> AuthStore::groups(const std::optional<StoreFilter>& f)
{
    Values params;
    std::string sql = kSelectGroups + where(f, params, "") + " ORDER BY id";
    return select(sql, params, groupOf);
}

std::optional<GroupRow> AuthStore::groupById(int64_t id)
{
    return first(select(kSelectGroups + std::string(" WHERE id = ") + ph(1), {id}, groupOf));
}

std::optional<GroupRow> AuthStore::groupByName(const std::string& name)
{
    return first(select(kSelectGroups + std::string(" WHERE group_name = ") + ph(1) + " ORDER BY id", {name}, groupOf));
}

int64_t AuthStore::insertGroup(const GroupRow& g)
{
    return insertRow("usrgroup", {"group_name", "description"}, {g.name, g.description});
}

bool AuthStore::updateGroup(const GroupRow& g)
{
    return updateRow("usrgroup", {"group_name", "description"}, {g.name, g.description, g.id});
}

bool AuthStore::deleteGroup(int64_t id)
{
    return deleteRow("usrgroup", id);
}

std::vector<AuthRow> AuthStore::auths(const std::optional<StoreFilter>& f)
{
    Values params;
    std::string sql = kSelectAuths + where(f, params, "") + " ORDER BY id";
    return select(sql, params, authOf);
}

std::optional<AuthRow> AuthStore::authById(int64_t id)
{
    return first(select(kSelectAuths + std::string(" WHERE id = ") + ph(1), {id}, authOf));
}

int64_t AuthStore::insertAuth(const AuthRow& a)
{
    return insertRow("auth", {"auth_name", "auth_type", "description"}, {a.name, a.type, a.description});
}

bool AuthStore::updateAuth(const AuthRow& a)
{
    return updateRow("auth", {"auth_name", "auth_type", "description"}, {a.name, a.type, a.description, a.id});
}

bool AuthStore::deleteAuth(int64_t id)
{
    return deleteRow("auth", id);
}

std::vector<GroupAuthRow> AuthStore::groupAuths(const std::optional<StoreFilter>& f)
{
    Values params;
    std::string prefix = f && f->column == "group_id" ? "ga." : "a.";
    std::string sql = kSelectGroupAuths + where(f, params, prefix) + " ORDER BY ga.id";
    return select(sql, params, groupAuthOf);
}

std::optional<GroupAuthRow> AuthStore::groupAuthById(int64_t id)
{
    return first(select(kSelectGroupAuths + std::string(" WHERE ga.id = ") + ph(1), {id}, groupAuthOf));
}

int64_t AuthStore::insertGroupAuth(int64_t groupId, int64_t authId)
{
    return insertRow("groupauth", {"group_id", "auth_id"}, {groupId, authId});
}

bool AuthStore::updateGroupAuth(const GroupAuthRow& ga)
{
    return updateRow("groupauth", {"group_id", "auth_id"}, {ga.groupId, ga.authId, ga.id});
}

bool AuthStore::deleteGroupAuth(int64_t id)
{
    return deleteRow("groupauth", id);
}

int64_t AuthStore::deleteGroupAuthsOfGroup(int64_t groupId)
{
    return exec("DELETE FROM groupauth WHERE group_id = " + ph(1), {groupId}).rowsAffected;
}

std::vector<int64_t> AuthStore::activeUsrIds()
{
    std::vector<int64_t> ids;
    exec("SELECT id FROM usr WHERE active = " + ph(1), {true},
         [&](const jiffy::ValuesView& r) { ids.push_back(r.getInt(0)); });
    return ids;
}

std::vector<std::pair<std::string, std::string>> AuthStore::grants()
{
    std::vector<std::pair<std::string, std::string>> out;
    exec("SELECT g.group_name, a.auth_name FROM groupauth ga JOIN usrgroup g ON g.id = ga.group_id "
         "JOIN auth a ON a.id = ga.auth_id",
         {}, [&](const jiffy::ValuesView& r) { out.emplace_back(text(r, 0), text(r, 1)); });
    return out;
}

} // namespace jiffy::host::auth
