#include "AuthApiTest.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <ctime>
#include <thread>
#include <sstream>

using jiffy::test::contains;

using jiffy::test::HttpResult;

namespace {

const char* kJiffyAdminHash = "$2a$14$slyclyuMN6EzcpSxgXX4EuaVMDIAP.MUQWxwByaEYM8ZPnMYlg3oq"; // see AuthUnitTest

Poco::JSON::Object::Ptr object(const std::string& json)
{
    return Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
}

int64_t idOf(const std::string& json, const char* key = "id")
{
    auto o = object(json);
    return o->has(key) ? o->getValue<int64_t>(key) : -1;
}

} // namespace

const char* AuthApiTest::jiffyAdminHash()
{
    return kJiffyAdminHash;
}

void AuthApiTest::setUp()
{
    database_ = freshDatabase();
    std::string log;
    // The same keys for every start of this test: generate them once.
    int code = jiffyd_.run(config(), {"--generate-keys"}, log);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(log, 0, code);
}

std::string AuthApiTest::config(const std::string& authExtra) const
{
    return "{\n \"database\": " + database_ + ",\n \"logging\": " + loggingJson() +
           ",\n"
           " \"ecdsa384_priv_key_file\": \"" +
           dir_.file("ec384.priv.pem") +
           "\",\n"
           " \"ecdsa384_pub_key_file\": \"" +
           dir_.file("ec384.pub.pem") +
           "\",\n"
           " \"jwt_sign_method\": \"ES384\",\n"
           " \"auth\": {\"bcrypt_cost\": 10, \"login_max_failures\": 3, \"login_lockout_s\": 60" +
           (authExtra.empty() ? "" : ", " + authExtra) +
           "},\n"
           " \"routes\": [{\"plugin\": \"models\", \"model_files\": [\"" +
           jiffy::test::sourceDir() + "/tests/data/models/library_v1.json\"]}]\n}\n";
}

void AuthApiTest::start(const std::string& authExtra, const std::vector<std::string>& args)
{
    jiffyd_.start(config(authExtra), args);
}

std::string AuthApiTest::login(const std::string& email, const std::string& password)
{
    HttpResult r = jiffyd_.post("/usr/login", "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}");
    if (r.status != 200) return "";
    return object(r.body)->getValue<std::string>("token");
}

std::map<std::string, std::string> AuthApiTest::bearer(const std::string& token) const
{
    return {{"Authorization", "Bearer " + token}};
}

int64_t AuthApiTest::createUser(const std::string& admin, const std::string& email, const std::string& groups,
                                bool active)
{
    HttpResult r = jiffyd_.post("/usr",
                                "{\"name\":\"N\",\"email\":\"" + email + "\",\"password\":\"secret1\",\"active\":" +
                                    (active ? "true" : "false") + ",\"groups\":\"" + groups + "\"}",
                                bearer(admin));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 201, r.status);
    return idOf(r.body, "ID");
}

