#include "ModelsApiTest.h"

#include <Poco/JSON/Parser.h>

#include <atomic>
#include <map>
#include <cctype>
#include <mutex>
#include <set>
#include <thread>

using jiffy::test::contains;

using jiffy::test::HttpResult;

namespace {

const std::string kV1 = "tests/data/models/library_v1.json";
const std::string kFeatures = "tests/data/models/features.json";

using jiffy::test::idOf;

size_t countOf(const std::string& s, const std::string& part)
{
    size_t n = 0;
    for (size_t at = s.find(part); at != std::string::npos; at = s.find(part, at + 1)) ++n;
    return n;
}

/// Percent-encodes a path segment.
std::string encode(const std::string& s)
{
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '~' || c == '(' || c == ')' || c == '$' || c == '=') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

} // namespace

void ModelsApiTest::setUp()
{
    database_ = freshDatabase();
}

void ModelsApiTest::tearDown()
{
    stop();
}

std::string ModelsApiTest::config(const std::vector<std::string>& models, const std::string& extra) const
{
    std::string files;
    for (const auto& m : models) files += (files.empty() ? "\"" : ", \"") + jiffy::test::sourceDir() + "/" + m + "\"";
    return "{\n \"database\": " + database_ +
           ",\n \"logging\": {\"colorMsgTypes\": false, \"infoMsgs\": true},\n"
           " \"http\": {\"max_body_bytes\": 65536},\n"
           " \"auth\": {\"enabled\": false},\n"
           " \"routes\": [{\"plugin\": \"models\", \"model_files\": [" +
           files + "]}]" + (extra.empty() ? "" : ",\n " + extra) + "\n}\n";
}

void ModelsApiTest::start(const std::vector<std::string>& models, const std::string& extra)
{
    jiffyd_.start(config(models, extra));
}

void ModelsApiTest::expectStartRefused(const std::vector<std::string>& models, const std::string& why)
{
    std::string log;
    int code = jiffyd_.run(config(models, ""), {}, log);
    CPPUNIT_ASSERT_MESSAGE(log, code != 0);
    CPPUNIT_ASSERT_MESSAGE(log, contains(log, why));
}

int64_t ModelsApiTest::create(const std::string& path, const std::string& body)
{
    HttpResult r = post(path, body);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(path + " " + body + " -> " + r.body, 201, r.status);
    return idOf(r.body);
}

void ModelsApiTest::testCrudRoundTrip()
{
    start({kV1});
    HttpResult c = post("/library", R"({"name":"Central","city":"Calgary"})");
    CPPUNIT_ASSERT_EQUAL(201, c.status);
    CPPUNIT_ASSERT_EQUAL(std::string("application/json"), c.header("content-type"));
    int64_t id = idOf(c.body);
    std::string href = base() + "/library/" + std::to_string(id);
    CPPUNIT_ASSERT_EQUAL("{\"id\":" + std::to_string(id) + ",\"href\":\"" + href +
                             "\",\"name\":\"Central\",\"city\":\"Calgary\"}",
                         c.body);
    HttpResult g = get("/library/" + std::to_string(id));
    CPPUNIT_ASSERT_EQUAL(201, g.status); // jiffy answers GET by id with 201
    CPPUNIT_ASSERT_EQUAL(c.body, g.body);
    HttpResult u = put("/library/" + std::to_string(id), R"({"name":"Main","city":"Banff"})");
    CPPUNIT_ASSERT_EQUAL(201, u.status);
    CPPUNIT_ASSERT(contains(u.body, "\"name\":\"Main\",\"city\":\"Banff\""));
    CPPUNIT_ASSERT(contains(get("/library/" + std::to_string(id)).body, "Banff"));
    HttpResult d = del("/library/" + std::to_string(id));
    CPPUNIT_ASSERT_EQUAL(202, d.status);
    CPPUNIT_ASSERT_EQUAL(std::string(), d.body);
    CPPUNIT_ASSERT_EQUAL(std::string("application/json"), d.header("content-type"));
    CPPUNIT_ASSERT_EQUAL(404, get("/library/" + std::to_string(id)).status);
}

void ModelsApiTest::testListsHaveHrefsWithTheEntitySegment()
{
    start({kV1});
    int64_t a = create("/library", R"({"name":"A","city":"X"})");
    int64_t b = create("/library", R"({"name":"B","city":"Y"})");
    HttpResult l = get("/librarys");
    CPPUNIT_ASSERT_EQUAL(200, l.status);
    CPPUNIT_ASSERT(contains(l.body, "\"href\":\"" + base() + "/library/" + std::to_string(a) + "\""));
    CPPUNIT_ASSERT(contains(l.body, "\"href\":\"" + base() + "/library/" + std::to_string(b) + "\""));
    CPPUNIT_ASSERT_EQUAL('[', l.body.front());
}

