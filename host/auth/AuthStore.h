// jiffy's auth tables (usr, usrgroup, auth, groupauth) in the active
// database, with jiffy's column names so a jiffy database is taken over as
// it is. All SQL of the auth layer lives here; values are always bound.
// Auth has this small store of its own rather than the models plugin's
// EntityService because the host must serve (and lock down) these tables
// with no routes plugin loaded, and a plugin's code cannot be linked into the host.
#pragma once

#include "plugins/DbInstance.h"

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

namespace jiffy::host::auth {

struct UsrRow {
    int64_t id = 0;
    std::string name, email, passwordHash, createdOn, updatedOn;
    bool active = false;
    std::optional<std::string> groups;
};

struct GroupRow {
    int64_t id = 0;
    std::string name, description;
};

struct AuthRow {
    int64_t id = 0;
    std::string name, type, description;
};

struct GroupAuthRow {
    int64_t id = 0;
    int64_t groupId = 0, authId = 0;
    std::string groupName, authName, authType, description; ///< filled by a join on read
};

/// `column OP value` for the static filters of the auth entities.
struct StoreFilter {
    std::string column;   ///< a known column of the table (validated by the caller)
    std::string op;       ///< "=", "!=", "<", ">", "LIKE"
    bool integer = false; ///< compare with `number`, else with `text`
    int64_t number = 0;
    std::string text;
};

class AuthStore {
public:
    /// Statements go to `conn` (a transaction's connection) when given, else
    /// to the plugin's pool.
    explicit AuthStore(const DbInstance& db, jiffy_db_conn* conn = nullptr);

    const DbInstance& db() const { return db_; }

    /// CREATE TABLE/INDEX IF NOT EXISTS for the four tables.
    void createTables();
    /// Drops the auth tables and `others` (jiffy's -dr).
    void dropTables(const std::vector<std::string>& others);
    /// Tables the models plugin recorded (jiffy_model_columns), for -dr.
    std::vector<std::string> modelTables();

    std::optional<UsrRow> usrById(int64_t id);
    std::optional<UsrRow> usrByEmail(const std::string& email);
    std::vector<UsrRow> usrs();
    int64_t insertUsr(const UsrRow& u);
    bool updateUsr(const UsrRow& u);
    void setPasswordHash(int64_t id, const std::string& hash);
    bool deleteUsr(int64_t id);

    std::vector<GroupRow> groups(const std::optional<StoreFilter>& f = std::nullopt);
    std::optional<GroupRow> groupById(int64_t id);
    std::optional<GroupRow> groupByName(const std::string& name);
    int64_t insertGroup(const GroupRow& g);
    bool updateGroup(const GroupRow& g);
    bool deleteGroup(int64_t id);

    std::vector<AuthRow> auths(const std::optional<StoreFilter>& f = std::nullopt);
    std::optional<AuthRow> authById(int64_t id);
    int64_t insertAuth(const AuthRow& a);
    bool updateAuth(const AuthRow& a);
    bool deleteAuth(int64_t id);

    std::vector<GroupAuthRow> groupAuths(const std::optional<StoreFilter>& f = std::nullopt);
    std::optional<GroupAuthRow> groupAuthById(int64_t id);
    int64_t insertGroupAuth(int64_t groupId, int64_t authId);
    bool updateGroupAuth(const GroupAuthRow& ga);
    bool deleteGroupAuth(int64_t id);
    int64_t deleteGroupAuthsOfGroup(int64_t groupId);

    /// Ids of active users, and (group name, auth name) grants: the authorization caches.
    std::vector<int64_t> activeUsrIds();
    std::vector<std::pair<std::string, std::string>> grants();

    /// Current time as stored in created_on/updated_on (RFC 3339, UTC; without
    /// the zone suffix on MySQL, whose DATETIME refuses one).
    std::string now() const;

private:
    jiffy::ExecResult exec(std::string_view sql, const std::vector<jiffy::Value>& params,
                           const std::function<void(const jiffy::ValuesView&)>& onRow = {}) const;
    std::string ph(size_t n) const;
    std::string where(const std::optional<StoreFilter>& f, std::vector<jiffy::Value>& params,
                      const std::string& prefix) const;
    int64_t insertReturningId(const std::string& sql, const std::vector<jiffy::Value>& params);
    /// Deletes row `id` of `table`; false when there was none.
    bool deleteRow(const char* table, int64_t id);
    /// INSERT INTO `table` (`columns`) with `values` bound in order; the new id.
    int64_t insertRow(const char* table, std::initializer_list<const char*> columns,
                      const std::vector<jiffy::Value>& values);
    /// UPDATE `table` SET each of `columns` WHERE id: `values` are the columns' then the id;
    /// false when there was no such row.
    bool updateRow(const char* table, std::initializer_list<const char*> columns,
                   const std::vector<jiffy::Value>& values);
    /// Runs a SELECT and makes a Row of each result row.
    template <class Row>
    std::vector<Row> select(const std::string& sql, const std::vector<jiffy::Value>& params,
                            Row (*rowOf)(const jiffy::ValuesView&)) const
    {
        std::vector<Row> out;
        exec(sql, params, [&](const jiffy::ValuesView& r) { out.push_back(rowOf(r)); });
        return out;
    }

    const DbInstance& db_;
    jiffy_db_conn* conn_;
};

} // namespace jiffy::host::auth