void AuthApiTest::testFirstStartAdminLogsInAndListsLibraries()
{
    start();
    HttpResult r = jiffyd_.post("/usr/login", R"({"email":"admin","password":"initpass"})");
    CPPUNIT_ASSERT_EQUAL(200, r.status);
    std::string token = object(r.body)->getValue<std::string>("token");
    CPPUNIT_ASSERT_EQUAL(size_t(3), static_cast<size_t>(std::count(token.begin(), token.end(), '.')) + 1);
    HttpResult l = jiffyd_.get("/librarys", bearer(token));
    CPPUNIT_ASSERT_EQUAL(200, l.status);
    CPPUNIT_ASSERT_EQUAL(std::string("[]"), l.body);
    CPPUNIT_ASSERT_EQUAL(201, jiffyd_.post("/library", R"({"name":"A","city":"B"})", bearer(token)).status);
    // The warning comes from a check run after the start (nothing slow before listening).
    for (int i = 0; i < 200 && !contains(jiffyd_.log(), "default password"); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    CPPUNIT_ASSERT(contains(jiffyd_.log(), "default password"));
}

void AuthApiTest::testProtectedRoutesWithoutAValidTokenAre401WithAnEmptyBody()
{
    start();
    for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{{"GET", "/librarys"},
                                                                                       {"GET", "/library/1"},
                                                                                       {"GET", "/usrs"},
                                                                                       {"GET", "/usrgroups"},
                                                                                       {"GET", "/auths"},
                                                                                       {"GET", "/groupauths"},
                                                                                       {"DELETE", "/usr/1"},
                                                                                       {"PUT", "/usr/1"}}) {
        HttpResult r = jiffy::test::http(method, "127.0.0.1", jiffyd_.port(), path, method == "PUT" ? "{}" : "");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(method + " " + path, 401, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string(), r.body);
        CPPUNIT_ASSERT_EQUAL(std::string("Bearer"), r.header("www-authenticate")); // no token: no error code
    }
    CPPUNIT_ASSERT_EQUAL(401, jiffyd_.get("/librarys", {{"Authorization", "Basic YWRtaW46aW5pdHBhc3M="}}).status);
    CPPUNIT_ASSERT_EQUAL(200, jiffyd_.get("/healthz").status); // open routes stay open
    // Authentication comes before the body: a client announcing 1 MiB and
    // sending none of it gets its 401 without the server waiting for it.
    Poco::Net::StreamSocket s(Poco::Net::SocketAddress("127.0.0.1", jiffyd_.port()));
    const std::string head = "POST /library HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n";
    s.sendBytes(head.data(), static_cast<int>(head.size()));
    s.setReceiveTimeout(Poco::Timespan(10, 0)); // generous; Poco would wait 30 s for the body
    char buf[512];
    std::string answer;
    try {
        int n = s.receiveBytes(buf, sizeof buf);
        if (n > 0) answer.assign(buf, static_cast<size_t>(n));
    } catch (const Poco::TimeoutException&) {
        CPPUNIT_FAIL("no answer while the announced body was not sent: the body was read before authentication");
    }
    CPPUNIT_ASSERT_MESSAGE(answer, answer.rfind("HTTP/1.1 401", 0) == 0);
}

void AuthApiTest::testWrongPasswordAndUnknownEmailLookAlike()
{
    start();
    HttpResult wrong = jiffyd_.post("/usr/login", R"({"email":"admin","password":"nope!!"})");
    HttpResult unknown = jiffyd_.post("/usr/login", R"({"email":"ghost@example.com","password":"nope!!"})");
    CPPUNIT_ASSERT_EQUAL(400, wrong.status);
    CPPUNIT_ASSERT_EQUAL(wrong.status, unknown.status);
    CPPUNIT_ASSERT_EQUAL(std::string("{\"error\":\"models: the provided password is not valid\"}"), wrong.body);
    CPPUNIT_ASSERT_EQUAL(wrong.body, unknown.body);
    CPPUNIT_ASSERT_EQUAL(400, jiffyd_.post("/usr/login", "not json").status);
    CPPUNIT_ASSERT(contains(jiffyd_.post("/usr/login", "not json").body, "userc: Invalid request payload"));
}

void AuthApiTest::testUserCrud()
{
    start();
    std::string admin = login("admin", "initpass");
    HttpResult c = jiffyd_.post("/usr", R"({"Name":"Ann","EMAIL":" Ann@Example.COM ","password":"secret1","active":true,
                                            "groups":" Super ; Readers "})",
                                bearer(admin));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(c.body, 201, c.status);
    auto u = object(c.body);
    CPPUNIT_ASSERT_EQUAL(std::string("ann@example.com"), u->getValue<std::string>("Email"));
    CPPUNIT_ASSERT_EQUAL(std::string("Super;Readers"), u->getValue<std::string>("groups"));
    CPPUNIT_ASSERT_EQUAL(std::string(""), u->getValue<std::string>("PasswordHash"));
    CPPUNIT_ASSERT_EQUAL(std::string(""), u->getValue<std::string>("Password"));
    CPPUNIT_ASSERT(u->has("created_on") && u->getValue<bool>("Active"));
    int64_t id = u->getValue<int64_t>("ID");
    CPPUNIT_ASSERT_EQUAL(jiffyd_.base() + "/usr/" + std::to_string(id), u->getValue<std::string>("href"));
    CPPUNIT_ASSERT_EQUAL(201, jiffyd_.get("/usr/" + std::to_string(id), bearer(admin)).status);
    HttpResult list = jiffyd_.get("/usrs", bearer(admin));
    CPPUNIT_ASSERT(contains(list.body, "ann@example.com") && !contains(list.body, "$2"));
    HttpResult p =
        jiffyd_.put("/usr/" + std::to_string(id), R"({"name":"Ann B","active":true,"groups":"Super"})", bearer(admin));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(p.body, 201, p.status);
    CPPUNIT_ASSERT_EQUAL(std::string("Ann B"), object(p.body)->getValue<std::string>("Name"));
    CPPUNIT_ASSERT(!login("ann@example.com", "secret1").empty()); // password kept by the update
    CPPUNIT_ASSERT_EQUAL(202, jiffyd_.del("/usr/" + std::to_string(id), bearer(admin)).status);
    CPPUNIT_ASSERT_EQUAL(404, jiffyd_.get("/usr/" + std::to_string(id), bearer(admin)).status);
    CPPUNIT_ASSERT_EQUAL(404, jiffyd_.del("/usr/" + std::to_string(id), bearer(admin)).status);
}

