// Model files: every feature parses into the right structure, and every
// kind of malformed file is refused naming the file and the JSON path.
#include "ModelParser.h"
#include "Naming.h"
#include "RouteTable.h"
#include "SchemaMigrator.h"
#include "Sql.h"
#include "support/TestSupport.h"

#include <cppunit/extensions/HelperMacros.h>

using jiffy::test::contains;

using namespace jiffy::models;

namespace {

std::string problemsOf(const std::string& json)
{
    try {
        parseModels({{"m.json", json}});
    } catch (const ModelError& e) {
        return e.what();
    }
    return "";
}

std::string entity(const std::string& props, const std::string& extra = "")
{
    return R"({"entities": [{"typeName": "Thing", "properties": {)" + props + "}" + extra + "}]}";
}

} // namespace

class ModelParserTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ModelParserTest);
    CPPUNIT_TEST(testSnakeCaseFollowsJiffy);
    CPPUNIT_TEST(testSampleModelsParse);
    CPPUNIT_TEST(testFeaturesAreResolved);
    CPPUNIT_TEST(testPropertiesKeepFileOrder);
    CPPUNIT_TEST(testRouteNamesFollowJiffy);
    CPPUNIT_TEST(testForeignKeyTargetsComeFirst);
    CPPUNIT_TEST(testMalformedJsonNamesTheFile);
    CPPUNIT_TEST(testMissingEntitiesIsRefused);
    CPPUNIT_TEST(testUnknownTypeNamesItsPath);
    CPPUNIT_TEST(testWrongJsonTypeNamesItsPath);
    CPPUNIT_TEST(testSnakeCasePropertyNameIsRefused);
    CPPUNIT_TEST(testReservedNamesAreRefused);
    CPPUNIT_TEST(testBadDefaultIsRefused);
    CPPUNIT_TEST(testEmptyDefaultIsNoDefault);
    CPPUNIT_TEST(testUnknownOperatorIsRefused);
    CPPUNIT_TEST(testRelationToUnknownEntityIsRefused);
    CPPUNIT_TEST(testRelationWithoutKeyIsRefused);
    CPPUNIT_TEST(testForeignKeyToNonUniqueFieldIsRefused);
    CPPUNIT_TEST(testHalfForeignKeyIsRefused);
    CPPUNIT_TEST(testDuplicateEntityIsRefused);
    CPPUNIT_TEST(testUnsafeDbTypeIsRefused);
    CPPUNIT_TEST(testUnknownKeysOnlyWarn);
    CPPUNIT_TEST(testMissingFileIsRefused);
    CPPUNIT_TEST(testColumnDefinitionsPerDialect);
    CPPUNIT_TEST_SUITE_END();

