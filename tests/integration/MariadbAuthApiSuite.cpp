// The auth suite against MariaDB (one server per process, a fresh database
// per test), configured with jiffy's alias "mariadb" for the dialect, plus
// taking over the tables jiffy itself made on MySQL.
#include "AuthApiTest.h"
#include "MariadbTestDatabase.h"

using jiffy::test::contains;

class MariadbAuthApiTest : public AuthApiTest {
    CPPUNIT_TEST_SUB_SUITE(MariadbAuthApiTest, AuthApiTest);
    CPPUNIT_TEST(testJiffyMysqlTablesAreTakenOver);
    CPPUNIT_TEST_SUITE_END();

public:
    void testJiffyMysqlTablesAreTakenOver()
    {
        // The auth tables as jiffy's ORM (sqac) creates them on MySQL:
        // unsigned ids, varchar(255), TIMESTAMP, latin1; its admin and hash.
        const std::string table = ") ENGINE=InnoDB DEFAULT CHARSET=latin1; ";
        db_.exec("CREATE TABLE usr (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, name VARCHAR(255) NOT NULL, "
                 "email VARCHAR(255) NOT NULL, password_hash VARCHAR(255) NOT NULL, created_on TIMESTAMP NULL "
                 "DEFAULT CURRENT_TIMESTAMP, updated_on TIMESTAMP NULL DEFAULT CURRENT_TIMESTAMP, active BOOLEAN "
                 "NOT NULL DEFAULT TRUE, `groups` VARCHAR(255), PRIMARY KEY (id)" +
                 table + "CREATE UNIQUE INDEX idx_email ON usr (email); " +
                 "CREATE TABLE usrgroup (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, group_name VARCHAR(255) NOT "
                 "NULL, description VARCHAR(255) NOT NULL, PRIMARY KEY (id)" +
                 table +
                 "CREATE TABLE auth (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, auth_name VARCHAR(255) NOT NULL, "
                 "auth_type VARCHAR(255) NOT NULL, description VARCHAR(255) NOT NULL, PRIMARY KEY (id)" +
                 table +
                 "CREATE TABLE groupauth (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, group_id BIGINT UNSIGNED NOT "
                 "NULL, auth_id BIGINT UNSIGNED NOT NULL, PRIMARY KEY (id)" +
                 table + "INSERT INTO usr (name, email, password_hash, active, `groups`) VALUES ('Admin', 'admin', '" +
                 jiffyAdminHash() + "', TRUE, 'Super')");
        start();
        std::string admin = login("admin", "initpass");
        CPPUNIT_ASSERT_MESSAGE("jiffy's admin cannot log in", !admin.empty());
        auto u = jiffyd_.get("/usr/1", bearer(admin));
        CPPUNIT_ASSERT_MESSAGE(u.body, contains(u.body, "\"Email\":\"admin\""));
        // TIMESTAMP reads back as RFC 3339 in UTC.
        CPPUNIT_ASSERT_MESSAGE(u.body, contains(u.body, "\"created_on\":\"20") && contains(u.body, "Z\""));
        // The start wrote every grant into jiffy's tables, and new rows go there too.
        CPPUNIT_ASSERT(std::stoll(db_.query("SELECT count(*) FROM groupauth")) > 0);
        int64_t id = createUser(admin, "new@example.com", "Super");
        CPPUNIT_ASSERT_EQUAL(std::string("new@example.com"),
                             db_.query("SELECT email FROM usr WHERE id = " + std::to_string(id)));
        CPPUNIT_ASSERT(!login("new@example.com", "secret1").empty());
        CPPUNIT_ASSERT_EQUAL(std::string("1"), db_.query("SELECT count(*) FROM usr WHERE email = 'admin'"));
    }

protected:
    std::string freshDatabase() override { return db_.fresh("mariadb"); }
    void execSql(const std::string& sql) override { db_.exec(sql); }
    std::string querySql(const std::string& sql) override { return db_.query(sql); }

private:
    MariadbTestDatabase db_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(MariadbAuthApiTest);
