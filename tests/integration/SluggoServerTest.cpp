// jiffy-sluggo as a network server: byte-level compatibility with Go
// sluggo (requests exactly as Go's client sends them, replies compared with
// what Go sluggo answered when captured), the handshake refusals, hostile
// input, limits, the extension path, snapshots and shutdown.
#include "support/SluggoTestServer.h"

#include "protocol/Article.h"
#include "protocol/ExtMessages.h"
#include "server/Snapshot.h"
#include "server/Store.h"
#include "support/ChildProcess.h"

#include <cppunit/extensions/HelperMacros.h>

#include <Poco/Net/WebSocket.h>

#include <algorithm>
#include <csignal>
#include <random>
#include <thread>

using jiffy::sluggo::Article;
using jiffy::sluggo::ExtReply;
using jiffy::sluggo::ExtRequest;
using jiffy::test::SluggoTestServer;
using jiffy::test::WsReply;
using WS = Poco::Net::WebSocket;

namespace {

std::string hex(const std::string& text)
{
    std::string out;
    for (size_t i = 0; i + 1 < text.size(); i += 3)
        out.push_back(static_cast<char>(std::stoi(text.substr(i, 2), nullptr, 16)));
    return out;
}

// Article's type definition under id 65, as every fresh Go encoder sends it.
const std::string kArticleType =
    hex("41 ff 81 03 01 01 07 41 72 74 69 63 6c 65 01 ff 82 00 01 05 01 03 4b 65 79 01 0c 00 01 02 4f 70 01 0c 00 "
        "01 05 56 61 6c 69 64 01 02 00 01 05 56 61 6c 75 65 01 0a 00 01 04 54 79 70 65 01 0c 00 00 00 ");

WsReply go(const SluggoTestServer& s, const std::string& path, const std::string& msg)
{
    return jiffy::test::goExchange(s.port(), path, &msg);
}

std::string article(const std::string& key, const std::string& op, const std::string& value = "")
{
    return jiffy::sluggo::encodeArticle(Article{key, op, !value.empty() || op == "AU", value, ""});
}

ExtReply ext(WS& ws, const ExtRequest& q)
{
    WsReply r = jiffy::test::exchangeOn(ws, jiffy::sluggo::encodeExtRequest(q), true);
    CPPUNIT_ASSERT(r.received);
    CPPUNIT_ASSERT_EQUAL(int{WS::FRAME_OP_BINARY}, r.opcode);
    return jiffy::sluggo::decodeExtReply(r.data);
}

std::string handshake(const std::string& extraHeaders, const std::string& path = "/set")
{
    return "GET " + path +
           " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
           extraHeaders + "\r\n";
}

} // namespace

class SluggoServerTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SluggoServerTest);
    CPPUNIT_TEST(testGoProtocolBytesOnTheWire);
    CPPUNIT_TEST(testHandshakeRefusalsMatchGo);
    CPPUNIT_TEST(testUnknownPathsAre404);
    CPPUNIT_TEST(testGarbageIsAnsweredFalseAndServerLivesOn);
    CPPUNIT_TEST(testFullStoreRefusesWrites);
    CPPUNIT_TEST(testExtensionKeepsOneConnectionForManyRequests);
    CPPUNIT_TEST(testExtensionRefusesGarbageAndUnknownOps);
    CPPUNIT_TEST(testNoExtensionsHidesTheExtensionPath);
    CPPUNIT_TEST(testSnapshotSurvivesGracefulRestart);
    CPPUNIT_TEST(testSynchronousSnapshotSurvivesKill);
    CPPUNIT_TEST(testDamagedSnapshotRefusesToStart);
    CPPUNIT_TEST(testSigtermExitsCleanlyAndHelpWorks);
    CPPUNIT_TEST(testStoreKeepsItsByteCountAndLimits);
    CPPUNIT_TEST(testSnapshotFormatRejectsEveryDamage);
    CPPUNIT_TEST_SUITE_END();