void AuthApiTest::testUserValidationUsesJiffysMessages()
{
    start();
    std::string admin = login("admin", "initpass");
    auto error = [&](const std::string& body) {
        HttpResult r = jiffyd_.post("/usr", body, bearer(admin));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(body, 400, r.status);
        return object(r.body)->getValue<std::string>("error");
    };
    CPPUNIT_ASSERT_EQUAL(std::string("models: password must be at least 6 characters"),
                         error(R"({"email":"a@b.cd","password":"12345","groups":"Super"})"));
    CPPUNIT_ASSERT_EQUAL(std::string("models: an email address is required"),
                         error(R"({"password":"123456","groups":"Super"})"));
    CPPUNIT_ASSERT_EQUAL(std::string("models: the provided email address is not valid"),
                         error(R"({"email":"not-an-email","password":"123456","groups":"Super"})"));
    CPPUNIT_ASSERT_EQUAL(std::string("models: email address has been taken by another user"),
                         error(R"({"email":"ADMIN","password":"123456","groups":"Super"})"));
    CPPUNIT_ASSERT_EQUAL(
        std::string("models: at least one Group must be specified when creating or updating a user record"),
        error(R"({"email":"x@y.zz","password":"123456"})"));
    CPPUNIT_ASSERT_EQUAL(
        std::string("models: at least one Group must be specified when creating or updating a user record"),
        error(R"({"email":"x@y.zz","password":"123456","groups":" ; "})"));
}

