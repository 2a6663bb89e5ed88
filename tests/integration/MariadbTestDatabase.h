// One MariaDB server for the whole test process (install-db takes seconds),
// and a fresh database per test.
#pragma once

#include "support/TestServers.h"

#include <string>
#include <unistd.h>

class MariadbTestDatabase {
public:
    /// Creates a new empty utf8mb4 database; returns jiffy's `database`
    /// object for it, with `dialect` "mysql" or its alias "mariadb".
    std::string fresh(const std::string& dialect = "mysql")
    {
        static int n = 0;
        name_ = "t" + std::to_string(::getpid()) + "_" + std::to_string(++n);
        server().sql("CREATE DATABASE " + name_ + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        return server().databaseConfig(dialect, name_);
    }
    /// Runs `sql` in the current test database.
    void exec(const std::string& sql) { server().sql(sql, name_); }
    /// The single value `sql` returns in the current test database.
    std::string query(const std::string& sql)
    {
        std::string out = server().sql(sql, name_);
        while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
        return out;
    }

private:
    static jiffy::test::MariadbServer& server()
    {
        static jiffy::test::MariadbServer s;
        static bool started = (s.start(), true);
        (void)started;
        return s;
    }

    std::string name_;
};
