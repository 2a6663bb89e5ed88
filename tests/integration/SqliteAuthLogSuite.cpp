// Every auth flow of the auth suite again, with logging at trace (all of
// jiffy's switches on, call locations, the request log, SQL logging), and
// after each test every log line of every jiffyd it ran is searched for the
// passwords the flows used, tokens, password hashes and Authorization
// headers: none may appear.
#include "SqliteAuthApiTest.h"

#include <Poco/DirectoryIterator.h>

#include <cstdio>
#include <sstream>

using jiffy::test::contains;

class SqliteAuthLogTest : public SqliteAuthApiTest {
    CPPUNIT_TEST_SUB_SUITE(SqliteAuthLogTest, SqliteAuthApiTest);
    CPPUNIT_TEST(testTraceLogCapturesTheAuthFlows);
    CPPUNIT_TEST_SUITE_END();

public:
    void tearDown() override
    {
        SqliteAuthApiTest::tearDown();      // stops jiffyd: every line is written
        std::vector<std::string> secrets = {// the passwords the auth suite sends (shorter ones could be port numbers)
                                            "secret1", "n3w-secret", "nope!!", "guess!", "wrong!!", "123456",
                                            // body fragments, tokens (a JWT starts with base64url of {"), headers
                                            "\"password\"", "new_password", "eyJ", "Bearer ", "Authorization:",
                                            // bcrypt and argon2 hashes
                                            "$2a$", "$2b$", "$2y$", "$argon2"};
        for (const auto& h : storedHashes()) secrets.push_back(h);
        int files = 0;
        for (Poco::DirectoryIterator it(dir_.path()), end; it != end; ++it) {
            if (it.name().size() < 4 || it.name().compare(it.name().size() - 4, 4, ".log") != 0) continue;
            ++files;
            std::istringstream in(jiffy::test::readFile(it->path()));
            for (std::string line; std::getline(in, line);) {
                for (const auto& s : secrets)
                    CPPUNIT_ASSERT_MESSAGE(it.name() + " has \"" + s + "\" in: " + line, !contains(line, s));
                // The built-in default password is named only by the warning to change it.
                CPPUNIT_ASSERT_MESSAGE(it.name() + ": " + line,
                                       !contains(line, "initpass") || contains(line, "default password"));
            }
        }
        CPPUNIT_ASSERT_MESSAGE("no jiffyd log in " + dir_.path(), files > 0);
    }

    /// Shows the scan above reads real, trace-level logs of the flows.
    void testTraceLogCapturesTheAuthFlows()
    {
        start();
        std::string admin = login("admin", "initpass");
        CPPUNIT_ASSERT(!admin.empty());
        CPPUNIT_ASSERT_EQUAL(200, jiffyd_.get("/usrs", bearer(admin)).status);
        std::string log = jiffyd_.log();
        CPPUNIT_ASSERT_MESSAGE(log, contains(log, "jiffyd.request: POST /usr/login 200 "));
        CPPUNIT_ASSERT_MESSAGE(log, contains(log, "jiffyd.request: GET /usrs 200 "));
        CPPUNIT_ASSERT_MESSAGE(log, contains(log, "jiffyd.db/sqlite: sql: ")); // statements, with bound values
    }

protected:
    std::string loggingJson() const override
    {
        return R"({"colorMsgTypes": false, "infoMsgs": true, "warningMsgs": true, "errorMsgs": true,)"
               R"( "debugMsgs": true, "traceMsgs": true, "callLocation": true, "requests": true})";
    }

    std::string freshDatabase() override
    {
        std::string db = SqliteAuthApiTest::freshDatabase();
        return db.substr(0, db.rfind('}')) + ", \"ormLogActive\": true}";
    }

private:
    /// The hashes in the test's database, if it still has a usr table.
    std::vector<std::string> storedHashes()
    {
        std::vector<std::string> out;
        const std::string cmd = "sqlite3 " + file_ + " 'SELECT password_hash FROM usr' 2>/dev/null";
        for (std::string& h : jiffy::test::nonEmptyLines(jiffy::test::commandOutput(cmd)))
            if (h.size() >= 20) out.push_back(std::move(h));
        return out;
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SqliteAuthLogTest);
