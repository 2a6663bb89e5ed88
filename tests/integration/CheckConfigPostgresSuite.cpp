// `jiffyd --check-config` on PostgreSQL: a migration the start would refuse
// is found through a read-only connection, and nothing is written.
#include "integration/CheckConfigTest.h"
#include "integration/PgTestDatabase.h"

#include <cppunit/extensions/HelperMacros.h>

class CheckConfigPostgresTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(CheckConfigPostgresTest);
    CPPUNIT_TEST(testRefusedMigrationFoundWithoutWriting);
    CPPUNIT_TEST_SUITE_END();

    jiffy::test::TempDir dir_;
    PgTestDatabase pg_;

public:
    void testRefusedMigrationFoundWithoutWriting()
    {
        std::string db = pg_.fresh();
        // The schema as text: every column of every table, and the recorded definitions.
        auto snapshot = [&] {
            return pg_.query("SELECT string_agg(table_name || '.' || column_name || ':' || data_type, ',' ORDER BY "
                             "table_name, column_name) FROM information_schema.columns WHERE table_schema = "
                             "current_schema()") +
                   "|" +
                   pg_.query("SELECT string_agg(table_name || '.' || column_name || '=' || definition, ',' ORDER BY "
                             "table_name, column_name) FROM jiffy_model_columns");
        };
        jiffy::test::CheckConfigRunner(dir_).refusedMigrationFoundWithoutWriting(db, snapshot);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CheckConfigPostgresTest);
