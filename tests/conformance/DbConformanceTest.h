// One conformance suite for every DB plugin: typed parameters and rows,
// NULLs, transactions, constraint errors, new ids (RETURNING or
// last_insert_id, as the dialect says), concurrency. A derived
// fixture makes the database (a temp SQLite file, a PostgreSQL server).
#pragma once

#include "plugins/DbInstance.h"
#include "support/TestSupport.h"

#include <cppunit/extensions/HelperMacros.h>

#include <memory>
#include <string>
#include <vector>

class DbConformanceTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(DbConformanceTest);
    CPPUNIT_TEST(testTypesRoundTrip);
    CPPUNIT_TEST(testNullsRoundTrip);
    CPPUNIT_TEST(testExpressionsKeepTheirType);
    CPPUNIT_TEST(testParametersAreNeverInterpolated);
    CPPUNIT_TEST(testInsertReportsTheNewId);
    CPPUNIT_TEST(testAffectedRowsAreCounted);
    CPPUNIT_TEST(testEmptyResultAnnouncesColumns);
    CPPUNIT_TEST(testTransactionCommits);
    CPPUNIT_TEST(testTransactionRollsBack);
    CPPUNIT_TEST(testFailedStatementInTransactionCanRollBack);
    CPPUNIT_TEST(testUniqueViolationIsConflict);
    CPPUNIT_TEST(testNotNullViolationIsInvalid);
    CPPUNIT_TEST(testForeignKeyViolationIsConflict);
    CPPUNIT_TEST(testSyntaxErrorIsInvalid);
    CPPUNIT_TEST(testWrongParameterCountIsInvalid);
    CPPUNIT_TEST(testConcurrentInsertsAllLand);
    CPPUNIT_TEST(testHealthIsOk);
    CPPUNIT_TEST_SUITE_END_ABSTRACT();

public:
    void setUp() override;
    void tearDown() override;

    void testTypesRoundTrip();
    void testNullsRoundTrip();
    void testExpressionsKeepTheirType();
    void testParametersAreNeverInterpolated();
    void testInsertReportsTheNewId();
    void testAffectedRowsAreCounted();
    void testEmptyResultAnnouncesColumns();
    void testTransactionCommits();
    void testTransactionRollsBack();
    void testFailedStatementInTransactionCanRollBack();
    void testUniqueViolationIsConflict();
    void testNotNullViolationIsInvalid();
    void testForeignKeyViolationIsConflict();
    void testSyntaxErrorIsInvalid();
    void testWrongParameterCountIsInvalid();
    void testConcurrentInsertsAllLand();
    void testHealthIsOk();

protected:
    virtual std::unique_ptr<jiffy::host::DbInstance> makeDb() = 0;

    /// A table name unique to this test run.
    std::string table(const std::string& base) const { return base + "_" + suffix_; }
    /// "?" or "$n" for the n-th parameter.
    std::string ph(size_t n) const;
    /// Creates `name` with an auto-increment id and the given column list.
    void createTable(const std::string& name, const std::string& columns);
    /// Runs an INSERT and returns the new row's id: with RETURNING where the
    /// dialect has it, else from last_insert_id (same connection).
    int64_t insertId(const std::string& insert, const std::vector<jiffy::Value>& params);
    /// A transaction begun on `db` (asserted to begin).
    static jiffy_db_conn* beginOn(const jiffy::host::DbInstance& db);
    /// The first column of the last row as an integer (-1 without rows).
    static int64_t intOf(const jiffy::host::DbInstance& db, const std::string& sql,
                         const std::vector<jiffy::Value>& params = {});
    /// Status of a statement expected to fail.
    jiffy_status statusOf(const std::string& sql, const std::vector<jiffy::Value>& params = {});

    jiffy::test::PluginHarness harness_;
    std::unique_ptr<jiffy::host::DbInstance> db_;
    std::string suffix_;
    std::vector<std::string> created_;
};