void ModelsApiTest::testEmptyListIsAnArray()
{
    start({kV1});
    CPPUNIT_ASSERT_EQUAL(std::string("[]"), get("/librarys").body);
    CPPUNIT_ASSERT_EQUAL(std::string("[]"), get("/books/copies(GT%205)").body);
}

void ModelsApiTest::testCountIsBareText()
{
    start({kV1});
    for (int i = 0; i < 3; ++i) create("/library", R"({"name":"L","city":"C"})");
    HttpResult c = get("/librarys/$count");
    CPPUNIT_ASSERT_EQUAL(200, c.status);
    CPPUNIT_ASSERT_EQUAL(std::string("application/text"), c.header("content-type"));
    CPPUNIT_ASSERT_EQUAL(std::string("3"), c.body);
    CPPUNIT_ASSERT_EQUAL(std::string("3"), get("/librarys/$limit=1$count").body); // $count trumps
}

void ModelsApiTest::testCommandsPageAndOrder()
{
    start({kV1});
    for (const char* n : {"delta", "alpha", "echo", "charlie", "bravo"})
        create("/library", std::string(R"({"name":")") + n + R"(","city":"C"})");
    HttpResult r = get("/librarys/$limit=3$offset=1$orderby=name$desc");
    CPPUNIT_ASSERT_EQUAL(200, r.status);
    size_t d = r.body.find("delta"), c = r.body.find("charlie"), b = r.body.find("bravo");
    CPPUNIT_ASSERT(d != std::string::npos && c != std::string::npos && b != std::string::npos);
    CPPUNIT_ASSERT(d < c && c < b);
    CPPUNIT_ASSERT(!contains(r.body, "echo") && !contains(r.body, "alpha"));
    CPPUNIT_ASSERT_EQUAL(size_t(2), countOf(get("/librarys/$limit=2").body, "\"id\""));
    CPPUNIT_ASSERT_EQUAL(size_t(1), countOf(get("/librarys/$offset=4").body, "\"id\""));
    CPPUNIT_ASSERT(get("/librarys/$orderby=name$asc").body.find("alpha") <
                   get("/librarys/$orderby=name$asc").body.find("bravo"));
    CPPUNIT_ASSERT_EQUAL(400, get("/librarys/$orderby=nosuch").status);
    CPPUNIT_ASSERT_EQUAL(400, get("/librarys/$limit=-2").status);
}

void ModelsApiTest::testEveryFilterOperator()
{
    start({kV1});
    int64_t lib = create("/library", R"({"name":"Central","city":"Calgary"})");
    create("/library", R"({"name":"Eastside","city":"Edmonton"})");
    std::string l = std::to_string(lib);
    for (int copies : {1, 3, 5, 7})
        create("/book", "{\"title\":\"T" + std::to_string(copies) +
                            "\",\"hardcover\":" + (copies > 4 ? "true" : "false") +
                            ",\"copies\":" + std::to_string(copies) + ",\"library_id\":" + l + "}");
    auto n = [&](const std::string& path) { return countOf(get(path).body, "\"id\""); };
    CPPUNIT_ASSERT_EQUAL(size_t(1), n("/librarys/name(EQ%20'Central')"));
    CPPUNIT_ASSERT_EQUAL(size_t(1), n("/librarys/name(eq%20'Central')"));
    CPPUNIT_ASSERT_EQUAL(size_t(1), n("/librarys/name(LIKE%20'ntra')"));
    CPPUNIT_ASSERT_EQUAL(size_t(1), n("/librarys/city(LT%20'D')"));
    CPPUNIT_ASSERT_EQUAL(size_t(1), n("/librarys/city(GT%20'D')"));
    CPPUNIT_ASSERT_EQUAL(size_t(1), n("/books/copies(EQ%203)"));
    CPPUNIT_ASSERT_EQUAL(size_t(2), n("/books/copies(LT%205)"));
    CPPUNIT_ASSERT_EQUAL(size_t(3), n("/books/copies(LE%205)"));
    CPPUNIT_ASSERT_EQUAL(size_t(2), n("/books/copies(GT%203)"));
    CPPUNIT_ASSERT_EQUAL(size_t(3), n("/books/copies(GE%203)"));
    CPPUNIT_ASSERT_EQUAL(size_t(2), n("/books/hardcover(EQ%20true)"));
    CPPUNIT_ASSERT_EQUAL(size_t(2), n("/books/hardcover(NE%20true)"));
    CPPUNIT_ASSERT_EQUAL(size_t(1), n("/books/title(LIKE%20'T')/$orderby=copies$limit=1"));
    CPPUNIT_ASSERT_EQUAL(size_t(4), n("/books/library_id(EQ%20" + l + ")"));
    HttpResult f = get("/books/copies(GT%203)");
    CPPUNIT_ASSERT(contains(f.body, "\"href\":\"" + base() + "/book/"));
}

void ModelsApiTest::testFilterFollowedByCommands()
{
    start({kV1});
    int64_t lib = create("/library", R"({"name":"L","city":"C"})");
    for (int i = 0; i < 6; ++i)
        create("/book", "{\"title\":\"B\",\"hardcover\":true,\"copies\":" + std::to_string(i) +
                            ",\"library_id\":" + std::to_string(lib) + "}");
    CPPUNIT_ASSERT_EQUAL(std::string("4"), get("/books/copies(GE%202)/$count").body);
    HttpResult r = get("/books/copies(GE%202)/$orderby=copies$desc$limit=2");
    CPPUNIT_ASSERT_EQUAL(size_t(2), countOf(r.body, "\"id\""));
    CPPUNIT_ASSERT(r.body.find("\"copies\":5") < r.body.find("\"copies\":4"));
}

void ModelsApiTest::testOperatorNotSelectableIs400()
{
    start({kV1});
    // jiffy has no route for it (404); we say which operators the field has.
    HttpResult r = get("/librarys/name(GT%20'a')");
    CPPUNIT_ASSERT_EQUAL(400, r.status);
    const std::string allowed =
        R"x({"error":"error: GT is an unknown selection operand for name (selectable: EQ, LIKE)"})x";
    CPPUNIT_ASSERT_EQUAL(allowed, r.body);
    CPPUNIT_ASSERT_EQUAL(400, get("/books/copies(EQ%20'many')").status);
    CPPUNIT_ASSERT_EQUAL(400, get("/librarys/name(EQ%20Central)").status); // jiffy crashes here
}

void ModelsApiTest::testHasManyRelation()
{
    start({kV1});
    int64_t a = create("/library", R"({"name":"A","city":"X"})");
    int64_t b = create("/library", R"({"name":"B","city":"Y"})");
    std::string as = std::to_string(a);
    int64_t b1 = create("/book", R"({"title":"one","hardcover":true,"copies":1,"library_id":)" + as + "}");
    create("/book", R"({"title":"two","hardcover":true,"copies":2,"library_id":)" + as + "}");
    create("/book", R"({"title":"three","hardcover":true,"copies":3,"library_id":)" + std::to_string(b) + "}");
    HttpResult r = get("/library/" + as + "/tobooks");
    CPPUNIT_ASSERT_EQUAL(200, r.status);
    CPPUNIT_ASSERT_EQUAL(size_t(2), countOf(r.body, "\"id\""));
    CPPUNIT_ASSERT(contains(r.body, "\"href\":\"" + base() + "/book/" + std::to_string(b1) + "\""));
    CPPUNIT_ASSERT_EQUAL(std::string("2"), get("/library/" + as + "/tobooks/$count").body);
    HttpResult one = get("/library/" + as + "/tobooks/" + std::to_string(b1));
    CPPUNIT_ASSERT_EQUAL(200, one.status);
    CPPUNIT_ASSERT_EQUAL(b1, idOf(one.body));
    CPPUNIT_ASSERT_EQUAL('{', one.body.front());
    CPPUNIT_ASSERT_EQUAL(404, get("/library/" + std::to_string(b) + "/tobooks/" + std::to_string(b1)).status);
    CPPUNIT_ASSERT_EQUAL(404, get("/library/999999/tobooks").status);
}

void ModelsApiTest::testBelongsToAndHasOneRelations()
{
    start({kV1});
    int64_t lib = create("/library", R"({"name":"A","city":"X"})");
    int64_t book =
        create("/book", R"({"title":"one","hardcover":true,"copies":1,"library_id":)" + std::to_string(lib) + "}");
    HttpResult r = get("/book/" + std::to_string(book) + "/tolibrary");
    CPPUNIT_ASSERT_EQUAL(200, r.status);
    CPPUNIT_ASSERT_EQUAL(lib, idOf(r.body));
    CPPUNIT_ASSERT_EQUAL(200, get("/book/" + std::to_string(book) + "/tolibrary/" + std::to_string(lib)).status);
    // jiffy answers 400 "Invalid libraryID"; the pair does not exist, so we answer 404 as for any missing id.
    HttpResult wrong = get("/book/" + std::to_string(book) + "/tolibrary/" + std::to_string(lib + 1));
    CPPUNIT_ASSERT_EQUAL(404, wrong.status);
    CPPUNIT_ASSERT_EQUAL("{\"error\":\"library " + std::to_string(lib + 1) + " is not related to book " +
                             std::to_string(book) + "\"}",
                         wrong.body);

    start({kFeatures});
    int64_t owner = create("/owner", R"({"name":"Ann"})");
    // hasOne with nothing related: jiffy answers 200 with the string "[]"; we answer 404 naming what is missing.
    HttpResult none = get("/owner/" + std::to_string(owner) + "/tocar");
    CPPUNIT_ASSERT_EQUAL(404, none.status);
    CPPUNIT_ASSERT_EQUAL("{\"error\":\"owner " + std::to_string(owner) + " has no car\"}", none.body);
    int64_t car = create("/car", R"({"model":"Civic","owner_id":)" + std::to_string(owner) + "}");
    HttpResult c = get("/owner/" + std::to_string(owner) + "/tocar");
    CPPUNIT_ASSERT_EQUAL(200, c.status);
    CPPUNIT_ASSERT_EQUAL(car, idOf(c.body));
    CPPUNIT_ASSERT(contains(c.body, "\"year\":2000")); // default applied
    int64_t dog = create("/dog", R"({"name":"Rex","owner_id":)" + std::to_string(owner) + "}");
    CPPUNIT_ASSERT_EQUAL(owner, idOf(get("/dog/" + std::to_string(dog) + "/toowner").body));
    CPPUNIT_ASSERT_EQUAL(std::string("1"), get("/owner/" + std::to_string(owner) + "/todogs/$count").body);
}

void ModelsApiTest::testMissingEntityIs404()
{
    start({kV1});
    for (const auto& r :
         {get("/library/424242"), put("/library/424242", R"({"name":"a","city":"b"})"), del("/library/424242")}) {
        CPPUNIT_ASSERT_EQUAL(404, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("{\"error\":\"library 424242 not found\"}"), r.body);
    }
}

void ModelsApiTest::testUniqueViolationIs409()
{
    start({kFeatures});
    create("/owner", R"({"name":"A","registration_number":7})");
    HttpResult r = post("/owner", R"({"name":"B","registration_number":7})");
    CPPUNIT_ASSERT_EQUAL(409, r.status);
    // A stable message naming entity and field; no SQL or driver text.
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"error":"owner.registration_number: 7 is taken"})"), r.body);
    CPPUNIT_ASSERT_EQUAL(std::string("1"), get("/owners/$count").body);
}

