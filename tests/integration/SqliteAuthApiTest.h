// The auth suite's SQLite fixture: a new database file per test; direct SQL
// through the sqlite3 command-line shell. Registered in SqliteAuthApiSuite.cpp;
// other fixtures derive from it (SqliteAuthLogSuite.cpp).
#pragma once

#include "AuthApiTest.h"

#include <cstdio>
#include <cstdlib>

class SqliteAuthApiTest : public AuthApiTest {
    CPPUNIT_TEST_SUB_SUITE(SqliteAuthApiTest, AuthApiTest);
    CPPUNIT_TEST_SUITE_END();

protected:
    std::string freshDatabase() override
    {
        static int n = 0;
        file_ = dir_.file("auth" + std::to_string(++n) + ".db");
        return "{\"db_dialect\": \"sqlite\", \"name\": \"" + file_ + "\", \"synchronous\": \"NORMAL\"}";
    }

    void execSql(const std::string& sql) override
    {
        jiffy::test::writeFile(dir_.file("stmt.sql"), sql + ";\n");
        std::string cmd = "sqlite3 " + file_ + " < " + dir_.file("stmt.sql");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(cmd, 0, std::system(cmd.c_str()));
    }

    std::string querySql(const std::string& sql) override
    {
        execSql(".output " + dir_.file("out.txt") + "\n" + sql);
        std::string out = jiffy::test::readFile(dir_.file("out.txt"));
        while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
        return out;
    }

protected:
    std::string file_;
};