public:
    void testGoProtocolBytesOnTheWire()
    {
        SluggoTestServer s;
        s.start();
        // Go's wscl.AddUpdCacheEntry: Article{k1, AU, true, "v1"} -> text "true".
        std::string set = kArticleType + hex("11 ff 82 01 02 6b 31 01 02 41 55 01 01 01 02 76 31 00 ");
        WsReply r = go(s, "/set", set);
        CPPUNIT_ASSERT_EQUAL(std::string("true"), r.data);
        CPPUNIT_ASSERT_EQUAL(int{WS::FRAME_OP_TEXT}, r.opcode);
        // /get k1: Go sluggo answered exactly these bytes, in a text frame.
        r = go(s, "/get", kArticleType + hex("0a ff 82 01 02 6b 31 01 01 47 00 "));
        CPPUNIT_ASSERT(r.data == set);
        CPPUNIT_ASSERT_EQUAL(int{WS::FRAME_OP_TEXT}, r.opcode);
        // A miss: the zero Article.
        r = go(s, "/get", article("absent", "G"));
        CPPUNIT_ASSERT(r.data == kArticleType + hex("03 ff 82 00 "));
        // /delete answers "true", present or not; /isalive needs no request.
        CPPUNIT_ASSERT_EQUAL(std::string("true"), go(s, "/delete", article("k1", "D")).data);
        CPPUNIT_ASSERT_EQUAL(std::string("true"), go(s, "/delete", article("k1", "D")).data);
        CPPUNIT_ASSERT(go(s, "/get", article("k1", "G")).data == kArticleType + hex("03 ff 82 00 "));
        CPPUNIT_ASSERT_EQUAL(std::string("true"), jiffy::test::goExchange(s.port(), "/isalive", nullptr).data);
        // /flush clears everything.
        go(s, "/set", article("a", "AU", "1"));
        CPPUNIT_ASSERT_EQUAL(std::string("true"), go(s, "/flush", article("", "FLUSH")).data);
        CPPUNIT_ASSERT(go(s, "/get", article("a", "G")).data == kArticleType + hex("03 ff 82 00 "));
        // Binary frames are accepted too (be liberal in what you accept).
        auto ws = jiffy::test::openWs(s.port(), "/set");
        CPPUNIT_ASSERT_EQUAL(std::string("true"), jiffy::test::exchangeOn(*ws, article("b", "AU", "2"), true).data);
    }

    void testHandshakeRefusalsMatchGo()
    {
        SluggoTestServer s;
        s.start();
        // Go sluggo: "HTTP/1.1 403 Forbidden" without Origin (x/net's "null origin").
        CPPUNIT_ASSERT(jiffy::test::rawTcp(s.port(), handshake("")).rfind("HTTP/1.1 403", 0) == 0);
        CPPUNIT_ASSERT(jiffy::test::rawTcp(s.port(), handshake("Origin: null\r\n")).rfind("HTTP/1.1 403", 0) == 0);
        CPPUNIT_ASSERT(
            jiffy::test::rawTcp(s.port(), handshake("Origin: http://localhost/\r\n")).rfind("HTTP/1.1 101", 0) == 0);
        std::string noUpgrade =
            jiffy::test::rawTcp(s.port(), "GET /set HTTP/1.1\r\nHost: x\r\nOrigin: http://a/\r\n\r\n");
        CPPUNIT_ASSERT(noUpgrade.rfind("HTTP/1.1 400", 0) == 0);
        CPPUNIT_ASSERT(noUpgrade.find("not websocket protocol") != std::string::npos);
        std::string post = jiffy::test::rawTcp(s.port(), "POST /set HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
        CPPUNIT_ASSERT(post.rfind("HTTP/1.1 405", 0) == 0);
        std::string v8 = handshake("Origin: http://a/\r\n");
        v8.replace(v8.find("Version: 13"), 11, "Version: 8");
        std::string badVersion = jiffy::test::rawTcp(s.port(), v8);
        CPPUNIT_ASSERT(badVersion.rfind("HTTP/1.1 400", 0) == 0);
        CPPUNIT_ASSERT(badVersion.find("Sec-WebSocket-Version: 13") != std::string::npos);
    }

    void testUnknownPathsAre404()
    {
        SluggoTestServer s;
        s.start();
        std::string r = jiffy::test::rawTcp(s.port(), handshake("Origin: http://a/\r\n", "/nope"));
        CPPUNIT_ASSERT(r.rfind("HTTP/1.1 404", 0) == 0);
        CPPUNIT_ASSERT(r.find("404 page not found\n") != std::string::npos);
        CPPUNIT_ASSERT(
            jiffy::test::rawTcp(s.port(), handshake("Origin: http://a/\r\n", "/set/")).rfind("HTTP/1.1 404", 0) == 0);
    }

    void testGarbageIsAnsweredFalseAndServerLivesOn()
    {
        SluggoTestServer s({"--max-message", "4096"});
        s.start();
        std::mt19937 rng(7);
        for (int i = 0; i < 20; ++i) {
            std::string junk(1 + rng() % 200, '\0');
            for (char& c : junk) c = static_cast<char>(rng() & 0xff);
            CPPUNIT_ASSERT_EQUAL(std::string("false"), go(s, i % 2 ? "/set" : "/get", junk).data);
        }
        std::string truncated = article("k", "AU", "value");
        truncated.pop_back();
        CPPUNIT_ASSERT_EQUAL(std::string("false"), go(s, "/set", truncated).data);
        // An op Go sluggo would hang on, and a message over --max-message.
        CPPUNIT_ASSERT_EQUAL(std::string("false"), go(s, "/set", article("k", "ZZ")).data);
        CPPUNIT_ASSERT_EQUAL(std::string("false"), go(s, "/set", article("k", "AU", std::string(5000, 'x'))).data);
        // Not even HTTP, and a connection that says nothing at all.
        jiffy::test::rawTcp(s.port(), std::string("\x16\x03\x01\x00\xff garbage\r\n\r\n", 18), 4096, 1000);
        jiffy::test::rawTcp(s.port(), "", 16, 300);
        CPPUNIT_ASSERT_EQUAL(std::string("true"), go(s, "/set", article("k", "AU", "fine")).data);
        CPPUNIT_ASSERT_EQUAL(std::string("true"), jiffy::test::goExchange(s.port(), "/isalive", nullptr).data);
    }

    void testFullStoreRefusesWrites()
    {
        SluggoTestServer s({"--max-keys", "2", "--max-bytes", "4096"});
        s.start();
        CPPUNIT_ASSERT_EQUAL(std::string("true"), go(s, "/set", article("a", "AU", "1")).data);
        CPPUNIT_ASSERT_EQUAL(std::string("true"), go(s, "/set", article("b", "AU", "2")).data);
        CPPUNIT_ASSERT_EQUAL(std::string("false"), go(s, "/set", article("c", "AU", "3")).data);
        CPPUNIT_ASSERT_EQUAL(std::string("true"), go(s, "/set", article("a", "AU", "replaced")).data);
        auto ws = jiffy::test::openWs(s.port(), "/x/v1");
        ExtRequest q{"SET", "c", "x", "", 0, 0};
        ExtReply r = ext(*ws, q);
        CPPUNIT_ASSERT_EQUAL(std::string("full"), r.status);
        CPPUNIT_ASSERT_MESSAGE(r.message, r.message.find("--max-keys") != std::string::npos);
        q = ExtRequest{"SET", "a", std::string(5000, 'x'), "", 0, 0};
        r = ext(*ws, q);
        CPPUNIT_ASSERT_EQUAL(std::string("full"), r.status);
        CPPUNIT_ASSERT_MESSAGE(r.message, r.message.find("--max-bytes") != std::string::npos);
        CPPUNIT_ASSERT(s.log().find("refusing writes: store is full") != std::string::npos);
    }

    void testExtensionKeepsOneConnectionForManyRequests()
    {
        SluggoTestServer s;
        s.start();
        auto ws = jiffy::test::openWs(s.port(), "/x/v1");
        ExtReply hello = ext(*ws, ExtRequest{"HELLO", "", "", "", 0, 0});
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), hello.status);
        CPPUNIT_ASSERT_EQUAL(int64_t(1), hello.number);
        CPPUNIT_ASSERT(hello.features.find("cas") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), ext(*ws, ExtRequest{"ADD", "k", "v1", "", 0, 0}).status);
        CPPUNIT_ASSERT_EQUAL(std::string("conflict"), ext(*ws, ExtRequest{"ADD", "k", "v2", "", 0, 0}).status);
        CPPUNIT_ASSERT_EQUAL(std::string("conflict"), ext(*ws, ExtRequest{"CAS", "k", "v3", "nope", 0, 0}).status);
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), ext(*ws, ExtRequest{"CAS", "k", "v3", "v1", 0, 0}).status);
        CPPUNIT_ASSERT_EQUAL(std::string("v3"), ext(*ws, ExtRequest{"GET", "k", "", "", 0, 0}).value);
        CPPUNIT_ASSERT_EQUAL(int64_t(-4), ext(*ws, ExtRequest{"INCR", "n", "", "", 0, -4}).number);
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), ext(*ws, ExtRequest{"DEL", "k", "", "", 0, 0}).status);
        CPPUNIT_ASSERT_EQUAL(std::string("not_found"), ext(*ws, ExtRequest{"DEL", "k", "", "", 0, 0}).status);
        // a key written with a TTL through the extension looks like any Go-stored key to Go
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), ext(*ws, ExtRequest{"SET", "t", "tv", "", 60000, 0}).status);
        CPPUNIT_ASSERT(go(s, "/get", article("t", "G")).data == article("t", "AU", "tv"));
    }

    void testExtensionRefusesGarbageAndUnknownOps()
    {
        SluggoTestServer s;
        s.start();
        auto ws = jiffy::test::openWs(s.port(), "/x/v1");
        WsReply junk = jiffy::test::exchangeOn(*ws, "not gob at all", true);
        CPPUNIT_ASSERT_EQUAL(std::string("invalid"), jiffy::sluggo::decodeExtReply(junk.data).status);
        // A Go Article has Op/Key/Value, so it decodes; its op "AU" is not ours.
        WsReply asArticle = jiffy::test::exchangeOn(*ws, article("k", "AU", "v"), true);
        CPPUNIT_ASSERT_EQUAL(std::string("invalid"), jiffy::sluggo::decodeExtReply(asArticle.data).status);
        CPPUNIT_ASSERT_EQUAL(std::string("invalid"), ext(*ws, ExtRequest{"SET", "", "v", "", 0, 0}).status);
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), ext(*ws, ExtRequest{"HELLO", "", "", "", 0, 0}).status);
    }

    void testNoExtensionsHidesTheExtensionPath()
    {
        SluggoTestServer s({"--no-extensions"});
        s.start();
        CPPUNIT_ASSERT(
            jiffy::test::rawTcp(s.port(), handshake("Origin: http://a/\r\n", "/x/v1")).rfind("HTTP/1.1 404", 0) == 0);
        CPPUNIT_ASSERT_EQUAL(std::string("true"), go(s, "/set", article("k", "AU", "v")).data);
    }

    void testSnapshotSurvivesGracefulRestart()
    {
        SluggoTestServer s({"--snapshot", "{dir}/store.snap", "--snapshot-interval", "60000"});
        s.start();
        std::string binary("\x00\xff\x01 value", 9);
        go(s, "/set", article("LEADER", "AU", binary));
        auto ws = jiffy::test::openWs(s.port(), "/x/v1");
        ext(*ws, ExtRequest{"SET", "ttl", "lives", "", 600000, 0});
        ext(*ws, ExtRequest{"SET", "gone", "soon", "", 1, 0});
        ws.reset();
        s.stop(); // SIGTERM: the final snapshot is written at shutdown
        s.start();
        CPPUNIT_ASSERT(go(s, "/get", article("LEADER", "G")).data == article("LEADER", "AU", binary));
        auto ws2 = jiffy::test::openWs(s.port(), "/x/v1");
        CPPUNIT_ASSERT_EQUAL(std::string("lives"), ext(*ws2, ExtRequest{"GET", "ttl", "", "", 0, 0}).value);
        CPPUNIT_ASSERT_EQUAL(std::string("not_found"), ext(*ws2, ExtRequest{"GET", "gone", "", "", 0, 0}).status);
        CPPUNIT_ASSERT(s.log().find("2 keys loaded") != std::string::npos);
    }

    void testSynchronousSnapshotSurvivesKill()
    {
        SluggoTestServer s({"--snapshot", "{dir}/store.snap", "--snapshot-interval", "0"});
        s.start();
        CPPUNIT_ASSERT_EQUAL(std::string("true"), go(s, "/set", article("k", "AU", "acked")).data);
        s.kill(); // no shutdown code runs: only what was written before the ack counts
        s.start();
        CPPUNIT_ASSERT(go(s, "/get", article("k", "G")).data == article("k", "AU", "acked"));
    }

    void testDamagedSnapshotRefusesToStart()
    {
        jiffy::test::TempDir dir;
        std::string snap = dir.file("store.snap");
        jiffy::test::writeFile(snap, "JSLUGGO1 this is not a snapshot, it is damaged");
        uint16_t port = jiffy::test::freePort();
        jiffy::test::ChildProcess p(jiffy::test::sluggoBinary(),
                                    {"-a", "127.0.0.1:" + std::to_string(port), "--snapshot", snap}, dir.file("log"));
        CPPUNIT_ASSERT_EQUAL(65, p.wait(10000));
        CPPUNIT_ASSERT_MESSAGE(p.log(), p.log().find("cannot load the snapshot") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(p.log(), p.log().find(snap) != std::string::npos);
    }

    void testSigtermExitsCleanlyAndHelpWorks()
    {
        jiffy::test::TempDir dir;
        uint16_t port = jiffy::test::freePort();
        jiffy::test::ChildProcess p(jiffy::test::sluggoBinary(), {"-a", "127.0.0.1:" + std::to_string(port)},
                                    dir.file("log"));
        CPPUNIT_ASSERT(jiffy::test::waitForPort("127.0.0.1", port, 10000));
        for (int i = 0; i < 20; ++i) jiffy::test::goExchange(port, "/isalive", nullptr);
        p.signal(SIGTERM);
        CPPUNIT_ASSERT_EQUAL(0, p.wait(10000));
        // No line per request at the default level: "listening", "shutting down", "stopped".
        std::string log = p.log();
        CPPUNIT_ASSERT_MESSAGE(log, std::count(log.begin(), log.end(), '\n') == 3);
        jiffy::test::ChildProcess help(jiffy::test::sluggoBinary(), {"--help"}, dir.file("help"));
        CPPUNIT_ASSERT_EQUAL(0, help.wait(10000));
        CPPUNIT_ASSERT(help.log().find("--no-extensions") != std::string::npos);
        jiffy::test::ChildProcess bad(jiffy::test::sluggoBinary(), {"--max-keys", "lots"}, dir.file("bad"));
        CPPUNIT_ASSERT(bad.wait(10000) != 0);
        CPPUNIT_ASSERT_MESSAGE(bad.log(), bad.log().find("--max-keys") != std::string::npos);
    }
    void testStoreKeepsItsByteCountAndLimits()
    {
        using namespace jiffy::sluggo::server;
        Store store(StoreLimits{3, 0});
        CPPUNIT_ASSERT(store.set("a", "12345", 0).outcome == Outcome::Ok);
        size_t one = store.bytes();
        CPPUNIT_ASSERT(store.set("a", "1", 0).outcome == Outcome::Ok);
        CPPUNIT_ASSERT_EQUAL(one - 4, store.bytes()); // replacing re-counts, never leaks
        CPPUNIT_ASSERT(store.set("b", "x", 1).outcome == Outcome::Ok);
        CPPUNIT_ASSERT(store.set("c", "x", 0).outcome == Outcome::Ok);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        // "b" has expired: the full store sweeps it instead of refusing "d".
        CPPUNIT_ASSERT(store.set("d", "x", 0).outcome == Outcome::Ok);
        CPPUNIT_ASSERT(store.set("e", "x", 0).outcome == Outcome::Full);
        CPPUNIT_ASSERT(store.incr("a", INT64_MAX).outcome == Outcome::Invalid); // 1 + MAX overflows
        CPPUNIT_ASSERT(store.remove("a").outcome == Outcome::Ok);
        CPPUNIT_ASSERT(store.remove("c").outcome == Outcome::Ok);
        CPPUNIT_ASSERT(store.remove("d").outcome == Outcome::Ok);
        CPPUNIT_ASSERT_EQUAL(size_t(0), store.bytes());
        store.close();
        CPPUNIT_ASSERT(store.set("z", "x", 0).outcome == Outcome::Closed);
    }

    void testSnapshotFormatRejectsEveryDamage()
    {
        using namespace jiffy::sluggo::server;
        std::vector<SnapshotRecord> records{{"k1", Article{"", "AU", true, std::string("\0v", 2), ""}, 0},
                                            {"k2", Article{"", "AU", false, "", "T"}, 1234567890123}};
        std::string bytes = encodeSnapshot(records);
        std::vector<SnapshotRecord> back = decodeSnapshot(bytes);
        CPPUNIT_ASSERT_EQUAL(size_t(2), back.size());
        CPPUNIT_ASSERT(back[0].key == "k1" && back[0].article.value == std::string("\0v", 2) && back[0].article.valid);
        CPPUNIT_ASSERT(back[1].article.type == "T" && back[1].expiresAtUnixMs == 1234567890123);
        for (size_t n = 0; n < bytes.size(); ++n)
            CPPUNIT_ASSERT_THROW(decodeSnapshot(bytes.substr(0, n)), SnapshotError);
        for (size_t i = 0; i < bytes.size(); ++i) {
            std::string damaged = bytes;
            damaged[i] = static_cast<char>(damaged[i] ^ 0x40);
            CPPUNIT_ASSERT_THROW(decodeSnapshot(damaged), SnapshotError);
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SluggoServerTest);
