// A server-backed suite's database hooks, served by a test database
// (PgTestDatabase, MariadbTestDatabase: one server per process, a fresh
// database per test). A fixture derives from OnTestDatabase<Suite, Db> and
// lists only what it adds.
#pragma once

#include <string>

template <class Suite, class Db> class OnTestDatabase : public Suite {
protected:
    std::string freshDatabase() override { return db_.fresh(); }
    std::string query(const std::string& sql) override { return db_.query(sql); }

    Db db_;
};
