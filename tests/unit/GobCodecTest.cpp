// The gob codec of kvs/sluggo against the encoding/gob specification and
// against bytes Go itself emits (captured from Go 1.19 encoding/gob and from
// a running Go sluggo; each vector says where it comes from), plus hostile
// input: truncation, random bytes, huge length prefixes, deep nesting.
#include "gob/GobDecoder.h"
#include "gob/GobEncoder.h"
#include "gob/GobWire.h"
#include "protocol/Article.h"
#include "protocol/ExtMessages.h"

#include <cppunit/extensions/HelperMacros.h>

#include <climits>
#include <cstdint>
#include <memory>
#include <random>
#include <string>

using namespace jiffy::gob;
using jiffy::sluggo::Article;

namespace {

/// "41 ff 81" -> the three bytes.
std::string hex(const std::string& text)
{
    std::string out;
    for (size_t i = 0; i < text.size();) {
        if (text[i] == ' ') {
            ++i;
            continue;
        }
        out.push_back(static_cast<char>(std::stoi(text.substr(i, 2), nullptr, 16)));
        i += 2;
    }
    return out;
}

std::string uintBytes(uint64_t v)
{
    std::string s;
    appendUint(s, v);
    return s;
}

std::string intBytes(int64_t v)
{
    std::string s;
    appendInt(s, v);
    return s;
}

// Type definition of sluggo's Article under id 65, as Go 1.19 sends it (the
// first 66 bytes of every message a fresh Go sluggo client or server writes).
// Derivation from the spec, byte by byte:
//   41        message length 65
//   ff 81     int(-65): one byte (ff = -1), 0x81 = (^-65 << 1) | 1 = (64 << 1) | 1
//   03        wireType: delta 3 -> field 2, StructT
//   01          structType field 0, the embedded CommonType
//   01 07 "Article"  CommonType.Name
//   01 ff 82          CommonType.Id = int(65): 0x82 = 65 << 1
//   00          end of CommonType
//   01 05       structType field 1, Field: a slice of 5 fieldTypes
//   01 03 "Key" 01 0c 00      Name "Key", Id int(6) = 0x0c (string)
//   01 02 "Op" 01 0c 00       string
//   01 05 "Valid" 01 02 00    Id int(1) = 0x02 (bool)
//   01 05 "Value" 01 0a 00    Id int(5) = 0x0a ([]byte)
//   01 04 "Type" 01 0c 00     string
//   00          end of structType
//   00        end of wireType
const std::string kArticleType65 = "41 ff 81 03 01 01 07 41 72 74 69 63 6c 65 01 ff 82 00 01 05 "
                                   "01 03 4b 65 79 01 0c 00 01 02 4f 70 01 0c 00 01 05 56 61 6c 69 64 01 02 00 "
                                   "01 05 56 61 6c 75 65 01 0a 00 01 04 54 79 70 65 01 0c 00 00 00 ";

} // namespace

class GobCodecTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(GobCodecTest);
    CPPUNIT_TEST(testUnsignedIntegersFollowTheSpec);
    CPPUNIT_TEST(testSignedIntegersFollowTheSpec);
    CPPUNIT_TEST(testIntegersRoundTripAtTheirLimits);
    CPPUNIT_TEST(testNonMinimalAndOversizedIntegers);
    CPPUNIT_TEST(testPointExampleOfTheSpec);
    CPPUNIT_TEST(testGetRequestIsWhatGoSends);
    CPPUNIT_TEST(testZeroArticleIsGoMissReply);
    CPPUNIT_TEST(testStoredArticleIsGoGetReply);
    CPPUNIT_TEST(testJiffyLeaderArticleFromGoWithTypeId66);
    CPPUNIT_TEST(testAllKindsFromGo);
    CPPUNIT_TEST(testUnknownNestedFieldsAreSkipped);
    CPPUNIT_TEST(testFieldsInAnyOrderAndSubset);
    CPPUNIT_TEST(testAnonymousStructNameIsAccepted);
    CPPUNIT_TEST(testTypeMismatchIsRejected);
    CPPUNIT_TEST(testNoCommonFieldIsRejected);
    CPPUNIT_TEST(testNonStructValueIsRejected);
    CPPUNIT_TEST(testBadTypeDefinitionsAreRejected);
    CPPUNIT_TEST(testHugeLengthsAreRejectedWithoutAllocating);
    CPPUNIT_TEST(testDeepNestingIsRejected);
    CPPUNIT_TEST(testEveryTruncationIsAnError);
    CPPUNIT_TEST(testRandomAndMutatedInputNeverCrashes);
    CPPUNIT_TEST(testExtensionMessagesRoundTrip);
    CPPUNIT_TEST(testEncoderRefusesMisuse);
    CPPUNIT_TEST_SUITE_END();

