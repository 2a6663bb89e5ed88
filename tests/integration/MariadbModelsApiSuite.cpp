// The REST API suite against MariaDB (one server per process, a fresh
// database per test), plus what non-transactional DDL asks of migrations.
#include "MariadbTestDatabase.h"
#include "ModelsApiTest.h"
#include "OnTestDatabase.h"

using jiffy::test::contains;

class MariadbModelsApiTest : public OnTestDatabase<ModelsApiTest, MariadbTestDatabase> {
    CPPUNIT_TEST_SUB_SUITE(MariadbModelsApiTest, ModelsApiTest);
    CPPUNIT_TEST(testUnsafeChangeAppliesNoSafeOneEither);
    CPPUNIT_TEST(testMigrationCutShortAfterItsDdlIsCompletedOnNextStart);
    CPPUNIT_TEST(testTablesAreInnodbUtf8mb4);
    CPPUNIT_TEST(testHelloRouteCountsWithoutReturning);
    CPPUNIT_TEST_SUITE_END();

public:
    void testUnsafeChangeAppliesNoSafeOneEither()
    {
        start({"tests/data/models/library_v1.json"});
        create("/library", R"({"name":"Old","city":"Town"})");
        stop();
        // v2's new column and table are safe, the required Code without a default is not.
        expectStartRefused({"tests/data/models/library_v2_unsafe.json"}, "new required field Code has no default");
        // DDL would have committed on its own: the checking pass kept every change out.
        CPPUNIT_ASSERT_EQUAL(std::string("0"), db_.query("SELECT count(*) FROM information_schema.columns WHERE "
                                                         "table_schema = DATABASE() AND table_name = 'library' AND "
                                                         "column_name = 'phone'"));
        CPPUNIT_ASSERT_EQUAL(std::string("0"), db_.query("SELECT count(*) FROM information_schema.tables WHERE "
                                                         "table_schema = DATABASE() AND table_name = 'member'"));
        start({"tests/data/models/library_v1.json"});
        CPPUNIT_ASSERT_EQUAL(std::string("1"), get("/librarys/$count").body);
    }

    void testMigrationCutShortAfterItsDdlIsCompletedOnNextStart()
    {
        start({"tests/data/models/library_v1.json"});
        create("/library", R"({"name":"Old","city":"Town"})");
        stop();
        // What a migration to v2 leaves when it dies after its DDL (which
        // committed at once) but before its bookkeeping rows: the column and
        // the table exist, jiffy_model_columns knows neither.
        db_.exec("ALTER TABLE library ADD COLUMN `phone` VARCHAR(255)");
        db_.exec("CREATE TABLE member (id BIGINT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL UNIQUE)");
        start({"tests/data/models/library_v2.json"});
        CPPUNIT_ASSERT_EQUAL(std::string("1"), db_.query("SELECT count(*) FROM jiffy_model_columns WHERE table_name "
                                                         "= 'library' AND column_name = 'phone'"));
        CPPUNIT_ASSERT_EQUAL(std::string("1"), db_.query("SELECT count(*) FROM jiffy_model_columns WHERE table_name "
                                                         "= 'member' AND column_name = 'email'"));
        // Book.pages was not reached before the cut: this start added it.
        CPPUNIT_ASSERT_EQUAL(std::string("1"), db_.query("SELECT count(*) FROM information_schema.columns WHERE "
                                                         "table_schema = DATABASE() AND table_name = 'book' AND "
                                                         "column_name = 'pages'"));
        int64_t id = create("/library", R"({"name":"New","city":"City","phone":"555"})");
        CPPUNIT_ASSERT(contains(get("/library/" + std::to_string(id)).body, "\"phone\":\"555\""));
        create("/member", R"({"email":"a@b.c"})");
        CPPUNIT_ASSERT_EQUAL(409, post("/member", R"({"email":"a@b.c"})").status);
        stop();
        // And the next start finds nothing left to do.
        start({"tests/data/models/library_v2.json"});
        CPPUNIT_ASSERT_EQUAL(std::string("2"), get("/librarys/$count").body);
    }

    void testTablesAreInnodbUtf8mb4()
    {
        start({"tests/data/models/library_v1.json"});
        CPPUNIT_ASSERT_EQUAL(std::string("0"),
                             db_.query("SELECT count(*) FROM information_schema.tables WHERE table_schema = "
                                       "DATABASE() AND (engine <> 'InnoDB' OR table_collation NOT LIKE 'utf8mb4%')"));
        int64_t id = create("/library", "{\"name\":\"Z\xc3\xbcrich \xf0\x9f\x93\x9a\",\"city\":\"C\"}");
        CPPUNIT_ASSERT(contains(get("/library/" + std::to_string(id)).body, "Z\xc3\xbcrich \xf0\x9f\x93\x9a"));
    }

    void testHelloRouteCountsWithoutReturning()
    {
        const std::string cfg =
            "{\"database\": " + database_ + ", \"auth\": {\"enabled\": false}, \"routes\": [{\"plugin\": \"hello\"}]}";
        for (int round = 1; round <= 2; ++round) {
            jiffyd_.start(cfg); // the second start finds its counter row already there
            for (int i = 1; i <= 2; ++i) {
                auto r = get("/hello");
                CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
                CPPUNIT_ASSERT_EQUAL(
                    "{\"message\":\"hello, world\",\"count\":" + std::to_string((round - 1) * 2 + i) + "}", r.body);
            }
            stop();
        }
    }

protected:
    size_t maxTextLength() const override { return 255; } // the dialect's VARCHAR(255), as jiffy declares strings
};

CPPUNIT_TEST_SUITE_REGISTRATION(MariadbModelsApiTest);