void AuthApiTest::testGroupAuthAndGrantCrud()
{
    start();
    std::string admin = login("admin", "initpass");
    HttpResult g = jiffyd_.post("/usrgroup", R"({"group_name":"Readers","description":"read only"})", bearer(admin));
    CPPUNIT_ASSERT_EQUAL(201, g.status);
    int64_t gid = idOf(g.body);
    CPPUNIT_ASSERT_EQUAL(jiffyd_.base() + "/usrgroup/" + std::to_string(gid),
                         object(g.body)->getValue<std::string>("href"));
    CPPUNIT_ASSERT_EQUAL(
        201, jiffyd_.put("/usrgroup/" + std::to_string(gid), R"({"description":"readers"})", bearer(admin)).status);
    CPPUNIT_ASSERT(
        contains(jiffyd_.get("/usrgroup/" + std::to_string(gid), bearer(admin)).body, "\"description\":\"readers\""));
    HttpResult a =
        jiffyd_.post("/auth", R"({"auth_name":"custom.THING","description":"a custom right"})", bearer(admin));
    CPPUNIT_ASSERT_EQUAL(201, a.status);
    int64_t aid = idOf(a.body);
    CPPUNIT_ASSERT(contains(a.body, "\"auth_type\":\"endpoint\""));
    HttpResult ga =
        jiffyd_.post("/groupauth", "{\"group_id\":" + std::to_string(gid) + ",\"auth_id\":" + std::to_string(aid) + "}",
                     bearer(admin));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(ga.body, 201, ga.status);
    auto gaObj = object(ga.body);
    CPPUNIT_ASSERT_EQUAL(std::string("Readers"), gaObj->getValue<std::string>("group_name"));
    CPPUNIT_ASSERT_EQUAL(std::string("custom.THING"), gaObj->getValue<std::string>("auth_name"));
    CPPUNIT_ASSERT_EQUAL(400, jiffyd_.post("/groupauth", R"({"group_id":999999,"auth_id":1})", bearer(admin)).status);
    int64_t gaid = gaObj->getValue<int64_t>("id");
    CPPUNIT_ASSERT_EQUAL(201, jiffyd_.get("/groupauth/" + std::to_string(gaid), bearer(admin)).status);
    // every remaining route of the three entities
    CPPUNIT_ASSERT_EQUAL(201, jiffyd_.get("/auth/" + std::to_string(aid), bearer(admin)).status);
    HttpResult au = jiffyd_.put("/auth/" + std::to_string(aid), R"({"description":"changed"})", bearer(admin));
    CPPUNIT_ASSERT_EQUAL(201, au.status);
    CPPUNIT_ASSERT(contains(au.body, "\"auth_name\":\"custom.THING\"") &&
                   contains(au.body, "\"description\":\"changed\""));
    CPPUNIT_ASSERT(contains(jiffyd_.get("/auths", bearer(admin)).body, "custom.THING"));
    CPPUNIT_ASSERT(contains(jiffyd_.get("/groupauths", bearer(admin)).body, "\"auth_name\":\"custom.THING\""));
    int64_t otherAuth = idOf(jiffyd_.post("/auth", R"({"auth_name":"custom.OTHER"})", bearer(admin)).body);
    HttpResult gau = jiffyd_.put(
        "/groupauth/" + std::to_string(gaid),
        "{\"group_id\":" + std::to_string(gid) + ",\"auth_id\":" + std::to_string(otherAuth) + "}", bearer(admin));
    CPPUNIT_ASSERT_EQUAL(201, gau.status);
    CPPUNIT_ASSERT(contains(gau.body, "\"auth_name\":\"custom.OTHER\""));
    int64_t second = idOf(
        jiffyd_
            .post("/groupauth", "{\"group_id\":" + std::to_string(gid) + ",\"auth_id\":" + std::to_string(aid) + "}",
                  bearer(admin))
            .body);
    CPPUNIT_ASSERT_EQUAL(202, jiffyd_.del("/groupauth/" + std::to_string(second), bearer(admin)).status);
    CPPUNIT_ASSERT_EQUAL(404, jiffyd_.get("/groupauth/" + std::to_string(second), bearer(admin)).status);
    CPPUNIT_ASSERT_EQUAL(404, jiffyd_.put("/auth/999999", R"({"description":"x"})", bearer(admin)).status);
    CPPUNIT_ASSERT_EQUAL(202, jiffyd_.del("/groupauths/" + std::to_string(gid), bearer(admin)).status);
    CPPUNIT_ASSERT_EQUAL(404, jiffyd_.get("/groupauth/" + std::to_string(gaid), bearer(admin)).status);
    CPPUNIT_ASSERT_EQUAL(202, jiffyd_.del("/auth/" + std::to_string(aid), bearer(admin)).status);
    CPPUNIT_ASSERT_EQUAL(202, jiffyd_.del("/usrgroup/" + std::to_string(gid), bearer(admin)).status);
    CPPUNIT_ASSERT_EQUAL(404, jiffyd_.get("/usrgroup/" + std::to_string(gid), bearer(admin)).status);
    CPPUNIT_ASSERT(contains(jiffyd_.get("/usrgroups", bearer(admin)).body, "\"group_name\":\"Super\""));
}

void AuthApiTest::testStaticFiltersOfAuthEntities()
{
    start();
    std::string admin = login("admin", "initpass");
    HttpResult byName = jiffyd_.get("/auths/auth_name(EQ%20'library.GET_ID')", bearer(admin));
    CPPUNIT_ASSERT_EQUAL(200, byName.status);
    CPPUNIT_ASSERT(contains(byName.body, "\"description\":\"Allow GET_ID access to the library entity\""));
    CPPUNIT_ASSERT(contains(jiffyd_.get("/usrgroups/group_name(LIKE%20'Sup')", bearer(admin)).body, "Super"));
    HttpResult grants = jiffyd_.get("/groupauths/group_id(GT%200)", bearer(admin));
    CPPUNIT_ASSERT_EQUAL(200, grants.status);
    CPPUNIT_ASSERT(contains(grants.body, "\"group_name\":\"Super\""));
    CPPUNIT_ASSERT_EQUAL(400, jiffyd_.get("/groupauths/group_id(LIKE%20'1')", bearer(admin)).status);
}