void ModelsApiTest::testForeignKeyViolationIs409()
{
    start({kV1});
    HttpResult r = post("/book", R"({"title":"orphan","hardcover":true,"copies":1,"library_id":424242})");
    CPPUNIT_ASSERT_EQUAL(409, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"error":"book.library_id: no library 424242"})"), r.body);
    int64_t lib = create("/library", R"({"name":"A","city":"X"})");
    create("/book", R"({"title":"kept","hardcover":true,"copies":1,"library_id":)" + std::to_string(lib) + "}");
    HttpResult d = del("/library/" + std::to_string(lib));
    CPPUNIT_ASSERT_EQUAL(409, d.status); // still referenced
    CPPUNIT_ASSERT_EQUAL("{\"error\":\"library " + std::to_string(lib) +
                             " is still referenced by other rows; delete or change those first\"}",
                         d.body);
    for (const char* leak : {"SQL", "sqlite", "constraint", "INSERT", "DELETE", "(in:"})
        CPPUNIT_ASSERT_MESSAGE(r.body + d.body, !contains(r.body + d.body, leak));
    CPPUNIT_ASSERT_EQUAL(std::string("0"), get("/books/title(EQ%20'orphan')/$count").body);
}

void ModelsApiTest::testUnknownBodyFieldsAreIgnoredUnlessStrict()
{
    start({kV1}); // jiffy's decoder ignores unknown fields: so do we by default
    CPPUNIT_ASSERT_EQUAL(201, post("/library", R"({"name":"A","city":"X","citty":"typo"})").status);
    stop();
    std::string cfg = config({kV1}, "");
    const std::string at = "\"model_files\": [";
    cfg.replace(cfg.find(at), at.size(), "\"strict_bodies\": true, " + at);
    jiffyd_.start(cfg);
    HttpResult r = post("/library", R"({"name":"A","city":"X","citty":"typo"})");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 400, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string(R"x({"error":"library: unknown field \"citty\" (strict_bodies is on)"})x"),
                         r.body);
    CPPUNIT_ASSERT_EQUAL(201, post("/library", R"({"id":9,"href":"x","NAME":"B","city":"Y"})").status);
}