public:
    void testUnsignedIntegersFollowTheSpec()
    {
        // "0 is transmitted as (00), 7 is transmitted as (07) and 256 is
        // transmitted as (FE 01 00)."
        CPPUNIT_ASSERT(uintBytes(0) == hex("00"));
        CPPUNIT_ASSERT(uintBytes(7) == hex("07"));
        CPPUNIT_ASSERT(uintBytes(127) == hex("7f"));
        CPPUNIT_ASSERT(uintBytes(128) == hex("ff 80")); // 1 byte: -1 = ff, then 0x80
        CPPUNIT_ASSERT(uintBytes(256) == hex("fe 01 00"));
        CPPUNIT_ASSERT(uintBytes(UINT64_MAX) == hex("f8 ff ff ff ff ff ff ff ff")); // 8 bytes: -8 = f8
        // Go 1.19 sent uint64(1 << 63) as f8 80 00 00 00 00 00 00 00 (the Kinds vector below).
        CPPUNIT_ASSERT(uintBytes(uint64_t(1) << 63) == hex("f8 80 00 00 00 00 00 00 00"));
    }

    void testSignedIntegersFollowTheSpec()
    {
        // "-129=^128=(^256>>1) encodes as (FE 01 01)"; the Point example has
        // 22 -> 2c and 33 -> 42 (value << 1, complement bit clear).
        CPPUNIT_ASSERT(intBytes(-129) == hex("fe 01 01"));
        CPPUNIT_ASSERT(intBytes(22) == hex("2c"));
        CPPUNIT_ASSERT(intBytes(33) == hex("42"));
        CPPUNIT_ASSERT(intBytes(-1) == hex("01"));     // ^0 << 1 | 1
        CPPUNIT_ASSERT(intBytes(-65) == hex("ff 81")); // the type id of a definition
        CPPUNIT_ASSERT(intBytes(INT64_MAX) == hex("f8 ff ff ff ff ff ff ff fe"));
        CPPUNIT_ASSERT(intBytes(INT64_MIN) == hex("f8 ff ff ff ff ff ff ff ff"));
    }

    void testIntegersRoundTripAtTheirLimits()
    {
        const int64_t ints[] = {0, 1, -1, 63, 64, -64, -65, 127, 128, -129, INT32_MAX, INT32_MIN, INT64_MAX, INT64_MIN};
        for (int64_t v : ints) {
            std::string b = intBytes(v);
            Reader r(b);
            CPPUNIT_ASSERT_EQUAL(v, r.readInt());
            CPPUNIT_ASSERT(r.empty());
        }
        const uint64_t uints[] = {0, 1, 127, 128, 255, 256, 65535, 65536, UINT32_MAX, UINT64_MAX};
        for (uint64_t v : uints) {
            std::string b = uintBytes(v);
            Reader r(b);
            CPPUNIT_ASSERT_EQUAL(v, r.readUint());
            CPPUNIT_ASSERT(r.empty());
        }
    }

    void testNonMinimalAndOversizedIntegers()
    {
        // Go's decoder accepts a non-minimal form (ff 05 = 5) ...
        std::string nonMinimal = hex("ff 05");
        Reader ok(nonMinimal);
        CPPUNIT_ASSERT_EQUAL(uint64_t(5), ok.readUint());
        // ... but not a byte count over 8 (0x80 claims 128, 0xf7 claims 9).
        for (const char* bad : {"80", "f7 01 01 01 01 01 01 01 01 01", "fe 01"}) {
            std::string b = hex(bad);
            Reader r(b);
            CPPUNIT_ASSERT_THROW(r.readUint(), GobError);
        }
    }

    void testPointExampleOfTheSpec()
    {
        // encoding/gob's own worked example: type Point struct {X, Y int}, Point{22, 33}.
        const StructDef point{"Point", {{"X", Kind::Int}, {"Y", Kind::Int}}};
        std::string expected = hex("1f ff 81 03 01 01 05 50 6f 69 6e 74 01 ff 82 00 "
                                   "01 02 01 01 58 01 04 00 01 01 59 01 04 00 00 00 "
                                   "07 ff 82 01 2c 01 42 00");
        CPPUNIT_ASSERT(StructEncoder(point).integer(22).integer(33).finish() == expected);
        StructValues v = decodeStruct(expected, point);
        CPPUNIT_ASSERT_EQUAL(int64_t(22), v[0].i);
        CPPUNIT_ASSERT_EQUAL(int64_t(33), v[1].i);
    }

    void testGetRequestIsWhatGoSends()
    {
        // wscl.GetCacheEntry("LEADER") in a fresh Go process: Article{Key:"LEADER", Op:"G"}.
        // Value message: 0e (14 bytes), ff 82 (id 65), 01 06 "LEADER" (field 0),
        // 01 01 "G" (field 1), 00; Valid false, Value nil, Type "" are omitted.
        std::string go = hex(kArticleType65 + "0e ff 82 01 06 4c 45 41 44 45 52 01 01 47 00");
        Article a;
        a.key = "LEADER";
        a.op = "G";
        CPPUNIT_ASSERT(jiffy::sluggo::encodeArticle(a) == go);
        CPPUNIT_ASSERT(jiffy::sluggo::decodeArticle(go) == a);
    }

    void testZeroArticleIsGoMissReply()
    {
        // Go sluggo's /get reply for an absent key (captured from the server):
        // the zero Article is just its type id and the struct terminator.
        std::string go = hex(kArticleType65 + "03 ff 82 00");
        CPPUNIT_ASSERT(jiffy::sluggo::encodeArticle(Article{}) == go);
        Article a = jiffy::sluggo::decodeArticle(go);
        CPPUNIT_ASSERT(a == Article{});
    }

    void testStoredArticleIsGoGetReply()
    {
        // Go sluggo's /get reply after a Go client stored
        // Article{Key:"k1", Op:"AU", Valid:true, Value:"v1"} (captured):
        //   11 ff 82 | 01 02 "k1" | 01 02 "AU" | 01 01 (Valid true) | 01 02 "v1" | 00
        std::string go = hex(kArticleType65 + "11 ff 82 01 02 6b 31 01 02 41 55 01 01 01 02 76 31 00");
        Article a{"k1", "AU", true, "v1", ""};
        CPPUNIT_ASSERT(jiffy::sluggo::encodeArticle(a) == go);
        CPPUNIT_ASSERT(jiffy::sluggo::decodeArticle(go) == a);
    }

    void testJiffyLeaderArticleFromGoWithTypeId66()
    {
        // wscl.AddUpdCacheEntry("LEADER", &GMLeader{1, "127.0.0.1:4444"}) as Go 1.19 wrote it: the
        // process encoded GMLeader first (id 65), so Article got id 66 (ff 83 / ff 84). Value holds
        // the 78-byte gob of GMLeader (its length 4e), which itself starts with a type definition.
        std::string leader = hex("37 ff 81 03 01 01 08 47 4d 4c 65 61 64 65 72 01 ff 82 00 01 02 "
                                 "01 08 4c 65 61 64 65 72 49 44 01 06 00 "
                                 "01 0f 4c 65 61 64 65 72 49 50 41 64 64 72 65 73 73 01 0c 00 00 00 "
                                 "15 ff 82 01 01 01 0e 31 32 37 2e 30 2e 30 2e 31 3a 34 34 34 34 00");
        std::string go = hex("41 ff 83 03 01 01 07 41 72 74 69 63 6c 65 01 ff 84 00 01 05 "
                             "01 03 4b 65 79 01 0c 00 01 02 4f 70 01 0c 00 01 05 56 61 6c 69 64 01 02 00 "
                             "01 05 56 61 6c 75 65 01 0a 00 01 04 54 79 70 65 01 0c 00 00 00 "
                             "61 ff 84 01 06 4c 45 41 44 45 52 01 02 41 55 01 01 01 4e") +
                         leader + hex("00");
        Article a = jiffy::sluggo::decodeArticle(go);
        CPPUNIT_ASSERT(a == (Article{"LEADER", "AU", true, leader, ""}));
        CPPUNIT_ASSERT(StructEncoder(jiffy::sluggo::articleDef(), 66)
                           .string(a.key)
                           .string(a.op)
                           .boolean(true)
                           .bytes(a.value)
                           .string("")
                           .finish() == go);
        const StructDef gmLeader{"GMLeader", {{"LeaderID", Kind::Uint}, {"LeaderIPAddress", Kind::String}}};
        StructValues l = decodeStruct(a.value, gmLeader);
        CPPUNIT_ASSERT_EQUAL(uint64_t(1), l[0].u);
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1:4444"), l[1].s);
        CPPUNIT_ASSERT(StructEncoder(gmLeader).unsignedInt(1).string("127.0.0.1:4444").finish() == leader);
    }

    void testAllKindsFromGo()
    {
        // Go: struct Kinds {B bool; I int64; U uint64; S string; Bs []byte}
        // {true, -129, 1<<63, "s", {0,1,2}}.
        const StructDef kinds{
            "Kinds",
            {{"B", Kind::Bool}, {"I", Kind::Int}, {"U", Kind::Uint}, {"S", Kind::String}, {"Bs", Kind::Bytes}}};
        std::string go =
            hex("32 ff 81 03 01 01 05 4b 69 6e 64 73 01 ff 82 00 01 05 01 01 42 01 02 00 01 01 49 01 04 00 "
                "01 01 55 01 06 00 01 01 53 01 0c 00 01 02 42 73 01 0a 00 00 00 "
                "1b ff 82 01 01 01 fe 01 01 01 f8 80 00 00 00 00 00 00 00 01 01 73 01 03 00 01 02 00");
        StructValues v = decodeStruct(go, kinds);
        CPPUNIT_ASSERT(v[0].b && v[0].present);
        CPPUNIT_ASSERT_EQUAL(int64_t(-129), v[1].i);
        CPPUNIT_ASSERT_EQUAL(uint64_t(1) << 63, v[2].u);
        CPPUNIT_ASSERT_EQUAL(std::string("s"), v[3].s);
        CPPUNIT_ASSERT(v[4].s == std::string("\0\1\2", 3));
        CPPUNIT_ASSERT(StructEncoder(kinds)
                           .boolean(true)
                           .integer(-129)
                           .unsignedInt(uint64_t(1) << 63)
                           .string("s")
                           .bytes(std::string("\0\1\2", 3))
                           .finish() == go);
    }

    void testUnknownNestedFieldsAreSkipped()
    {
        // A jiffy-like GMMessage{Type "PING", SrcID 3, MemberMap *OMap{IDList []uint{1,3},
        // IDMap map[uint]GMMember{1: {...}}}, InElection true, Value "v"} from Go 1.19: five type
        // definitions (struct, struct, slice, map, struct with an empty name) referring to ids
        // defined after them. Decoded into a struct without MemberMap, which must be skipped.
        std::string go =
            hex("52 ff 81 03 01 01 09 47 4d 4d 65 73 73 61 67 65 01 ff 82 00 01 05 01 04 54 79 70 65 01 0c 00 "
                "01 05 53 72 63 49 44 01 06 00 01 09 4d 65 6d 62 65 72 4d 61 70 01 ff 84 00 "
                "01 0a 49 6e 45 6c 65 63 74 69 6f 6e 01 02 00 01 05 56 61 6c 75 65 01 0a 00 00 00 "
                "29 ff 83 03 01 01 04 4f 4d 61 70 01 ff 84 00 01 02 01 06 49 44 4c 69 73 74 01 ff 86 00 "
                "01 05 49 44 4d 61 70 01 ff 8a 00 00 00 "
                "14 ff 85 02 01 01 06 5b 5d 75 69 6e 74 01 ff 86 00 01 06 00 00 "
                "27 ff 89 04 01 01 16 6d 61 70 5b 75 69 6e 74 5d 6d 61 69 6e 2e 47 4d 4d 65 6d 62 65 72 01 ff 8a 00 "
                "01 06 01 ff 88 00 00 "
                "52 ff 87 03 01 02 ff 88 00 01 05 01 02 49 44 01 06 00 01 09 49 50 41 64 64 72 65 73 73 01 0c 00 "
                "01 06 53 74 61 74 75 73 01 0c 00 01 0b 53 74 61 74 75 73 43 6f 75 6e 74 01 06 00 "
                "01 11 49 6e 63 61 72 6e 61 74 69 6f 6e 4e 75 6d 62 65 72 01 06 00 00 00 "
                "36 ff 82 01 04 50 49 4e 47 01 03 01 01 02 01 03 01 01 01 01 01 01 0d 31 30 2e 30 2e 30 2e 31 3a "
                "34 34 34 34 01 05 41 4c 49 56 45 01 02 01 01 00 00 01 01 01 01 76 00");
        const StructDef subset{"GMMessage",
                               {{"Value", Kind::Bytes},
                                {"InElection", Kind::Bool},
                                {"SrcID", Kind::Uint},
                                {"Type", Kind::String},
                                {"NotSent", Kind::Int}}};
        StructValues v = decodeStruct(go, subset);
        CPPUNIT_ASSERT_EQUAL(std::string("v"), v[0].s);
        CPPUNIT_ASSERT(v[1].b);
        CPPUNIT_ASSERT_EQUAL(uint64_t(3), v[2].u);
        CPPUNIT_ASSERT_EQUAL(std::string("PING"), v[3].s);
        CPPUNIT_ASSERT(!v[4].present);
    }

    void testFieldsInAnyOrderAndSubset()
    {
        // Hand-made from the spec: a sender whose struct has Value first, an unknown float and
        // complex, then Key; no Op, Valid or Type. Unknown fields are skipped, missing ones zero.
        std::string type = hex("ff 81 03 01 01 01 41 01 ff 82 00 01 04 "
                               "01 05 56 61 6c 75 65 01 0a 00 "  // Value []byte
                               "01 01 46 01 08 00 "              // F float (id 4 -> 08)
                               "01 01 43 01 0e 00 "              // C complex (id 7 -> 0e)
                               "01 03 4b 65 79 01 0c 00 00 00"); // Key string
        std::string value = hex("ff 82 01 01 78 01 fe 31 40 01 fe 31 40 00 01 02 6b 6b 00");
        std::string stream = uintBytes(type.size()) + type + uintBytes(value.size()) + value;
        Article a = jiffy::sluggo::decodeArticle(stream);
        CPPUNIT_ASSERT(a == (Article{"kk", "", false, "x", ""}));
    }

    void testAnonymousStructNameIsAccepted()
    {
        // Go leaves CommonType.Name out when it is empty (seen for GMMember above): 01 02 <id>.
        const StructDef anon{"", {{"Key", Kind::String}}};
        std::string s = StructEncoder(anon).string("x").finish();
        CPPUNIT_ASSERT(s.find(hex("03 01 02 ff 82 00")) != std::string::npos);
        CPPUNIT_ASSERT(jiffy::sluggo::decodeArticle(s).key == "x");
    }

    void testTypeMismatchIsRejected()
    {
        // Key sent as an int: Go refuses with a type mismatch, and so do we.
        const StructDef wrong{"Article", {{"Key", Kind::Int}}};
        CPPUNIT_ASSERT_THROW(jiffy::sluggo::decodeArticle(StructEncoder(wrong).integer(5).finish()), GobError);
        // signedness matters too (the spec's struct { A int; B uint } example)
        const StructDef signedA{"S", {{"A", Kind::Int}}};
        const StructDef unsignedA{"S", {{"A", Kind::Uint}}};
        CPPUNIT_ASSERT_THROW(decodeStruct(StructEncoder(signedA).integer(1).finish(), unsignedA), GobError);
    }

    void testNoCommonFieldIsRejected()
    {
        const StructDef other{"Other", {{"C", Kind::String}, {"D", Kind::String}}};
        CPPUNIT_ASSERT_THROW(jiffy::sluggo::decodeArticle(StructEncoder(other).string("c").string("d").finish()),
                             GobError);
    }

    void testNonStructValueIsRejected()
    {
        // Go's Encode(-129): a singleton int: 05 04 (id 2) 00 (delta tag) fe 01 01.
        CPPUNIT_ASSERT_THROW(jiffy::sluggo::decodeArticle(hex("05 04 00 fe 01 01")), GobError);
        // a value of an id nobody defined
        CPPUNIT_ASSERT_THROW(jiffy::sluggo::decodeArticle(hex("03 ff 82 00")), GobError);
    }

    void testBadTypeDefinitionsAreRejected()
    {
        std::string def = hex(kArticleType65);
        std::string value = hex("03 ff 82 00");
        CPPUNIT_ASSERT_THROW(jiffy::sluggo::decodeArticle(def + def + value), GobError); // duplicate id
        // id 10 is reserved: ff 81 -> 13 (int(-10))
        std::string reserved = def;
        reserved[1] = 0x13;
        reserved.erase(2, 1);
        reserved[0] = static_cast<char>(reserved.size() - 1);
        CPPUNIT_ASSERT_THROW(jiffy::sluggo::decodeArticle(reserved + value), GobError);
        // a definition followed by stray bytes in the same message
        std::string extra = def;
        extra[0] = static_cast<char>(extra[0] + 1);
        extra.push_back('\x00');
        CPPUNIT_ASSERT_THROW(jiffy::sluggo::decodeArticle(extra + value), GobError);
        // a wireType with two shapes set (SliceT and StructT), and one with none
        // (SliceT{CommonType{Id 65}, Elem string}, then StructT{CommonType{Id 65}})
        CPPUNIT_ASSERT_THROW(
            jiffy::sluggo::decodeArticle(hex("13 ff 81 02 01 02 ff 82 00 01 0c 00 01 01 02 ff 82 00 00 00") + value),
            GobError);
        CPPUNIT_ASSERT_THROW(jiffy::sluggo::decodeArticle(hex("03 ff 81 00") + value), GobError);
        CPPUNIT_ASSERT_THROW(jiffy::sluggo::decodeArticle(hex("00")), GobError);
        CPPUNIT_ASSERT_THROW(jiffy::sluggo::decodeArticle(""), GobError);
    }

    void testHugeLengthsAreRejectedWithoutAllocating()
    {
        // A message length of 2^62, a string length of 2^62, a slice count of 2^62:
        // each is checked against the bytes actually present before anything is read.
        CPPUNIT_ASSERT_THROW(jiffy::sluggo::decodeArticle(hex("f8 40 00 00 00 00 00 00 00 ff 82 00")), GobError);
        std::string def = hex(kArticleType65);
        CPPUNIT_ASSERT_THROW(jiffy::sluggo::decodeArticle(def + hex("0d ff 82 01 f8 40 00 00 00 00 00 00 00 00")),
                             GobError);
        std::string sliceDef = hex("17 ff 81 03 01 01 01 53 01 ff 82 00 01 f8 40 00 00 00 00 00 00 00 00 00");
        CPPUNIT_ASSERT_THROW(jiffy::sluggo::decodeArticle(sliceDef), GobError);
    }

    void testDeepNestingIsRejected()
    {
        // type 65 = struct{Key string; R []T66}; type 66 = []T66 (a slice of itself). A value
        // nesting R 200 levels deep must be refused, not recursed into without bound.
        std::string t65 =
            hex("ff 81 03 01 01 01 54 01 ff 82 00 01 02 01 03 4b 65 79 01 0c 00 01 01 52 01 ff 84 00 00 00");
        std::string t66 = hex("ff 83 02 01 01 01 4c 01 ff 84 00 01 ff 84 00 00");
        std::string value = hex("ff 82 01 01 6b 01");
        for (int i = 0; i < 200; ++i) value += hex("01");
        value += hex("00 00");
        std::string stream =
            uintBytes(t65.size()) + t65 + uintBytes(t66.size()) + t66 + uintBytes(value.size()) + value;
        try {
            jiffy::sluggo::decodeArticle(stream);
            CPPUNIT_FAIL("200 levels of nesting were accepted");
        } catch (const GobError& e) {
            CPPUNIT_ASSERT(std::string(e.what()).find("nested") != std::string::npos);
        }
    }

    void testEveryTruncationIsAnError()
    {
        std::string full = jiffy::sluggo::encodeArticle(Article{"LEADER", "AU", true, std::string(300, 'v'), "T"});
        for (size_t n = 0; n < full.size(); ++n) {
            // an exact-size heap copy, so a read past the end would be a real out-of-bounds read
            std::unique_ptr<char[]> copy(new char[n + 1]);
            full.copy(copy.get(), n);
            CPPUNIT_ASSERT_THROW(jiffy::sluggo::decodeArticle(std::string_view(copy.get(), n)), GobError);
        }
        CPPUNIT_ASSERT(jiffy::sluggo::decodeArticle(full).value.size() == 300);
    }

    void testRandomAndMutatedInputNeverCrashes()
    {
        std::mt19937 rng(20240601); // fixed seed: a failure reproduces
        std::string base = jiffy::sluggo::encodeArticle(Article{"LEADER", "AU", true, "value", "t"});
        int decoded = 0, refused = 0;
        for (int round = 0; round < 20000; ++round) {
            std::string input;
            if (round % 2 == 0) {
                input.resize(rng() % 80);
                for (char& c : input) c = static_cast<char>(rng() & 0xff);
            } else {
                input = base;
                for (unsigned flips = 1 + rng() % 4; flips > 0; --flips)
                    input[rng() % input.size()] = static_cast<char>(rng() & 0xff);
            }
            try {
                jiffy::sluggo::decodeArticle(input);
                ++decoded;
            } catch (const GobError&) {
                ++refused; // anything else (std::length_error, bad_alloc, a crash) fails the test
            }
        }
        CPPUNIT_ASSERT_EQUAL(20000, decoded + refused);
        CPPUNIT_ASSERT(refused > 10000);
    }

    void testExtensionMessagesRoundTrip()
    {
        using namespace jiffy::sluggo;
        ExtRequest q{"CAS", std::string("k\0y", 3), std::string("\xff\x00new", 5), "", -5, INT64_MIN};
        ExtRequest q2 = decodeExtRequest(encodeExtRequest(q));
        CPPUNIT_ASSERT(q2.op == q.op && q2.key == q.key && q2.value == q.value && q2.expected.empty());
        CPPUNIT_ASSERT_EQUAL(int64_t(-5), q2.ttlMs);
        CPPUNIT_ASSERT_EQUAL(INT64_MIN, q2.delta);
        ExtReply r{"ok", std::string(70000, 'x'), INT64_MAX, "m", "ttl cas", 30000};
        ExtReply r2 = decodeExtReply(encodeExtReply(r));
        CPPUNIT_ASSERT(r2.status == "ok" && r2.value == r.value && r2.message == "m" && r2.features == "ttl cas");
        CPPUNIT_ASSERT_EQUAL(INT64_MAX, r2.number);
        CPPUNIT_ASSERT_EQUAL(int64_t(30000), r2.idleMs);
        // An Article shares Op, Key and Value with an ExtRequest, so it decodes as one with Op
        // "AU": the server refuses ops it does not know rather than trust the shape.
        ExtRequest fromArticle = decodeExtRequest(encodeArticle(Article{"k", "AU", true, "v", ""}));
        CPPUNIT_ASSERT(fromArticle.op == "AU" && fromArticle.key == "k" && fromArticle.value == "v");
    }

    void testEncoderRefusesMisuse()
    {
        const StructDef two{"Two", {{"A", Kind::Int}, {"B", Kind::String}}};
        CPPUNIT_ASSERT_THROW(StructEncoder(two).integer(1).finish(), std::logic_error);
        CPPUNIT_ASSERT_THROW(StructEncoder(two).string("x"), std::logic_error);
        CPPUNIT_ASSERT_THROW(StructEncoder(two).integer(1).string("x").integer(2), std::logic_error);
        CPPUNIT_ASSERT_THROW(StructEncoder(StructDef{"Empty", {}}), std::logic_error);
        CPPUNIT_ASSERT_THROW(StructEncoder(two, 10), std::logic_error);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(GobCodecTest);