void AuthApiTest::testPerRouteAuthorization()
{
    start();
    std::string admin = login("admin", "initpass");
    int64_t lib = idOf(jiffyd_.post("/library", R"({"name":"A","city":"B"})", bearer(admin)).body);
    int64_t gid =
        idOf(jiffyd_.post("/usrgroup", R"({"group_name":"OneLibrary","description":"x"})", bearer(admin)).body);
    auto getId = object("{\"x\":" + jiffyd_.get("/auths/auth_name(EQ%20'library.GET_ID')", bearer(admin)).body + "}");
    int64_t aid = getId->getArray("x")->getObject(0)->getValue<int64_t>("id");
    CPPUNIT_ASSERT_EQUAL(201,
                         jiffyd_
                             .post("/groupauth",
                                   "{\"group_id\":" + std::to_string(gid) + ",\"auth_id\":" + std::to_string(aid) + "}",
                                   bearer(admin))
                             .status);
    createUser(admin, "reader@example.com", "OneLibrary");
    std::string reader = login("reader@example.com", "secret1");
    CPPUNIT_ASSERT(!reader.empty());
    CPPUNIT_ASSERT_EQUAL(201, jiffyd_.get("/library/" + std::to_string(lib), bearer(reader)).status);
    HttpResult list = jiffyd_.get("/librarys", bearer(reader));
    CPPUNIT_ASSERT_EQUAL(401, list.status);
    // A good token lacking the grant says so (RFC 6750), so a client need not sign in again.
    CPPUNIT_ASSERT_EQUAL(std::string("Bearer error=\"insufficient_scope\""), list.header("www-authenticate"));
    CPPUNIT_ASSERT_EQUAL(401, jiffyd_.post("/library", R"({"name":"x","city":"y"})", bearer(reader)).status);
    CPPUNIT_ASSERT_EQUAL(401, jiffyd_.del("/library/" + std::to_string(lib), bearer(reader)).status);
    CPPUNIT_ASSERT_EQUAL(401, jiffyd_.get("/usrs", bearer(reader)).status);
}

void AuthApiTest::testDeactivatedUserIsRefused()
{
    start();
    std::string admin = login("admin", "initpass");
    int64_t id = createUser(admin, "bob@example.com", "Super");
    std::string bob = login("bob@example.com", "secret1");
    CPPUNIT_ASSERT_EQUAL(200, jiffyd_.get("/librarys", bearer(bob)).status);
    CPPUNIT_ASSERT_EQUAL(201, jiffyd_.put("/usr/" + std::to_string(id), R"({"active":false})", bearer(admin)).status);
    HttpResult refused = jiffyd_.get("/librarys", bearer(bob)); // the same, still unexpired token
    CPPUNIT_ASSERT_EQUAL(401, refused.status);
    CPPUNIT_ASSERT_EQUAL(std::string("Bearer error=\"invalid_token\""), refused.header("www-authenticate"));
    HttpResult again = jiffyd_.post("/usr/login", R"({"email":"bob@example.com","password":"secret1"})");
    CPPUNIT_ASSERT_EQUAL(400, again.status);
    CPPUNIT_ASSERT(contains(again.body, "models: user is currently locked"));
    // a wrong password does not reveal that the account is locked
    CPPUNIT_ASSERT(contains(jiffyd_.post("/usr/login", R"({"email":"bob@example.com","password":"wrong!!"})").body,
                            "the provided password is not valid"));
}

