// Users, groups, grants, login and authorization over HTTP against a real
// jiffyd, as a jiffy client sees them. Derived fixtures pick the database;
// every test gets a fresh one.
#pragma once

#include "support/JiffydRunner.h"
#include "support/TestSupport.h"

#include <cppunit/extensions/HelperMacros.h>

#include <map>
#include <string>

class AuthApiTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(AuthApiTest);
    CPPUNIT_TEST(testFirstStartAdminLogsInAndListsLibraries);
    CPPUNIT_TEST(testProtectedRoutesWithoutAValidTokenAre401WithAnEmptyBody);
    CPPUNIT_TEST(testWrongPasswordAndUnknownEmailLookAlike);
    CPPUNIT_TEST(testUserCrud);
    CPPUNIT_TEST(testUserValidationUsesJiffysMessages);
    CPPUNIT_TEST(testGroupAuthAndGrantCrud);
    CPPUNIT_TEST(testStaticFiltersOfAuthEntities);
    CPPUNIT_TEST(testPerRouteAuthorization);
    CPPUNIT_TEST(testDeactivatedUserIsRefused);
    CPPUNIT_TEST(testGrantsChangedAtRunTimeApplyAtOnce);
    CPPUNIT_TEST(testDeactivationReachesEveryInstance);
    CPPUNIT_TEST(testJiffyHashIsTakenOver);
    CPPUNIT_TEST(testHashIsUpgradedOnLogin);
    CPPUNIT_TEST(testFailedLoginsAreThrottled);
    CPPUNIT_TEST(testPasswordCanBeChanged);
    CPPUNIT_TEST(testForgedTokensAre401);
    CPPUNIT_TEST(testRebuildSuperRestoresEveryGrant);
    CPPUNIT_TEST(testDestructiveResetNeedsConfirmation);
    CPPUNIT_TEST(testRegistrationCanBeClosed);
    CPPUNIT_TEST(testSelfRegistrationCannotMintAnAdmin);
    CPPUNIT_TEST(testSelfRegisteredUserReachesNoAdminRoute);
    CPPUNIT_TEST_SUITE_END_ABSTRACT();

public:
    void setUp() override;
    void tearDown() override { jiffyd_.stop(); }

    void testFirstStartAdminLogsInAndListsLibraries();
    void testProtectedRoutesWithoutAValidTokenAre401WithAnEmptyBody();
    void testWrongPasswordAndUnknownEmailLookAlike();
    void testUserCrud();
    void testUserValidationUsesJiffysMessages();
    void testGroupAuthAndGrantCrud();
    void testStaticFiltersOfAuthEntities();
    void testPerRouteAuthorization();
    void testDeactivatedUserIsRefused();
    void testGrantsChangedAtRunTimeApplyAtOnce();
    void testDeactivationReachesEveryInstance();
    void testJiffyHashIsTakenOver();
    void testHashIsUpgradedOnLogin();
    void testFailedLoginsAreThrottled();
    void testPasswordCanBeChanged();
    void testForgedTokensAre401();
    void testRebuildSuperRestoresEveryGrant();
    void testDestructiveResetNeedsConfirmation();
    void testRegistrationCanBeClosed();
    void testSelfRegistrationCannotMintAnAdmin();
    void testSelfRegisteredUserReachesNoAdminRoute();

protected:
    /// jiffy's `database` object (JSON) for a fresh, empty database.
    virtual std::string freshDatabase() = 0;
    /// Runs one SQL statement directly on that database (outside jiffyd).
    virtual void execSql(const std::string& sql) = 0;
    /// The result of a one-value query run directly on that database.
    virtual std::string querySql(const std::string& sql) = 0;

    /// The `logging` object of the config (a derived fixture logs at trace).
    virtual std::string loggingJson() const { return R"({"colorMsgTypes": false, "infoMsgs": true})"; }
    /// A bcrypt hash made by jiffy (its default pepper, cost 14) of "initpass".
    static const char* jiffyAdminHash();
    /// The config: library model, ES384 keys, fast bcrypt; `authExtra` goes into "auth".
    std::string config(const std::string& authExtra = "") const;
    void start(const std::string& authExtra = "", const std::vector<std::string>& args = {});
    /// Logs in; returns the token ("" when the login failed).
    std::string login(const std::string& email, const std::string& password);
    std::map<std::string, std::string> bearer(const std::string& token) const;
    /// Creates a user through the API as admin; returns its id.
    int64_t createUser(const std::string& admin, const std::string& email, const std::string& groups,
                       bool active = true);

    jiffy::test::TempDir dir_;
    std::string database_;
    jiffy::test::JiffydRunner jiffyd_{dir_};
};
