// The URL query language (commands, static filters), request-body decoding
// and Go-compatible JSON output, as tables of good and bad inputs.
#include "BodyDecoder.h"
#include <jiffy/json.hpp>
#include "ModelParser.h"
#include "Query.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace jiffy::models;
using jiffy::JsonWriter;

namespace {

const char* kModel = R"({"entities": [{"typeName": "Book", "properties": {
    "Title": {"type": "string", "required": true, "default": "unknown title", "selectable": "eq,ne,like"},
    "Author": {"type": "string", "selectable": "eq"},
    "Hardcover": {"type": "bool", "required": true, "selectable": "eq,ne"},
    "Copies": {"type": "uint8", "required": true, "selectable": "eq,lt,gt"},
    "Price": {"type": "float64", "selectable": "ge"},
    "Temp": {"type": "int", "no_db": true}}}]})";

const Model& model()
{
    static Model m = parseModels({{"book.json", kModel}}).model;
    return m;
}

const Entity& book()
{
    return model().entities[0];
}
const Property& prop(size_t i)
{
    return book().properties[i];
}

bool rejectsFilter(const std::string& text, size_t property)
{
    try {
        parseFilter(text, prop(property));
    } catch (const QueryError&) {
        return true;
    }
    return false;
}

bool rejectsCommands(const std::string& text)
{
    try {
        parseCommands(text, book());
    } catch (const QueryError&) {
        return true;
    }
    return false;
}

std::string bodyError(const std::string& body)
{
    try {
        decodeBody(book(), body);
    } catch (const BadRequest& e) {
        return e.what();
    }
    return "";
}

} // namespace

class ModelQueryTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ModelQueryTest);
    CPPUNIT_TEST(testCommandsParse);
    CPPUNIT_TEST(testBadCommandsAreRejected);
    CPPUNIT_TEST(testStringFilters);
    CPPUNIT_TEST(testLikeEscapesWildcards);
    CPPUNIT_TEST(testNumericAndBoolFilters);
    CPPUNIT_TEST(testBadFiltersAreRejected);
    CPPUNIT_TEST(testBodyDecodes);
    CPPUNIT_TEST(testBodyErrorsNameTheField);
    CPPUNIT_TEST(testJsonEscapesLikeGo);
    CPPUNIT_TEST(testJsonNumbersLikeGo);
    CPPUNIT_TEST_SUITE_END();