void AuthApiTest::testGrantsChangedAtRunTimeApplyAtOnce()
{
    start();
    std::string admin = login("admin", "initpass");
    int64_t gid = idOf(jiffyd_.post("/usrgroup", R"({"group_name":"Listers","description":"x"})", bearer(admin)).body);
    createUser(admin, "carol@example.com", "Listers");
    std::string carol = login("carol@example.com", "secret1");
    CPPUNIT_ASSERT_EQUAL(401, jiffyd_.get("/librarys", bearer(carol)).status);
    auto auth = object("{\"x\":" + jiffyd_.get("/auths/auth_name(EQ%20'library.GET_SET')", bearer(admin)).body + "}");
    int64_t aid = auth->getArray("x")->getObject(0)->getValue<int64_t>("id");
    HttpResult ga =
        jiffyd_.post("/groupauth", "{\"group_id\":" + std::to_string(gid) + ",\"auth_id\":" + std::to_string(aid) + "}",
                     bearer(admin));
    CPPUNIT_ASSERT_EQUAL(200, jiffyd_.get("/librarys", bearer(carol)).status); // no restart needed (jiffy needs one)
    CPPUNIT_ASSERT_EQUAL(202, jiffyd_.del("/groupauth/" + std::to_string(idOf(ga.body)), bearer(admin)).status);
    CPPUNIT_ASSERT_EQUAL(401, jiffyd_.get("/librarys", bearer(carol)).status); // jiffy never applies deletes
}