void ModelsApiTest::testMissingRequiredFieldIs400NamingIt()
{
    start({kV1});
    HttpResult r = post("/library", R"({"name":"only a name"})");
    CPPUNIT_ASSERT_EQUAL(400, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string("{\"error\":\"library: field \\\"city\\\" is required\"}"), r.body);
    CPPUNIT_ASSERT_EQUAL(std::string("0"), get("/librarys/$count").body);
}

void ModelsApiTest::testWrongJsonTypeIs400NamingIt()
{
    start({kV1});
    HttpResult r = post("/library", R"({"name":"x","city":42})");
    CPPUNIT_ASSERT_EQUAL(400, r.status);
    CPPUNIT_ASSERT(contains(r.body, "field \\\"city\\\": expected a string, got a number"));
    int64_t lib = create("/library", R"({"name":"A","city":"X"})");
    HttpResult u = put("/library/" + std::to_string(lib), R"({"name":["x"],"city":"X"})");
    CPPUNIT_ASSERT_EQUAL(400, u.status);
    CPPUNIT_ASSERT(contains(u.body, "field \\\"name\\\""));
}

void ModelsApiTest::testMalformedJsonIs400()
{
    start({kV1});
    HttpResult r = post("/library", "{\"name\": ");
    CPPUNIT_ASSERT_EQUAL(400, r.status);
    CPPUNIT_ASSERT(contains(r.body, "libraryc: Invalid request payload"));
    CPPUNIT_ASSERT_EQUAL(400, post("/library", "").status);
    CPPUNIT_ASSERT_EQUAL(400, post("/library", "[]").status);
}

