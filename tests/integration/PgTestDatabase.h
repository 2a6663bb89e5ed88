// One PostgreSQL server for the whole test process (initdb takes seconds),
// and a fresh database per test.
#pragma once

#include "support/TestServers.h"

#include <cppunit/TestAssert.h>

#include <cstdlib>
#include <unistd.h>
#include <string>

class PgTestDatabase {
public:
    /// Creates a new empty database; returns jiffy's `database` object for it.
    std::string fresh()
    {
        static int n = 0;
        name_ = "t" + std::to_string(::getpid()) + "_" + std::to_string(++n);
        psql("postgres", "CREATE DATABASE " + name_);
        return "{\"db_dialect\": \"postgres\", \"host\": \"127.0.0.1\", \"port\": " + std::to_string(server().port()) +
               ", \"usr\": \"postgres\", \"password\": \"\", \"name\": \"" + name_ + "\"}";
    }
    /// Runs `sql` in the current test database.
    void exec(const std::string& sql) { psql(name_, sql); }
    /// The single value `sql` returns in the current test database.
    std::string query(const std::string& sql)
    {
        std::string out = psql(name_, sql);
        while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
        return out;
    }

private:
    static jiffy::test::PostgresServer& server()
    {
        static jiffy::test::PostgresServer s;
        static bool started = (s.start(), true);
        (void)started;
        return s;
    }

    std::string psql(const std::string& db, const std::string& sql)
    {
        jiffy::test::writeFile(dir_.file("q.sql"), sql + ";\n");
        std::string out = dir_.file("q.out");
        std::string cmd = "psql -X -q -t -A -v ON_ERROR_STOP=1 -h 127.0.0.1 -p " + std::to_string(server().port()) +
                          " -U postgres -d " + db + " -f " + dir_.file("q.sql") + " -o " + out + " 2>" +
                          dir_.file("q.err");
        int rc = std::system(cmd.c_str());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(cmd + "\n" + jiffy::test::readFile(dir_.file("q.err")), 0, rc);
        return jiffy::test::readFile(out);
    }

    jiffy::test::TempDir dir_;
    std::string name_;
};