void AuthApiTest::testDeactivationReachesEveryInstance()
{
    // Two instances on one database; the second learns of the change by its
    // periodic reload (a cluster bus would make it immediate).
    start("\"cache_refresh_s\": 1");
    std::string admin = login("admin", "initpass");
    int64_t id = createUser(admin, "dave@example.com", "Super");
    jiffy::test::JiffydRunner other(dir_);
    other.start(config("\"cache_refresh_s\": 1"));
    HttpResult l = other.post("/usr/login", R"({"email":"dave@example.com","password":"secret1"})");
    std::string dave = object(l.body)->getValue<std::string>("token");
    CPPUNIT_ASSERT_EQUAL(200, other.get("/librarys", bearer(dave)).status);
    CPPUNIT_ASSERT_EQUAL(201, jiffyd_.put("/usr/" + std::to_string(id), R"({"active":false})", bearer(admin)).status);
    bool refused = false;
    for (int i = 0; i < 100 && !refused; ++i) {
        refused = other.get("/librarys", bearer(dave)).status == 401;
        if (!refused) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    CPPUNIT_ASSERT_MESSAGE("the other instance still serves a deactivated user", refused);
}

void AuthApiTest::testJiffyHashIsTakenOver()
{
    start();
    jiffyd_.stop();
    execSql(std::string("UPDATE usr SET password_hash = '") + kJiffyAdminHash + "' WHERE email = 'admin'");
    start();
    CPPUNIT_ASSERT(!login("admin", "initpass").empty()); // jiffy's default pepper, cost 14
}

void AuthApiTest::testHashIsUpgradedOnLogin()
{
    start();
    jiffyd_.stop();
    start("\"password_hash\": \"argon2id\", \"argon2_memory_kib\": 8192, \"argon2_time_cost\": 1");
    CPPUNIT_ASSERT(querySql("SELECT password_hash FROM usr WHERE email = 'admin'").rfind("$2b$", 0) == 0);
    CPPUNIT_ASSERT(!login("admin", "initpass").empty());
    CPPUNIT_ASSERT(querySql("SELECT password_hash FROM usr WHERE email = 'admin'").rfind("$argon2id$", 0) == 0);
    CPPUNIT_ASSERT(!login("admin", "initpass").empty()); // and it still verifies
}

void AuthApiTest::testFailedLoginsAreThrottled()
{
    start();
    for (int i = 0; i < 3; ++i)
        CPPUNIT_ASSERT_EQUAL(400, jiffyd_.post("/usr/login", R"({"email":"admin","password":"guess!"})").status);
    HttpResult locked = jiffyd_.post("/usr/login", R"({"email":"admin","password":"initpass"})");
    CPPUNIT_ASSERT_EQUAL(429, locked.status);
    int retry = std::stoi(locked.header("retry-after"));
    CPPUNIT_ASSERT(retry > 0 && retry <= 61);
    // other accounts are not locked by this one's failures
    CPPUNIT_ASSERT_EQUAL(400, jiffyd_.post("/usr/login", R"({"email":"other@x.io","password":"guess!"})").status);
}

void AuthApiTest::testPasswordCanBeChanged()
{
    start();
    HttpResult r =
        jiffyd_.post("/usr/password", R"({"email":"admin","password":"initpass","new_password":"n3w-secret"})");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
    CPPUNIT_ASSERT(login("admin", "initpass").empty());
    CPPUNIT_ASSERT(!login("admin", "n3w-secret").empty());
    CPPUNIT_ASSERT_EQUAL(
        400, jiffyd_.post("/usr/password", R"({"email":"admin","password":"n3w-secret","new_password":"x"})").status);
    jiffyd_.stop();
    start();
    for (int i = 0; i < 200 && !contains(jiffyd_.log(), "password is not the default"); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    CPPUNIT_ASSERT_MESSAGE(jiffyd_.log(), contains(jiffyd_.log(), "user admin's password is not the default one"));
    CPPUNIT_ASSERT(!contains(jiffyd_.log(), "still has the default password"));
}

void AuthApiTest::testForgedTokensAre401()
{
    start();
    std::string token = login("admin", "initpass");
    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    std::string payload =
        jiffy::test::base64url("{\"uid\":1,\"Groups\":\"Super\",\"exp\":" + std::to_string(now + 600) + "}");
    const std::vector<std::string> forged = {
        jiffy::test::base64url("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + payload + ".",
        jiffy::test::base64url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + payload + ".c2lnbmF0dXJl",
        token.substr(0, token.find('.') + 1) + payload + token.substr(token.rfind('.')),
        token.substr(0, token.size() - 8),
        std::string(8000, 'x'),
        "!!!.@@@.###",
    };
    for (const auto& f : forged) {
        HttpResult r = jiffyd_.get("/librarys", bearer(f));
        CPPUNIT_ASSERT_EQUAL(401, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string(), r.body);
        CPPUNIT_ASSERT_EQUAL(std::string("Bearer error=\"invalid_token\""), r.header("www-authenticate"));
    }
    // A 64 kB header never reaches the gate: Poco refuses header values over
    // 8 KiB as a malformed request (400, or a reset connection while the
    // client is still sending). Either way nothing is served.
    HttpResult huge = jiffyd_.get("/librarys", bearer(std::string(65536, 'x')));
    CPPUNIT_ASSERT_MESSAGE(std::to_string(huge.status), huge.status != 200);
    CPPUNIT_ASSERT_EQUAL(200, jiffyd_.get("/healthz").status);
    CPPUNIT_ASSERT_EQUAL(200, jiffyd_.get("/librarys", bearer(token)).status);
}

void AuthApiTest::testRebuildSuperRestoresEveryGrant()
{
    start();
    std::string admin = login("admin", "initpass");
    auto super = object("{\"x\":" + jiffyd_.get("/usrgroups/group_name(EQ%20'Super')", bearer(admin)).body + "}");
    std::string sid = std::to_string(super->getArray("x")->getObject(0)->getValue<int64_t>("id"));
    std::string before = jiffyd_.get("/groupauths/group_id(EQ%20" + sid + ")", bearer(admin)).body;
    CPPUNIT_ASSERT_EQUAL(202, jiffyd_.del("/groupauths/" + sid, bearer(admin)).status);
    CPPUNIT_ASSERT_EQUAL(401, jiffyd_.get("/librarys", bearer(admin)).status); // Super lost everything
    jiffyd_.stop();
    start("", {"-rs"});
    std::string fresh = login("admin", "initpass");
    CPPUNIT_ASSERT_EQUAL(200, jiffyd_.get("/librarys", bearer(fresh)).status);
    std::string after = jiffyd_.get("/groupauths/group_id(EQ%20" + sid + ")", bearer(fresh)).body;
    CPPUNIT_ASSERT_EQUAL(std::count(before.begin(), before.end(), '{'), std::count(after.begin(), after.end(), '{'));
}

void AuthApiTest::testDestructiveResetNeedsConfirmation()
{
    start();
    std::string admin = login("admin", "initpass");
    jiffyd_.post("/library", R"({"name":"doomed","city":"x"})", bearer(admin));
    jiffyd_.stop();
    std::string log;
    CPPUNIT_ASSERT_EQUAL(64, jiffyd_.run(config(), {"-dr"}, log));
    CPPUNIT_ASSERT(contains(log, "--yes-destroy-all-data"));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(log, 0, jiffyd_.run(config(), {"-dr", "--yes-destroy-all-data"}, log));
    start();
    std::string fresh = login("admin", "initpass");
    CPPUNIT_ASSERT_EQUAL(std::string("[]"), jiffyd_.get("/librarys", bearer(fresh)).body);
}

void AuthApiTest::testRegistrationCanBeClosed()
{
    start("\"open_registration\": false");
    HttpResult r =
        jiffyd_.post("/usr", R"({"email":"mallory@evil.io","password":"123456","groups":"Super","active":true})");
    CPPUNIT_ASSERT_EQUAL(401, r.status);
    std::string admin = login("admin", "initpass");
    createUser(admin, "ok@example.com", "Super");
}

void AuthApiTest::testSelfRegistrationCannotMintAnAdmin()
{
    start(); // open registration, as jiffy's default
    const std::string evil =
        R"({"email":"evil@x.com","password":"evilpass1","name":"e","active":true,"groups":"Super"})";
    HttpResult r = jiffyd_.post("/usr", evil);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 403, r.status);
    CPPUNIT_ASSERT_MESSAGE(r.body, contains(r.body, R"(self-registration cannot join group \"Super\")"));
    CPPUNIT_ASSERT(login("evil@x.com", "evilpass1").empty());
    // Without groups it registers, in no group and inactive: no token to be had.
    HttpResult ok = jiffyd_.post("/usr", R"({"email":"evil@x.com","password":"evilpass1","name":"e","active":true})");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(ok.body, 201, ok.status);
    CPPUNIT_ASSERT_MESSAGE(ok.body, contains(ok.body, "\"Active\":false") && !contains(ok.body, "\"groups\""));
    HttpResult locked = jiffyd_.post("/usr/login", R"({"email":"evil@x.com","password":"evilpass1"})");
    CPPUNIT_ASSERT(contains(locked.body, "models: user is currently locked"));
    // A token that is not valid is refused, not treated as anonymous.
    CPPUNIT_ASSERT_EQUAL(401, jiffyd_.post("/usr", evil, bearer("not.a.token")).status);
    // An admin still chooses groups and activation, and may activate the user later.
    std::string admin = login("admin", "initpass");
    createUser(admin, "mod@example.com", "Super");
    HttpResult act = jiffyd_.put("/usr/" + std::to_string(idOf(ok.body, "ID")), R"({"active":true})", bearer(admin));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(act.body, 201, act.status);
    std::string token = login("evil@x.com", "evilpass1");
    CPPUNIT_ASSERT(!token.empty());
    CPPUNIT_ASSERT_EQUAL(401, jiffyd_.get("/usrs", bearer(token)).status);
}

void AuthApiTest::testSelfRegisteredUserReachesNoAdminRoute()
{
    start("\"registration_groups\": [\"Readers\"], \"registration_active\": true");
    HttpResult r = jiffyd_.post("/usr", R"({"email":"self@example.com","password":"selfpass1","name":"s"})");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 201, r.status);
    CPPUNIT_ASSERT_MESSAGE(r.body, contains(r.body, "\"groups\":\"Readers\"") && contains(r.body, "\"Active\":true"));
    CPPUNIT_ASSERT_EQUAL(403, jiffyd_
                                  .post("/usr", R"({"email":"two@example.com","password":"selfpass1",)"
                                                R"("groups":"Readers;Writers"})")
                                  .status);
    std::string self = login("self@example.com", "selfpass1");
    CPPUNIT_ASSERT(!self.empty());
    std::string admin = login("admin", "initpass");
    for (const char* path : {"/usrs", "/usrgroups", "/auths", "/groupauths"}) {
        CPPUNIT_ASSERT_EQUAL_MESSAGE(path, 401, jiffyd_.get(path, bearer(self)).status);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(path, 200, jiffyd_.get(path, bearer(admin)).status);
    }
    const std::string id = std::to_string(idOf(r.body, "ID"));
    CPPUNIT_ASSERT_EQUAL(401, jiffyd_.put("/usr/" + id, R"({"groups":"Super"})", bearer(self)).status);
    CPPUNIT_ASSERT_EQUAL(401,
                         jiffyd_.post("/usrgroup", R"({"group_name":"Mine","description":"x"})", bearer(self)).status);
    CPPUNIT_ASSERT_EQUAL(401, jiffyd_.post("/groupauth", R"({"group_id":1,"auth_id":1})", bearer(self)).status);
    CPPUNIT_ASSERT_EQUAL(201, jiffyd_.put("/usr/" + id, R"({"groups":"Readers;Other"})", bearer(admin)).status);
}