void ModelsApiTest::testBodyOverLimitIs413()
{
    start({kV1});
    HttpResult r = post("/library", "{\"name\":\"" + std::string(70000, 'n') + "\",\"city\":\"c\"}");
    CPPUNIT_ASSERT_EQUAL(413, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string("0"), get("/librarys/$count").body);
}

void ModelsApiTest::testUnknownKeysAreIgnored()
{
    start({kV1});
    HttpResult r = post("/library", R"({"NAME":"Case","City":"Insensitive","id":999,"href":"x","bogus":{"a":1}})");
    CPPUNIT_ASSERT_EQUAL(201, r.status);
    CPPUNIT_ASSERT(contains(r.body, "\"name\":\"Case\",\"city\":\"Insensitive\""));
    CPPUNIT_ASSERT(idOf(r.body) != 999);
}

void ModelsApiTest::testOptionalNullFieldsAreOmitted()
{
    start({kV1});
    int64_t lib = create("/library", R"({"name":"A","city":"X"})");
    HttpResult r =
        post("/book", R"({"hardcover":false,"copies":2,"author":null,"library_id":)" + std::to_string(lib) + "}");
    CPPUNIT_ASSERT_EQUAL(201, r.status);
    CPPUNIT_ASSERT(!contains(r.body, "author"));
    CPPUNIT_ASSERT(contains(r.body, "\"title\":\"unknown title\""));
    HttpResult w =
        post("/book", R"({"hardcover":false,"copies":2,"author":"Me","library_id":)" + std::to_string(lib) + "}");
    CPPUNIT_ASSERT(contains(w.body, "\"author\":\"Me\""));
}

void ModelsApiTest::testInjectionAttemptsAreHarmless()
{
    start({kV1});
    const std::vector<std::string> evil = {"x'); DROP TABLE library; --",
                                           "100% _sure_",
                                           "a;b;c",
                                           "O'Brien",
                                           "Zürich \xf0\x9f\x93\x9a",
                                           "\\",
                                           "' OR '1'='1",
                                           std::string(maxTextLength() ? maxTextLength() : 3000, 'w')};
    for (const auto& v : evil) {
        std::string body = "{\"name\":" + std::string("\"");
        for (char c : v) body += (c == '\\' || c == '"') ? std::string("\\") + c : std::string(1, c);
        body += "\",\"city\":\"C\"}";
        create("/library", body);
    }
    for (const auto& v : evil) {
        HttpResult eq = get("/librarys/name(EQ%20'" + encode(v) + "')");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(v, 200, eq.status);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(v, size_t(1), countOf(eq.body, "\"id\""));
    }
    // LIKE treats % and _ literally: only the row that contains them matches.
    CPPUNIT_ASSERT_EQUAL(size_t(1), countOf(get("/librarys/name(LIKE%20'" + encode("% _") + "')").body, "\"id\""));
    CPPUNIT_ASSERT_EQUAL(std::string("0"), get("/librarys/name(EQ%20'" + encode("' OR 1=1 --") + "')/$count").body);
    HttpResult huge = get("/librarys/name(EQ%20'" + std::string(10240, 'z') + "')");
    CPPUNIT_ASSERT(huge.status == 200 || huge.status == 400 || huge.status == 414);
    CPPUNIT_ASSERT_EQUAL(std::to_string(evil.size()), get("/librarys/$count").body); // table intact
    if (maxTextLength()) {
        // One character over the column's limit is refused, never cut short.
        HttpResult over =
            post("/library", "{\"name\":\"" + std::string(maxTextLength() + 1, 'v') + "\",\"city\":\"C\"}");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(over.body, 400, over.status);
        CPPUNIT_ASSERT_MESSAGE(over.body, jiffy::test::contains(over.body, "library.name: the database refused"));
        CPPUNIT_ASSERT_EQUAL(std::to_string(evil.size()), get("/librarys/$count").body);
    }
}

