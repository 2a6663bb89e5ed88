// The REST API that the models plugin serves from jiffy model files, driven
// over HTTP against a real jiffyd. Derived fixtures pick the database
// (SQLite file, PostgreSQL server); every test gets a fresh database.
#pragma once

#include "support/JiffydRunner.h"
#include "support/TestSupport.h"

#include <cppunit/extensions/HelperMacros.h>

#include <string>
#include <vector>

class ModelsApiTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ModelsApiTest);
    CPPUNIT_TEST(testCrudRoundTrip);
    CPPUNIT_TEST(testListsHaveHrefsWithTheEntitySegment);
    CPPUNIT_TEST(testEmptyListIsAnArray);
    CPPUNIT_TEST(testCountIsBareText);
    CPPUNIT_TEST(testCommandsPageAndOrder);
    CPPUNIT_TEST(testEveryFilterOperator);
    CPPUNIT_TEST(testFilterFollowedByCommands);
    CPPUNIT_TEST(testOperatorNotSelectableIs400);
    CPPUNIT_TEST(testHasManyRelation);
    CPPUNIT_TEST(testBelongsToAndHasOneRelations);
    CPPUNIT_TEST(testMissingEntityIs404);
    CPPUNIT_TEST(testUniqueViolationIs409);
    CPPUNIT_TEST(testForeignKeyViolationIs409);
    CPPUNIT_TEST(testUnknownBodyFieldsAreIgnoredUnlessStrict);
    CPPUNIT_TEST(testMissingRequiredFieldIs400NamingIt);
    CPPUNIT_TEST(testWrongJsonTypeIs400NamingIt);
    CPPUNIT_TEST(testMalformedJsonIs400);
    CPPUNIT_TEST(testBodyOverLimitIs413);
    CPPUNIT_TEST(testUnknownKeysAreIgnored);
    CPPUNIT_TEST(testOptionalNullFieldsAreOmitted);
    CPPUNIT_TEST(testInjectionAttemptsAreHarmless);
    CPPUNIT_TEST(testConcurrentWritersLoseNothing);
    CPPUNIT_TEST(testMigrationAddsColumnsAndTablesAndKeepsData);
    CPPUNIT_TEST(testUnsafeMigrationIsRefusedAndNothingApplied);
    CPPUNIT_TEST(testInactiveEntityIsNotServed);
    CPPUNIT_TEST(testRelationRoutesFollowTheFromEntity);
    CPPUNIT_TEST(testEmptyDefaultIsNoDefault);
    CPPUNIT_TEST(testColumnWithAnOldEmptyDefaultStillStarts);
    CPPUNIT_TEST(testMissingAndZeroFieldsOnPutAndPost);
    CPPUNIT_TEST(testIdStartAndNoDbField);
    CPPUNIT_TEST(testOpenApiDescribesTheRoutes);
    CPPUNIT_TEST(testRouteErrors);
    CPPUNIT_TEST_SUITE_END_ABSTRACT();

public:
    void setUp() override;
    void tearDown() override;

    void testCrudRoundTrip();
    void testListsHaveHrefsWithTheEntitySegment();
    void testEmptyListIsAnArray();
    void testCountIsBareText();
    void testCommandsPageAndOrder();
    void testEveryFilterOperator();
    void testFilterFollowedByCommands();
    void testOperatorNotSelectableIs400();
    void testHasManyRelation();
    void testBelongsToAndHasOneRelations();
    void testMissingEntityIs404();
    void testUniqueViolationIs409();
    void testForeignKeyViolationIs409();
    void testUnknownBodyFieldsAreIgnoredUnlessStrict();
    void testMissingRequiredFieldIs400NamingIt();
    void testWrongJsonTypeIs400NamingIt();
    void testMalformedJsonIs400();
    void testBodyOverLimitIs413();
    void testUnknownKeysAreIgnored();
    void testOptionalNullFieldsAreOmitted();
    void testInjectionAttemptsAreHarmless();
    void testConcurrentWritersLoseNothing();
    void testMigrationAddsColumnsAndTablesAndKeepsData();
    void testUnsafeMigrationIsRefusedAndNothingApplied();
    void testInactiveEntityIsNotServed();
    void testRelationRoutesFollowTheFromEntity();
    void testEmptyDefaultIsNoDefault();
    void testColumnWithAnOldEmptyDefaultStillStarts();
    void testMissingAndZeroFieldsOnPutAndPost();
    void testIdStartAndNoDbField();
    void testOpenApiDescribesTheRoutes();
    void testRouteErrors();

protected:
    /// jiffy's `database` object (JSON) for a fresh, empty database.
    virtual std::string freshDatabase() = 0;
    /// Characters a plain string field holds at most; 0 = no limit (MySQL's VARCHAR(255) has one).
    virtual size_t maxTextLength() const { return 0; }
    /// Runs `sql` directly in the test database (behind jiffyd's back); returns the single value it selects.
    virtual std::string query(const std::string& sql) = 0;

    /// Starts jiffyd serving `models` (paths under the source tree); `extra` is
    /// added to the config object. Waits for /healthz.
    void start(const std::vector<std::string>& models, const std::string& extra = "");
    /// Runs jiffyd serving `models` until it exits: asserts that it refused
    /// to start (non-zero exit) and that its log says `why`.
    void expectStartRefused(const std::vector<std::string>& models, const std::string& why);
    void stop() { jiffyd_.stop(); }

    jiffy::test::HttpResult get(const std::string& path) { return jiffyd_.get(path); }
    jiffy::test::HttpResult post(const std::string& path, const std::string& body) { return jiffyd_.post(path, body); }
    jiffy::test::HttpResult put(const std::string& path, const std::string& body) { return jiffyd_.put(path, body); }
    jiffy::test::HttpResult del(const std::string& path) { return jiffyd_.del(path); }
    /// POST that must answer 201; returns the new id.
    int64_t create(const std::string& path, const std::string& body);
    std::string base() const { return jiffyd_.base(); }

    jiffy::test::TempDir dir_;
    std::string database_;
    jiffy::test::JiffydRunner jiffyd_{dir_};

private:
    std::string config(const std::vector<std::string>& models, const std::string& extra) const;
};
