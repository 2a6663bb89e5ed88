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

AuthStore::AuthStore(const DbInstance& db, jiffy_db_conn* conn)
    : db_(db), conn_(conn), usrColumns_("id, name, email, password_hash, created_on, updated_on, active, \"groups\"")
{
}

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

std::vector<UsrRow> AuthStore::selectUsrs(const std::string& tail, const Values& params)
{
    std::vector<UsrRow> out;
    exec("SELECT " + usrColumns_ + " FROM usr" + tail, params, [&](const jiffy::ValuesView& r) {
        UsrRow u;
        u.id = r.getInt(0);
        u.name = text(r, 1);
        u.email = text(r, 2);
        u.passwordHash = text(r, 3);
        u.createdOn = rfc3339(text(r, 4));
        u.updatedOn = rfc3339(text(r, 5));
        u.active = r.getInt(6) != 0;
        if (!r.isNull(7)) u.groups = text(r, 7);
        out.push_back(std::move(u));
    });
    return out;
}

std::optional<UsrRow> AuthStore::usrById(int64_t id)
{
    auto v = selectUsrs(" WHERE id = " + ph(1), {id});
    return v.empty() ? std::nullopt : std::optional<UsrRow>(v.front());
}

std::optional<UsrRow> AuthStore::usrByEmail(const std::string& email)
{
    auto v = selectUsrs(" WHERE email = " + ph(1), {email});
    return v.empty() ? std::nullopt : std::optional<UsrRow>(v.front());
}

std::vector<UsrRow> AuthStore::usrs()
{
    return selectUsrs(" ORDER BY id", {});
}

int64_t AuthStore::insertReturningId(const std::string& sql, const Values& params)
{
    if (!(db_.dialect().flags & JIFFY_DB_RETURNING)) return exec(sql, params).lastInsertId;
    int64_t id = 0;
    exec(sql + " RETURNING id", params, [&](const jiffy::ValuesView& r) { id = r.getInt(0); });
    return id;
}

int64_t AuthStore::insertUsr(const UsrRow& u)
{
    std::string t = now();
    return insertReturningId(
        "INSERT INTO usr (name, email, password_hash, created_on, updated_on, active, \"groups\") "
        "VALUES (" +
            ph(1) + ", " + ph(2) + ", " + ph(3) + ", " + ph(4) + ", " + ph(5) + ", " + ph(6) + ", " + ph(7) + ")",
        {u.name, u.email, u.passwordHash, t, t, u.active, u.groups ? jiffy::Value(*u.groups) : jiffy::Value()});
}

bool AuthStore::updateUsr(const UsrRow& u)
{
    return exec("UPDATE usr SET name = " + ph(1) + ", email = " + ph(2) + ", password_hash = " + ph(3) +
                    ", updated_on = " + ph(4) + ", active = " + ph(5) + ", \"groups\" = " + ph(6) +
                    " WHERE id = " + ph(7),
                {u.name, u.email, u.passwordHash, now(), u.active, u.groups ? jiffy::Value(*u.groups) : jiffy::Value(),
                 u.id})
               .rowsAffected > 0;
}

void AuthStore::setPasswordHash(int64_t id, const std::string& hash)
{
    exec("UPDATE usr SET password_hash = " + ph(1) + ", updated_on = " + ph(2) + " WHERE id = " + ph(3),
         {hash, now(), id});
}

bool AuthStore::deleteUsr(int64_t id)
{
    return deleteRow("usr", id);
}

bool AuthStore::deleteRow(const char* table, int64_t id)
{
    return exec(std::string("DELETE FROM ") + table + " WHERE id = " + ph(1), {id}).rowsAffected > 0;
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
    std::vector<GroupRow> out;
    Values params;
    exec("SELECT id, group_name, description FROM usrgroup" + where(f, params, "") + " ORDER BY id", params,
         [&](const jiffy::ValuesView& r) {
             out.push_back({r.getInt(0), text(r, 1), text(r, 2)});
         });
    return out;
}

std::optional<GroupRow> AuthStore::groupById(int64_t id)
{
    std::optional<GroupRow> out;
    exec("SELECT id, group_name, description FROM usrgroup WHERE id = " + ph(1), {id}, [&](const jiffy::ValuesView& r) {
        out = GroupRow{r.getInt(0), text(r, 1), text(r, 2)};
    });
    return out;
}