public:
    void testSnakeCaseFollowsJiffy()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("library_id"), snakeCase("LibraryID"));
        CPPUNIT_ASSERT_EQUAL(std::string("valid_license"), snakeCase("validLicense"));
        CPPUNIT_ASSERT_EQUAL(std::string("registration_number"), snakeCase("RegistrationNumber"));
        CPPUNIT_ASSERT_EQUAL(std::string("http_code"), snakeCase("HTTPCode"));
        CPPUNIT_ASSERT_EQUAL(std::string("id"), snakeCase("ID"));
        CPPUNIT_ASSERT_EQUAL(std::string("name"), snakeCase("name"));
        CPPUNIT_ASSERT_EQUAL(std::string("pet_owner_id"), snakeCase("PetOwnerID"));
        CPPUNIT_ASSERT_EQUAL(std::string("address2"), snakeCase("address2"));
    }

    void testSampleModelsParse()
    {
        for (const char* f : {"/config/models/library.json", "/tests/data/models/features.json",
                              "/tests/data/models/library_v1.json", "/tests/data/models/library_v2.json"}) {
            ParseResult r = loadModelFiles({jiffy::test::sourceDir() + f});
            CPPUNIT_ASSERT_MESSAGE(f, !r.model.entities.empty());
        }
    }

    void testFeaturesAreResolved()
    {
        ParseResult r = loadModelFiles({jiffy::test::sourceDir() + "/tests/data/models/features.json"});
        const Model& m = r.model;
        CPPUNIT_ASSERT_EQUAL(size_t(4), m.entities.size());
        const Entity& owner = m.entities[0];
        CPPUNIT_ASSERT_EQUAL(std::string("owner"), owner.table);
        CPPUNIT_ASSERT_EQUAL(std::string("owners"), owner.plural);
        CPPUNIT_ASSERT_EQUAL(int64_t(1000), owner.idStart.value_or(0));
        const Property& reg = owner.properties[1];
        CPPUNIT_ASSERT_EQUAL(std::string("registration_number"), reg.column);
        CPPUNIT_ASSERT(reg.kind == Kind::Int && reg.max == 4294967295LL && reg.unique);
        CPPUNIT_ASSERT(owner.properties[6].noDb);
        CPPUNIT_ASSERT_EQUAL(std::string("Calgary"), owner.properties[2].defaultValue->s);
        CPPUNIT_ASSERT_EQUAL(std::string("idx_owner_name_city"), owner.compositeIndexes[0].name);
        // relations: hasOne Owner→Car via car.owner_id, belongsTo Dog→Owner via dog.owner_id
        CPPUNIT_ASSERT(owner.relations[0].type == RelType::HasOne);
        CPPUNIT_ASSERT_EQUAL(std::string("id"), owner.relations[0].fromColumn);
        CPPUNIT_ASSERT_EQUAL(std::string("owner_id"), owner.relations[0].toColumn);
        const Relation& toOwner = m.entities[2].relations[0];
        CPPUNIT_ASSERT(toOwner.type == RelType::BelongsTo);
        CPPUNIT_ASSERT_EQUAL(std::string("owner_id"), toOwner.fromColumn);
        CPPUNIT_ASSERT_EQUAL(std::string("id"), toOwner.toColumn);
        CPPUNIT_ASSERT_EQUAL(std::string("toowner"), toOwner.route);
        // foreign keys
        const Property& breed = m.entities[2].properties[2];
        CPPUNIT_ASSERT_EQUAL(std::string("breed"), breed.refTable);
        CPPUNIT_ASSERT_EQUAL(std::string("code"), breed.refColumn);
        CPPUNIT_ASSERT_EQUAL(std::string("varchar(40)"), m.entities[1].properties[0].dbType);
        // LIKE is dropped for numbers, kept for strings
        CPPUNIT_ASSERT_EQUAL(size_t(3), reg.ops.size());
        CPPUNIT_ASSERT(owner.properties[0].ops.back() == Op::Like);
    }

    void testPropertiesKeepFileOrder()
    {
        ParseResult r = parseModels({{"m.json", entity(R"("Zeta": {"type": "string"}, "Alpha": {"type": "int"})")}});
        CPPUNIT_ASSERT_EQUAL(std::string("zeta"), r.model.entities[0].properties[0].column);
        CPPUNIT_ASSERT_EQUAL(std::string("alpha"), r.model.entities[0].properties[1].column);
    }

    void testRouteNamesFollowJiffy()
    {
        ParseResult r = loadModelFiles({jiffy::test::sourceDir() + "/config/models/library.json"});
        RouteTable t(r.model, {true, true}, false);
        std::set<std::string> names;
        for (const auto& route : t.routes()) names.insert(route.method + " " + route.pattern + " " + route.name);
        for (const char* expected : {"GET /librarys library.GET_SET", "GET /librarys/${cmd} library.GET_SET_CMD",
                                     "POST /library library.CREATE", "GET /library/{id:int} library.GET_ID",
                                     "PUT /library/{id:int} library.UPDATE", "DELETE /library/{id:int} library.DELETE",
                                     "GET /librarys/name({expr}) library.STATICFLTR_ByName",
                                     "GET /librarys/city({expr})/${cmd} library.STATICFLTR_CMD_ByCity",
                                     "GET /library/{library_id:int}/tobooks library.REL_tobooks",
                                     "GET /library/{library_id:int}/tobooks/${cmd} library.REL_CMD_tobooks",
                                     "GET /library/{library_id:int}/tobooks/{book_id:int} library.REL_tobooks_id",
                                     "GET /book/{book_id:int}/tolibrary book.REL_tolibrary",
                                     "GET /book/{book_id:int}/tolibrary/{library_id:int} book.REL_tolibrary_id",
                                     "GET /books/library_id({expr}) book.STATICFLTR_ByLibraryID",
                                     "GET /books/hardcover({expr}) book.STATICFLTR_ByHardcover"})
            CPPUNIT_ASSERT_MESSAGE(expected, names.count(expected));
        RouteTable onlyBooks(r.model, {false, true}, false);
        for (const auto& route : onlyBooks.routes()) CPPUNIT_ASSERT(route.name.rfind("book.", 0) == 0);
    }

    void testForeignKeyTargetsComeFirst()
    {
        ParseResult r = loadModelFiles({jiffy::test::sourceDir() + "/tests/data/models/features.json"});
        std::vector<size_t> order = SchemaMigrator::creationOrder(r.model);
        auto pos = [&](size_t e) { return std::find(order.begin(), order.end(), e) - order.begin(); };
        CPPUNIT_ASSERT(pos(0) < pos(1)); // owner before car
        CPPUNIT_ASSERT(pos(3) < pos(2)); // breed before dog
    }

    void testMalformedJsonNamesTheFile()
    {
        CPPUNIT_ASSERT(contains(problemsOf("{\"entities\": [}"), "m.json:1:15: not valid JSON: expected a value"));
    }

    void testMissingEntitiesIsRefused() { CPPUNIT_ASSERT(contains(problemsOf("{}"), "m.json: entities: required")); }

    void testUnknownTypeNamesItsPath()
    {
        std::string m = problemsOf(entity(R"("Copies": {"type": "uint128"})"));
        CPPUNIT_ASSERT_MESSAGE(
            m, contains(
                   m, "m.json: entities[0].properties.Copies.type: unknown type \"uint128\"; the types are string, "));
    }

    void testWrongJsonTypeNamesItsPath()
    {
        std::string m = problemsOf(entity(R"("Name": {"type": "string", "required": "yes"})"));
        CPPUNIT_ASSERT_MESSAGE(m, contains(m, "entities[0].properties.Name.required: expected true or false"));
    }

    void testSnakeCasePropertyNameIsRefused()
    {
        std::string m = problemsOf(entity(R"("first_name": {"type": "string"})"));
        CPPUNIT_ASSERT_MESSAGE(m, contains(m, "entities[0].properties.first_name: property names are camelCase"));
    }

    void testReservedNamesAreRefused()
    {
        CPPUNIT_ASSERT(contains(problemsOf(entity(R"("ID": {"type": "int"})")), "is reserved"));
        CPPUNIT_ASSERT(contains(problemsOf(R"({"entities": [{"typeName": "Usr", "properties": {}}]})"),
                                "\"Usr\" is reserved by the auth layer"));
    }

    void testBadDefaultIsRefused()
    {
        std::string m = problemsOf(entity(R"("Age": {"type": "uint8", "default": "300"})"));
        CPPUNIT_ASSERT_MESSAGE(m,
                               contains(m, "entities[0].properties.Age.default: \"300\" is not a valid uint8 value"));
    }

    void testEmptyDefaultIsNoDefault()
    {
        // jiffy's generator drops `"default": ""`, whatever the field's type.
        ParseResult r = loadModelFiles({jiffy::test::sourceDir() + "/tests/data/models/empty_defaults.json"});
        const Entity& tag = r.model.entities[0];
        CPPUNIT_ASSERT_EQUAL(std::string("Name"), tag.properties[0].name);
        CPPUNIT_ASSERT(!tag.properties[0].emptyDefault);
        for (size_t i = 1; i < tag.properties.size(); ++i) {
            const Property& p = tag.properties[i];
            CPPUNIT_ASSERT_MESSAGE(p.name, !p.defaultValue);
            CPPUNIT_ASSERT_MESSAGE(p.name, p.emptyDefault);
        }
        jiffy::Dialect sqlite;
        sqlite.name = "sqlite";
        sqlite.typeText = "TEXT";
        Sql s(sqlite);
        CPPUNIT_ASSERT_EQUAL(std::string("\"label\" TEXT"), s.columnDefinition(tag.properties[1], false));
        CPPUNIT_ASSERT_EQUAL(std::string("\"note\" TEXT NOT NULL"), s.columnDefinition(tag.properties[2], false));
        CPPUNIT_ASSERT_EQUAL(std::string("type=TEXT; required"), s.columnSignature(tag.properties[2]));
        // A non-empty string default is still a default, even one of spaces.
        ParseResult sp = parseModels({{"m.json", entity(R"("Pad": {"type": "string", "default": " "})")}});
        CPPUNIT_ASSERT(sp.model.entities[0].properties[0].defaultValue);
        CPPUNIT_ASSERT_EQUAL(std::string(" "), sp.model.entities[0].properties[0].defaultValue->s);
        CPPUNIT_ASSERT(!sp.model.entities[0].properties[0].emptyDefault);
    }

    void testUnknownOperatorIsRefused()
    {
        std::string m = problemsOf(entity(R"("Age": {"type": "int", "selectable": "eq,between"})"));
        CPPUNIT_ASSERT_MESSAGE(m, contains(m, "entities[0].properties.Age.selectable: unknown operator \"between\""));
    }

    void testRelationToUnknownEntityIsRefused()
    {
        std::string m = problemsOf(entity(
            "", R"(, "relations": [{"relName": "ToX", "properties": {"relType": "hasMany", "toEntity": "X"}}])"));
        CPPUNIT_ASSERT_MESSAGE(m, contains(m, "entities[0].relations[0]: toEntity \"X\" is not an entity"));
    }

    void testRelationWithoutKeyIsRefused()
    {
        std::string m = problemsOf(R"({"entities": [
            {"typeName": "A", "properties": {}, "relations": [{"relName": "ToB", "properties": {"relType": "hasMany", "toEntity": "B"}}]},
            {"typeName": "B", "properties": {"Name": {"type": "string"}}}]})");
        CPPUNIT_ASSERT_MESSAGE(m, contains(m, "B has no property AID for relation ToB (set foreignPK)"));
    }

    void testForeignKeyToNonUniqueFieldIsRefused()
    {
        std::string m = problemsOf(R"({"entities": [
            {"typeName": "A", "properties": {"Code": {"type": "string"}}},
            {"typeName": "B", "properties": {"ACode": {"type": "string", "ref_entity": "A", "ref_field": "Code"}}}]})");
        CPPUNIT_ASSERT_MESSAGE(m, contains(m, "A.Code must be unique to be referenced"));
    }

    void testHalfForeignKeyIsRefused()
    {
        std::string m = problemsOf(entity(R"("X": {"type": "int", "ref_entity": "Thing"})"));
        CPPUNIT_ASSERT_MESSAGE(m, contains(m, "ref_entity and ref_field must both be given"));
    }

    void testDuplicateEntityIsRefused()
    {
        try {
            parseModels({{"a.json", entity("")}, {"b.json", entity("")}});
            CPPUNIT_FAIL("duplicate entity accepted");
        } catch (const ModelError& e) {
            CPPUNIT_ASSERT(contains(e.what(), "b.json: entities[0].typeName: entity \"Thing\" is defined twice"));
        }
    }

    void testUnsafeDbTypeIsRefused()
    {
        std::string m = problemsOf(entity(R"("X": {"type": "string", "db_type": "text); DROP TABLE x; --"})"));
        CPPUNIT_ASSERT_MESSAGE(m, contains(m, "entities[0].properties.X.db_type"));
    }

    void testUnknownKeysOnlyWarn()
    {
        ParseResult r = parseModels({{"m.json", entity(R"("Author": {"type": "string", "degault": "x"})")}});
        CPPUNIT_ASSERT_EQUAL(size_t(1), r.warnings.size());
        CPPUNIT_ASSERT(contains(r.warnings[0], "entities[0].properties.Author.degault: unknown key, ignored"));
    }

    void testColumnDefinitionsPerDialect()
    {
        ParseResult r = loadModelFiles({jiffy::test::sourceDir() + "/tests/data/models/features.json"});
        jiffy::Dialect sqlite;
        sqlite.name = "sqlite";
        sqlite.typeInt = "INTEGER";
        sqlite.typeDouble = "REAL";
        sqlite.typeText = "TEXT";
        sqlite.typeBool = "BOOLEAN";
        jiffy::Dialect pg = sqlite;
        pg.name = "postgres";
        pg.placeholder = JIFFY_PLACEHOLDER_DOLLAR;
        pg.typeInt = "BIGINT";
        pg.typeDouble = "DOUBLE PRECISION";
        const Entity& owner = r.model.entities[0];
        const Entity& car = r.model.entities[1];
        Sql s(sqlite), p(pg);
        CPPUNIT_ASSERT_EQUAL(std::string("\"name\" TEXT NOT NULL"), s.columnDefinition(owner.properties[0], false));
        CPPUNIT_ASSERT_EQUAL(std::string("\"registration_number\" BIGINT UNIQUE"),
                             p.columnDefinition(owner.properties[1], false));
        CPPUNIT_ASSERT_EQUAL(std::string("\"registration_number\" BIGINT"),
                             p.columnDefinition(owner.properties[1], true));
        CPPUNIT_ASSERT_EQUAL(std::string("\"city\" TEXT DEFAULT 'Calgary'"),
                             s.columnDefinition(owner.properties[2], false));
        CPPUNIT_ASSERT_EQUAL(std::string("\"rating\" DOUBLE PRECISION"),
                             p.columnDefinition(owner.properties[3], false));
        CPPUNIT_ASSERT_EQUAL(std::string("\"verified\" BOOLEAN DEFAULT FALSE"),
                             s.columnDefinition(owner.properties[4], false));
        CPPUNIT_ASSERT_EQUAL(std::string("\"model\" varchar(40) NOT NULL"),
                             p.columnDefinition(car.properties[0], false));
        CPPUNIT_ASSERT_EQUAL(std::string("\"owner_id\" BIGINT REFERENCES \"owner\"(\"id\")"),
                             p.columnDefinition(car.properties[2], false));
        CPPUNIT_ASSERT_EQUAL(std::string("type=INTEGER; required; default=2000"), s.columnSignature(car.properties[1]));
        CPPUNIT_ASSERT_EQUAL(std::string("$2"), p.ph(2));
        CPPUNIT_ASSERT_EQUAL(std::string("?"), s.ph(2));
        Scalar q;
        q.s = "it's";
        CPPUNIT_ASSERT_EQUAL(std::string("'it''s'"), Sql::literal(q));
    }

    void testMissingFileIsRefused()
    {
        try {
            loadModelFiles({"/nonexistent/model.json"});
            CPPUNIT_FAIL("missing file accepted");
        } catch (const ModelError& e) {
            CPPUNIT_ASSERT_EQUAL(std::string("/nonexistent/model.json: cannot read the model file"),
                                 std::string(e.what()));
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ModelParserTest);