public:
    void testCommandsParse()
    {
        Commands c = parseCommands("limit=3$offset=2$orderby=title$desc", book());
        CPPUNIT_ASSERT(!c.count);
        CPPUNIT_ASSERT_EQUAL(int64_t(3), *c.limit);
        CPPUNIT_ASSERT_EQUAL(int64_t(2), *c.offset);
        CPPUNIT_ASSERT_EQUAL(std::string("title"), c.orderBy);
        CPPUNIT_ASSERT(c.desc);
        CPPUNIT_ASSERT(parseCommands("count", book()).count);
        CPPUNIT_ASSERT(parseCommands("orderby=copies$desc$limit=2", book()).limit == int64_t(2));
        CPPUNIT_ASSERT(!parseCommands("desc$asc", book()).desc);
        CPPUNIT_ASSERT_EQUAL(std::string("id"), parseCommands("orderby=id", book()).orderBy);
    }

    void testBadCommandsAreRejected()
    {
        for (const char* bad : {"limit=-1", "limit=x", "limit=", "offset=1.5", "orderby=nosuch", "orderby=temp",
                                "orderby=title;DROP TABLE book", "top=3", "count=1", "limit=99999999999999999999"})
            CPPUNIT_ASSERT_MESSAGE(bad, rejectsCommands(bad));
    }

    void testStringFilters()
    {
        Filter f = parseFilter("EQ 'Central'", prop(0));
        CPPUNIT_ASSERT(f.op == Op::Eq);
        CPPUNIT_ASSERT_EQUAL(std::string("Central"), f.value.s);
        CPPUNIT_ASSERT_EQUAL(std::string("it's; \"x\""), parseFilter("ne 'it's; \"x\"'", prop(0)).value.s);
        CPPUNIT_ASSERT_EQUAL(std::string(), parseFilter("EQ ''", prop(0)).value.s);
        std::string longValue(10000, 'z');
        CPPUNIT_ASSERT_EQUAL(longValue, parseFilter("EQ '" + longValue + "'", prop(0)).value.s);
        CPPUNIT_ASSERT_EQUAL(std::string("Zürich"), parseFilter("EQ 'Zürich'", prop(0)).value.s);
    }

    void testLikeEscapesWildcards()
    {
        Filter f = parseFilter("LIKE 'cen'", prop(0));
        CPPUNIT_ASSERT(f.op == Op::Like);
        CPPUNIT_ASSERT_EQUAL(std::string("%cen%"), f.value.s);
        CPPUNIT_ASSERT_EQUAL(std::string("%100\\%\\_\\\\%"), parseFilter("like '100%_\\'", prop(0)).value.s);
    }

    void testNumericAndBoolFilters()
    {
        Filter c = parseFilter("GT 3", prop(3));
        CPPUNIT_ASSERT(c.op == Op::Gt && c.value.i == 3);
        CPPUNIT_ASSERT_EQUAL(int64_t(255), parseFilter("EQ '255'", prop(3)).value.i);
        CPPUNIT_ASSERT(parseFilter("EQ true", prop(2)).value.b);
        CPPUNIT_ASSERT(!parseFilter("ne FALSE", prop(2)).value.b);
        CPPUNIT_ASSERT_EQUAL(2.5, parseFilter("GE 2.5", prop(4)).value.d);
    }

    void testBadFiltersAreRejected()
    {
        struct Case {
            const char* text;
            size_t prop;
        } cases[] = {{"EQ Central", 0},  {"LT 'a'", 0},  {"EQ 'open", 0}, {"EQ", 0},       {"", 0},
                     {"BETWEEN 'a'", 0}, {"GT 256", 3},  {"GT -1", 3},    {"GT 3x", 3},    {"LIKE 3", 3},
                     {"EQ yes", 2},      {"GT true", 2}, {"GE nan", 4},   {"GE 1e999", 4}, {"EQ 'x'", 1 + 0 * 99}};
        for (const auto& c : cases)
            if (std::string(c.text) != "EQ 'x'") CPPUNIT_ASSERT_MESSAGE(c.text, rejectsFilter(c.text, c.prop));
        CPPUNIT_ASSERT(!rejectsFilter("EQ 'x'", 1));
    }

    void testBodyDecodes()
    {
        auto v = decodeBody(
            book(), R"({"TITLE": "Dune", "hardcover": true, "copies": 3, "id": 99, "href": "x", "extra": [1]})");
        CPPUNIT_ASSERT_EQUAL(std::string("Dune"), v[0].s);
        CPPUNIT_ASSERT(v[1].isNull); // optional author absent
        CPPUNIT_ASSERT(v[2].b);
        CPPUNIT_ASSERT_EQUAL(int64_t(3), v[3].i);
        CPPUNIT_ASSERT(v[4].isNull);
        auto d = decodeBody(book(), R"({"hardcover": false, "copies": 0, "price": 7})");
        CPPUNIT_ASSERT_EQUAL(std::string("unknown title"), d[0].s); // default
        CPPUNIT_ASSERT_EQUAL(7.0, d[4].d);
    }

    void testBodyErrorsNameTheField()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("book: field \"copies\" is required"), bodyError(R"({"hardcover": true})"));
        CPPUNIT_ASSERT_EQUAL(std::string("book: field \"copies\": expected an integer (uint8), got a string"),
                             bodyError(R"({"hardcover": true, "copies": "3"})"));
        CPPUNIT_ASSERT_EQUAL(std::string("book: field \"copies\": 256 is out of range for uint8"),
                             bodyError(R"({"hardcover": true, "copies": 256})"));
        CPPUNIT_ASSERT_EQUAL(std::string("book: field \"copies\": expected an integer (uint8), got 1.5"),
                             bodyError(R"({"hardcover": true, "copies": 1.5})"));
        CPPUNIT_ASSERT_EQUAL(std::string("book: field \"hardcover\": expected true or false, got a number"),
                             bodyError(R"({"hardcover": 1, "copies": 1})"));
        CPPUNIT_ASSERT_EQUAL(std::string("book: field \"title\" is required and cannot be null"),
                             bodyError(R"({"title": null, "hardcover": true, "copies": 1})"));
        CPPUNIT_ASSERT(bodyError("[1,2]").find("bookc: Invalid request payload") == 0);
        CPPUNIT_ASSERT(bodyError("{\"title\": ").find("bookc: Invalid request payload") == 0);
        CPPUNIT_ASSERT(bodyError("").find("bookc: Invalid request payload") == 0);
    }

    void testJsonEscapesLikeGo()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("\"a\\\"b\\\\c\\n\\u003c\\u003e\\u0026/\\u0001\""),
                             JsonWriter::quote("a\"b\\c\n<>&/\x01"));
        CPPUNIT_ASSERT_EQUAL(std::string("\"Z\xc3\xbcrich \\u2028\""), JsonWriter::quote("Z\xc3\xbcrich \xe2\x80\xa8"));
        CPPUNIT_ASSERT_EQUAL(std::string("\"x\\ufffdy\""), JsonWriter::quote("x\xffy"));
        // Runs of plain text between escapes, at the start, middle and end.
        CPPUNIT_ASSERT_EQUAL(std::string("\"a long plain run\\tthen \\u003cb\\u003e and \xc3\xa9 the end\""),
                             JsonWriter::quote("a long plain run\tthen <b> and \xc3\xa9 the end"));
        CPPUNIT_ASSERT_EQUAL(std::string("\"\""), JsonWriter::quote(""));
        CPPUNIT_ASSERT_EQUAL(std::string("\"\\\"\""), JsonWriter::quote("\""));
    }

    void testJsonNumbersLikeGo()
    {
        auto num = [](double d) {
            JsonWriter w;
            w.number(d);
            return w.str();
        };
        CPPUNIT_ASSERT_EQUAL(std::string("3.25"), num(3.25));
        CPPUNIT_ASSERT_EQUAL(std::string("100"), num(100));
        CPPUNIT_ASSERT_EQUAL(std::string("0.1"), num(0.1));
        CPPUNIT_ASSERT_EQUAL(std::string("1e+21"), num(1e21));
        CPPUNIT_ASSERT_EQUAL(std::string("1e-7"), num(1e-7));
        CPPUNIT_ASSERT_EQUAL(std::string("-0.5"), num(-0.5));
        JsonWriter w;
        w.beginObject().key("id").integer(7).key("a").beginArray().boolean(true).null().endArray().endObject();
        CPPUNIT_ASSERT_EQUAL(std::string("{\"id\":7,\"a\":[true,null]}"), w.str());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ModelQueryTest);