std::optional<GroupRow> AuthStore::groupByName(const std::string& name)
{
    std::optional<GroupRow> out;
    exec("SELECT id, group_name, description FROM usrgroup WHERE group_name = " + ph(1) + " ORDER BY id", {name},
         [&](const jiffy::ValuesView& r) {
             if (!out) out = GroupRow{r.getInt(0), text(r, 1), text(r, 2)};
         });
    return out;
}

int64_t AuthStore::insertGroup(const GroupRow& g)
{
    return insertReturningId("INSERT INTO usrgroup (group_name, description) VALUES (" + ph(1) + ", " + ph(2) + ")",
                             {g.name, g.description});
}

bool AuthStore::updateGroup(const GroupRow& g)
{
    return exec("UPDATE usrgroup SET group_name = " + ph(1) + ", description = " + ph(2) + " WHERE id = " + ph(3),
                {g.name, g.description, g.id})
               .rowsAffected > 0;
}

bool AuthStore::deleteGroup(int64_t id)
{
    return deleteRow("usrgroup", id);
}

std::vector<AuthRow> AuthStore::auths(const std::optional<StoreFilter>& f)
{
    std::vector<AuthRow> out;
    Values params;
    exec("SELECT id, auth_name, auth_type, description FROM auth" + where(f, params, "") + " ORDER BY id", params,
         [&](const jiffy::ValuesView& r) {
             out.push_back({r.getInt(0), text(r, 1), text(r, 2), text(r, 3)});
         });
    return out;
}

std::optional<AuthRow> AuthStore::authById(int64_t id)
{
    std::optional<AuthRow> out;
    exec("SELECT id, auth_name, auth_type, description FROM auth WHERE id = " + ph(1), {id},
         [&](const jiffy::ValuesView& r) {
             out = AuthRow{r.getInt(0), text(r, 1), text(r, 2), text(r, 3)};
         });
    return out;
}

int64_t AuthStore::insertAuth(const AuthRow& a)
{
    return insertReturningId("INSERT INTO auth (auth_name, auth_type, description) VALUES (" + ph(1) + ", " + ph(2) +
                                 ", " + ph(3) + ")",
                             {a.name, a.type, a.description});
}

bool AuthStore::updateAuth(const AuthRow& a)
{
    return exec("UPDATE auth SET auth_name = " + ph(1) + ", auth_type = " + ph(2) + ", description = " + ph(3) +
                    " WHERE id = " + ph(4),
                {a.name, a.type, a.description, a.id})
               .rowsAffected > 0;
}

bool AuthStore::deleteAuth(int64_t id)
{
    return deleteRow("auth", id);
}

std::vector<GroupAuthRow> AuthStore::groupAuths(const std::optional<StoreFilter>& f)
{
    std::vector<GroupAuthRow> out;
    Values params;
    std::string prefix = f && f->column == "group_id" ? "ga." : "a.";
    exec(std::string(kSelectGroupAuths) + where(f, params, prefix) + " ORDER BY ga.id", params,
         [&](const jiffy::ValuesView& r) { out.push_back(groupAuthOf(r)); });
    return out;
}

std::optional<GroupAuthRow> AuthStore::groupAuthById(int64_t id)
{
    std::optional<GroupAuthRow> out;
    exec(std::string(kSelectGroupAuths) + " WHERE ga.id = " + ph(1), {id},
         [&](const jiffy::ValuesView& r) { out = groupAuthOf(r); });
    return out;
}

int64_t AuthStore::insertGroupAuth(int64_t groupId, int64_t authId)
{
    return insertReturningId("INSERT INTO groupauth (group_id, auth_id) VALUES (" + ph(1) + ", " + ph(2) + ")",
                             {groupId, authId});
}

bool AuthStore::updateGroupAuth(const GroupAuthRow& ga)
{
    return exec("UPDATE groupauth SET group_id = " + ph(1) + ", auth_id = " + ph(2) + " WHERE id = " + ph(3),
                {ga.groupId, ga.authId, ga.id})
               .rowsAffected > 0;
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