void ModelsApiTest::testConcurrentWritersLoseNothing()
{
    start({kV1});
    std::atomic<int> failures{0};
    std::mutex m;
    std::set<int64_t> ids;
    std::string firstError;
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 200; ++i) {
                HttpResult r = post("/library", "{\"name\":\"w" + std::to_string(t) + "-" + std::to_string(i) +
                                                    "\",\"city\":\"C\"}");
                std::lock_guard<std::mutex> lock(m);
                if (r.status != 201) {
                    if (firstError.empty()) firstError = std::to_string(r.status) + " " + r.body;
                    failures++;
                } else {
                    ids.insert(idOf(r.body));
                }
            }
        });
    }
    for (auto& th : threads) th.join();
    CPPUNIT_ASSERT_EQUAL_MESSAGE(firstError, 0, failures.load());
    CPPUNIT_ASSERT_EQUAL(size_t(1600), ids.size());
    CPPUNIT_ASSERT_EQUAL(std::string("1600"), get("/librarys/$count").body);
}

void ModelsApiTest::testMigrationAddsColumnsAndTablesAndKeepsData()
{
    start({kV1});
    int64_t lib = create("/library", R"({"name":"Old","city":"Town"})");
    create("/book", R"({"title":"Kept","hardcover":true,"copies":1,"library_id":)" + std::to_string(lib) + "}");
    start({"tests/data/models/library_v2.json"});
    HttpResult l = get("/library/" + std::to_string(lib));
    CPPUNIT_ASSERT_EQUAL(201, l.status);
    CPPUNIT_ASSERT(contains(l.body, "\"name\":\"Old\""));
    CPPUNIT_ASSERT(!contains(l.body, "phone")); // new optional column, null for old rows
    HttpResult b = get("/books");
    CPPUNIT_ASSERT(contains(b.body, "\"title\":\"Kept\""));
    CPPUNIT_ASSERT(contains(b.body, "\"pages\":100")); // new required column took its default
    CPPUNIT_ASSERT_EQUAL(201, post("/library", R"({"name":"New","city":"Town","phone":"555"})").status);
    CPPUNIT_ASSERT_EQUAL(201, post("/member", R"({"email":"a@b.c"})").status);
    start({"tests/data/models/library_v2.json"}); // a second start changes nothing
    CPPUNIT_ASSERT_EQUAL(std::string("2"), get("/librarys/$count").body);
    CPPUNIT_ASSERT_EQUAL(std::string("1"), get("/members/$count").body);
}

void ModelsApiTest::testUnsafeMigrationIsRefusedAndNothingApplied()
{
    start({kV1});
    create("/library", R"({"name":"Old","city":"Town"})");
    stop();
    expectStartRefused({"tests/data/models/library_unsafe_required.json"}, "new required field Code has no default");
    expectStartRefused({"tests/data/models/library_unsafe_type.json"}, "column book.copies was created as");
    start({kV1});
    CPPUNIT_ASSERT_EQUAL(std::string("1"), get("/librarys/$count").body);
}

void ModelsApiTest::testInactiveEntityIsNotServed()
{
    start({kV1}, R"("service_activations": [{"service_name": "Library", "service_active": true},
                                             {"service_name": "Book", "service_active": false}])");
    CPPUNIT_ASSERT_EQUAL(200, get("/librarys").status);
    CPPUNIT_ASSERT_EQUAL(404, get("/books").status);
    CPPUNIT_ASSERT_EQUAL(404, post("/book", R"({"title":"t","hardcover":true,"copies":1,"library_id":1})").status);
    CPPUNIT_ASSERT_EQUAL(404, get("/book/1").status);
    CPPUNIT_ASSERT_EQUAL(404, get("/book/1/tolibrary").status); // Book's own relation routes go with it
}

