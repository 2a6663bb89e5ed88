// `jiffyd --check-config` finds what the start would refuse — model files,
// a migration the start would refuse, a SQLite directory that does not
// exist, JWT key files — and writes nothing while it looks (SQLite).
#include "integration/CheckConfigTest.h"

#include <cppunit/extensions/HelperMacros.h>

#include <filesystem>

using jiffy::test::CheckConfigRunner;
using jiffy::test::contains;
using jiffy::test::TempDir;

class CheckConfigTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(CheckConfigTest);
    CPPUNIT_TEST(testMissingModelFile);
    CPPUNIT_TEST(testModelSyntaxErrorNamesLineAndColumn);
    CPPUNIT_TEST(testUnknownModelTypeListsTheValidOnes);
    CPPUNIT_TEST(testSqliteDirectoryMissing);
    CPPUNIT_TEST(testRefusedMigrationFoundWithoutWriting);
    CPPUNIT_TEST(testMissingPublicKeyFile);
    CPPUNIT_TEST(testGoodModelConfigIsOkAndCreatesNoDatabase);
    CPPUNIT_TEST_SUITE_END();

    TempDir dir_;
    CheckConfigRunner run_{dir_};

    static std::string sqlite(const std::string& file)
    {
        return "{\"db_dialect\": \"sqlite\", \"name\": \"" + file + "\"}";
    }
    std::string config(const std::string& name, const std::string& db, const std::string& modelFile,
                       const std::string& auth = "\"auth\": {\"enabled\": false}")
    {
        return run_.config(name, sqlite(db), modelFile, auth);
    }
    int check(const std::string& cfg, std::string& out) { return run_.check(cfg, out); }

public:
    void testMissingModelFile()
    {
        std::string out;
        {
            int rc = check(config("m.json", dir_.file("m.db"), dir_.file("nope.json")), out);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 78, rc);
        }
        CPPUNIT_ASSERT_MESSAGE(out, contains(out, "nope.json"));
        CPPUNIT_ASSERT_MESSAGE(out, !contains(out, "configuration OK"));
    }

    void testModelSyntaxErrorNamesLineAndColumn()
    {
        std::string model = dir_.file("bad-model.json");
        jiffy::test::writeFile(model,
                               "{\n  \"entities\": [\n    {\"typeName\": \"Thing\" \"properties\": {}}\n  ]\n}\n");
        std::string out;
        {
            int rc = check(config("s.json", dir_.file("s.db"), model), out);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 78, rc);
        }
        CPPUNIT_ASSERT_MESSAGE(out, contains(out, "bad-model.json:3:"));
    }

    void testUnknownModelTypeListsTheValidOnes()
    {
        std::string model = dir_.file("type-model.json");
        jiffy::test::writeFile(model, R"({"entities": [{"typeName": "Thing", "properties": {
            "Name": {"type": "strin", "required": true}}}]})");
        std::string out;
        {
            int rc = check(config("t.json", dir_.file("t.db"), model), out);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 78, rc);
        }
        CPPUNIT_ASSERT_MESSAGE(out, contains(out, "strin"));
        CPPUNIT_ASSERT_MESSAGE(out, contains(out, "int64"));
    }

    void testSqliteDirectoryMissing()
    {
        std::string db = dir_.file("no-such-dir/x.db");
        std::string out;
        {
            int rc = check(config("d.json", db, CheckConfigRunner::models() + "library_v1.json"), out);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 78, rc);
        }
        CPPUNIT_ASSERT_MESSAGE(out, contains(out, "does not exist"));
        CPPUNIT_ASSERT(!std::filesystem::exists(dir_.file("no-such-dir")));
    }

    void testRefusedMigrationFoundWithoutWriting()
    {
        std::string db = dir_.file("mig.db");
        run_.refusedMigrationFoundWithoutWriting(sqlite(db), [&] { return jiffy::test::readFile(db); });
    }

    void testMissingPublicKeyFile()
    {
        std::string keys = dir_.file("keys");
        std::string auth = "\"auth\": {\"enabled\": true}, \"jwt_sign_method\": \"ES384\", "
                           "\"ecdsa384_priv_key_file\": \"" +
                           keys + "/ec384.priv.pem\", \"ecdsa384_pub_key_file\": \"" + keys + "/ec384.pub.pem\"";
        std::string cfg = config("k.json", dir_.file("k.db"), CheckConfigRunner::models() + "library_v1.json", auth);
        std::string out;
        std::filesystem::create_directories(keys);
        {
            int rc = jiffy::test::runJiffydToEnd({"--generate-keys", "--config", cfg}, dir_.file("gen.log"), out);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 0, rc);
        }
        {
            int rc = check(cfg, out);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 0, rc);
        }
        std::filesystem::remove(keys + "/ec384.pub.pem");
        {
            int rc = check(cfg, out);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 78, rc);
        }
        CPPUNIT_ASSERT_MESSAGE(out, contains(out, "ec384.pub.pem"));
    }

    void testGoodModelConfigIsOkAndCreatesNoDatabase()
    {
        std::string db = dir_.file("fresh.db");
        std::string out;
        {
            int rc = check(config("g.json", db, CheckConfigRunner::models() + "library_v1.json"), out);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 0, rc);
        }
        CPPUNIT_ASSERT_MESSAGE(out, contains(out, "configuration OK"));
        CPPUNIT_ASSERT(!std::filesystem::exists(db));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CheckConfigTest);