void ModelsApiTest::testRelationRoutesFollowTheFromEntity()
{
    start({kV1});
    int64_t lib = create("/library", R"({"name":"A","city":"X"})");
    const std::string l = std::to_string(lib);
    int64_t book = create("/book", R"({"title":"one","hardcover":true,"copies":1,"library_id":)" + l + "}");
    const std::string b = std::to_string(book);
    // As in jiffy, relation routes belong to the entity they start from:
    // active Library, inactive Book still serves /library/{id}/tobooks.
    start({kV1}, R"("service_activations": [{"service_name": "Library", "service_active": true},
                                             {"service_name": "Book", "service_active": false}])");
    CPPUNIT_ASSERT_EQUAL(404, get("/books").status);
    HttpResult r = get("/library/" + l + "/tobooks");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
    CPPUNIT_ASSERT_EQUAL(book, idOf(r.body));
    CPPUNIT_ASSERT_EQUAL(std::string("1"), get("/library/" + l + "/tobooks/$count").body);
    CPPUNIT_ASSERT_EQUAL(book, idOf(get("/library/" + l + "/tobooks/" + b).body));
    // And the other way round: inactive Library, active Book.
    start({kV1}, R"("service_activations": [{"service_name": "Library", "service_active": false},
                                             {"service_name": "Book", "service_active": true}])");
    CPPUNIT_ASSERT_EQUAL(404, get("/librarys").status);
    CPPUNIT_ASSERT_EQUAL(404, get("/library/" + l + "/tobooks").status);
    HttpResult up = get("/book/" + b + "/tolibrary");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(up.body, 200, up.status);
    CPPUNIT_ASSERT_EQUAL(lib, idOf(up.body));
    CPPUNIT_ASSERT(contains(up.body, "\"href\":\"" + base() + "/library/" + l + "\""));
    CPPUNIT_ASSERT_EQUAL(200, get("/book/" + b + "/tolibrary/" + l).status);
}

void ModelsApiTest::testEmptyDefaultIsNoDefault()
{
    start({"tests/data/models/empty_defaults.json"});
    // jiffy's generator drops `"default": ""`: an absent field is null and
    // omitted, whatever its type, and a required one is still missing.
    HttpResult r = post("/tag", R"({"name":"a","note":"n"})");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 201, r.status);
    const std::string id = std::to_string(idOf(r.body));
    CPPUNIT_ASSERT_EQUAL("{\"id\":" + id + ",\"href\":\"" + base() + "/tag/" + id + "\",\"name\":\"a\",\"note\":\"n\"}",
                         r.body);
    CPPUNIT_ASSERT_EQUAL(r.body, get("/tag/" + id).body);
    HttpResult missing = post("/tag", R"({"name":"b"})");
    CPPUNIT_ASSERT_EQUAL(400, missing.status);
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"error":"tag: field \"note\" is required"})"), missing.body);
    for (const char* column : {"label", "note", "pinned", "weight", "score"}) {
        std::string def = query(std::string("SELECT definition FROM jiffy_model_columns WHERE table_name = 'tag' AND "
                                            "column_name = '") +
                                column + "'");
        CPPUNIT_ASSERT_MESSAGE(column, !def.empty());
        CPPUNIT_ASSERT_MESSAGE(column + std::string(": ") + def, !contains(def, "default"));
    }
}

void ModelsApiTest::testColumnWithAnOldEmptyDefaultStillStarts()
{
    const std::string model = "tests/data/models/empty_defaults.json";
    start({model});
    int64_t old = create("/tag", R"({"name":"old","note":"n","label":"kept"})");
    stop();
    // What an earlier version recorded for `"default": ""` on a string: DEFAULT ''.
    auto where = [](const std::string& c) { return " WHERE table_name = 'tag' AND column_name = '" + c + "'"; };
    std::map<std::string, std::string> defs;
    for (const std::string c : {"label", "note"}) {
        defs[c] = query("SELECT definition FROM jiffy_model_columns" + where(c));
        query("UPDATE jiffy_model_columns SET definition = '" + defs[c] + "; default='''''" + where(c));
        CPPUNIT_ASSERT_EQUAL(defs[c] + "; default=''", query("SELECT definition FROM jiffy_model_columns" + where(c)));
    }
    start({model}); // not refused: the column stays as it was
    CPPUNIT_ASSERT(contains(get("/tag/" + std::to_string(old)).body, "\"label\":\"kept\""));
    HttpResult r = post("/tag", R"({"name":"new","note":"n"})");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 201, r.status);
    CPPUNIT_ASSERT(!contains(r.body, "label")); // null, as now, not the old column default
    stop();
    // Only the empty default is taken as the same: a real one is still a change that is refused.
    query("UPDATE jiffy_model_columns SET definition = '" + defs["label"] + "; default=''x'''" + where("label"));
    expectStartRefused({model}, "column tag.label was created as");
}

void ModelsApiTest::testMissingAndZeroFieldsOnPutAndPost()
{
    start({kV1});
    const std::string l = std::to_string(create("/library", R"({"name":"A","city":"X"})"));
    // POST with zero values stores them; jiffy's ORM would put the column
    // default ("unknown title") in place of the "" the client sent.
    HttpResult z = post("/book", R"({"title":"","hardcover":false,"copies":0,"library_id":)" + l + "}");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(z.body, 201, z.status);
    CPPUNIT_ASSERT(contains(z.body, "\"title\":\"\",\"hardcover\":false,\"copies\":0,"));
    const std::string b = std::to_string(idOf(z.body));
    CPPUNIT_ASSERT(contains(get("/book/" + b).body, "\"title\":\"\""));
    // PUT replaces the whole entity; an absent field gets what a POST would
    // give it: its default, else null (jiffy writes the zero value / NULL).
    HttpResult u = put("/book/" + b, R"({"author":"Me","hardcover":true,"copies":3,"library_id":)" + l + "}");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(u.body, 201, u.status);
    CPPUNIT_ASSERT(contains(u.body, "\"title\":\"unknown title\",\"author\":\"Me\",\"hardcover\":true,\"copies\":3"));
    HttpResult n = put("/book/" + b, R"({"title":"T","hardcover":true,"copies":3,"library_id":)" + l + "}");
    CPPUNIT_ASSERT_EQUAL(201, n.status);
    CPPUNIT_ASSERT(!contains(n.body, "author"));
    // A required field without a default is refused, not zeroed, and nothing changes.
    HttpResult bad = put("/book/" + b, R"({"title":"T2","copies":9,"library_id":)" + l + "}");
    CPPUNIT_ASSERT_EQUAL(400, bad.status);
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"error":"book: field \"hardcover\" is required"})"), bad.body);
    CPPUNIT_ASSERT_EQUAL(n.body, get("/book/" + b).body);
}

void ModelsApiTest::testIdStartAndNoDbField()
{
    start({kFeatures});
    HttpResult r = post("/owner", R"({"name":"First","scratch":"never stored","rating":4.5,"balance":-12})");
    CPPUNIT_ASSERT_EQUAL(201, r.status);
    CPPUNIT_ASSERT_EQUAL(int64_t(1000), idOf(r.body));
    CPPUNIT_ASSERT(contains(r.body, "\"scratch\":\"\""));
    CPPUNIT_ASSERT(contains(r.body, "\"rating\":4.5"));
    CPPUNIT_ASSERT(contains(r.body, "\"balance\":-12"));
    CPPUNIT_ASSERT(contains(r.body, "\"city\":\"Calgary\"")); // string default
    CPPUNIT_ASSERT(contains(r.body, "\"verified\":false"));
    CPPUNIT_ASSERT(contains(get("/owner/1000").body, "\"scratch\":\"\""));
    CPPUNIT_ASSERT_EQUAL(size_t(1), countOf(get("/owners/rating(GE%204.5)").body, "\"id\""));
}

void ModelsApiTest::testOpenApiDescribesTheRoutes()
{
    start({kV1});
    HttpResult r = get("/openapi.json");
    CPPUNIT_ASSERT_EQUAL(200, r.status);
    CPPUNIT_ASSERT(contains(r.body, "\"openapi\":\"3.0.3\""));
    CPPUNIT_ASSERT(contains(r.body, "\"/library/{id}\""));
    CPPUNIT_ASSERT(contains(r.body, "\"operationId\":\"library.GET_ID\""));
    CPPUNIT_ASSERT(contains(r.body, "\"operationId\":\"book.STATICFLTR_ByCopies\""));
    CPPUNIT_ASSERT(contains(r.body, "\"/library/{library_id}/tobooks/{book_id}\""));
    // A relation answers 200 (a list or one object), and the document says so.
    auto responses = Poco::JSON::Parser()
                         .parse(r.body)
                         .extract<Poco::JSON::Object::Ptr>()
                         ->getObject("paths")
                         ->getObject("/library/{library_id}/tobooks/{book_id}")
                         ->getObject("get")
                         ->getObject("responses");
    CPPUNIT_ASSERT(responses->has("200"));
    CPPUNIT_ASSERT(!responses->has("201"));
    // /{book_id} answers one book; the hasMany route without it a list.
    auto schemaOf = [&r](const std::string& path) { return jiffy::test::openApiResponseSchema(r.body, path); };
    CPPUNIT_ASSERT_EQUAL(std::string("object"),
                         schemaOf("/library/{library_id}/tobooks/{book_id}")->getValue<std::string>("type"));
    CPPUNIT_ASSERT_EQUAL(std::string("array"),
                         schemaOf("/library/{library_id}/tobooks")->getValue<std::string>("type"));
}

void ModelsApiTest::testRouteErrors()
{
    start({kV1});
    CPPUNIT_ASSERT_EQUAL(404, get("/nosuch").status);
    CPPUNIT_ASSERT_EQUAL(404, get("/library/abc").status);
    CPPUNIT_ASSERT_EQUAL(405, jiffy::test::http("PATCH", "127.0.0.1", jiffyd_.port(), "/library/1").status);
    CPPUNIT_ASSERT_EQUAL(400, get("/library/99999999999999999999").status);
    CPPUNIT_ASSERT_EQUAL(400, get("/librarys/$unknown").status);
}
