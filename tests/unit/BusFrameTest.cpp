// The bus frame codec and the replay guard as pure functions: every field
// round-trips, every prefix of a frame asks for more bytes, every kind of bad
// input is named, random bytes never decode, and a frame is taken once.
#include "cluster/bus/Frame.h"
#include "cluster/bus/ReplayGuard.h"

#include <cppunit/extensions/HelperMacros.h>

#include <random>
#include <stdexcept>

using namespace jiffy::cluster;
using namespace jiffy::cluster::bus;

namespace {

const std::string kKey = "cluster-secret";

Envelope envelope()
{
    Envelope e;
    e.type = 7;
    e.sender = 0x0102030405060708ULL;
    e.incarnation = 42;
    e.term = 0xfffffffffffffff0ULL;
    return e;
}

std::string frame(const std::string& payload = "hello", std::uint64_t seq = 9, std::int64_t ts = 1700000000123)
{
    return encodeFrame(envelope(), "127.0.0.2:7070", seq, ts, payload, kKey);
}

/// Sets the big-endian payload length field (offset 48) of an encoded frame.
void setPayloadLength(std::string& f, std::uint32_t len)
{
    for (int i = 0; i < 4; ++i) f[48 + static_cast<std::size_t>(i)] = static_cast<char>((len >> (24 - 8 * i)) & 0xff);
}

} // namespace

class BusFrameTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(BusFrameTest);
    CPPUNIT_TEST(testRoundTripKeepsEveryField);
    CPPUNIT_TEST(testEveryPrefixIsIncomplete);
    CPPUNIT_TEST(testTrailingBytesAreLeftAlone);
    CPPUNIT_TEST(testWrongKeyIsBadMacAndSkippable);
    CPPUNIT_TEST(testAnyFlippedBitIsRefused);
    CPPUNIT_TEST(testWrongMagicShowsAtTheFirstByte);
    CPPUNIT_TEST(testUnknownVersionIsRefused);
    CPPUNIT_TEST(testOversizedLengthIsRefusedFromTheHeader);
    CPPUNIT_TEST(testImpossibleHeaderIsMalformed);
    CPPUNIT_TEST(testRandomBytesNeverDecode);
    CPPUNIT_TEST(testEncodeRefusesBadSender);
    CPPUNIT_TEST(testReplayGuardTakesAFrameOnce);
    CPPUNIT_TEST(testReplayGuardRefusesStaleTimestamps);
    CPPUNIT_TEST(testReplayGuardForgetsOnlySilentSendersFirst);
    CPPUNIT_TEST_SUITE_END();

public:
    void testRoundTripKeepsEveryField()
    {
        const std::string payload("bin\0ary\xff", 8);
        const std::string f = frame(payload, 123456789, 1700000000999);
        CPPUNIT_ASSERT_EQUAL(kHeaderSize + 14 + payload.size() + kMacSize, f.size());
        const DecodeResult r = decodeFrame(f, kKey);
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), std::string(statusName(r.status)));
        CPPUNIT_ASSERT_EQUAL(f.size(), r.consumed);
        CPPUNIT_ASSERT_EQUAL(int(7), int(r.frame.env.type));
        CPPUNIT_ASSERT_EQUAL(envelope().sender, r.frame.env.sender);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(42), r.frame.env.incarnation);
        CPPUNIT_ASSERT_EQUAL(envelope().term, r.frame.env.term);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(123456789), r.frame.sequence);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1700000000999), r.frame.timestampMs);
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.2:7070"), std::string(r.frame.sender));
        CPPUNIT_ASSERT_EQUAL(payload, std::string(r.frame.payload));
        // An empty payload is a valid frame too.
        const DecodeResult empty = decodeFrame(frame(""), kKey);
        CPPUNIT_ASSERT(empty.status == DecodeStatus::Ok);
        CPPUNIT_ASSERT(empty.frame.payload.empty());
    }

    void testEveryPrefixIsIncomplete()
    {
        const std::string f = frame("some payload");
        for (std::size_t n = 0; n < f.size(); ++n) {
            const DecodeResult r = decodeFrame(std::string_view(f).substr(0, n), kKey);
            CPPUNIT_ASSERT_EQUAL_MESSAGE("prefix of " + std::to_string(n), std::string("incomplete"),
                                         std::string(statusName(r.status)));
            CPPUNIT_ASSERT_EQUAL(std::size_t(0), r.consumed);
        }
    }

    void testTrailingBytesAreLeftAlone()
    {
        const std::string a = frame("first", 1), b = frame("second", 2);
        const std::string both = a + b;
        const DecodeResult r1 = decodeFrame(both, kKey);
        CPPUNIT_ASSERT(r1.status == DecodeStatus::Ok);
        CPPUNIT_ASSERT_EQUAL(a.size(), r1.consumed);
        CPPUNIT_ASSERT_EQUAL(std::string("first"), std::string(r1.frame.payload));
        const DecodeResult r2 = decodeFrame(std::string_view(both).substr(r1.consumed), kKey);
        CPPUNIT_ASSERT(r2.status == DecodeStatus::Ok);
        CPPUNIT_ASSERT_EQUAL(std::string("second"), std::string(r2.frame.payload));
    }

    void testWrongKeyIsBadMacAndSkippable()
    {
        const std::string f = frame();
        const DecodeResult r = decodeFrame(f + frame("next"), "another-secret");
        CPPUNIT_ASSERT_EQUAL(std::string("bad_mac"), std::string(statusName(r.status)));
        CPPUNIT_ASSERT_EQUAL(f.size(), r.consumed);
        // An unsigned frame (MAC zeroed) is refused the same way.
        std::string unsigned_ = f;
        std::fill(unsigned_.end() - static_cast<std::ptrdiff_t>(kMacSize), unsigned_.end(), '\0');
        CPPUNIT_ASSERT(decodeFrame(unsigned_, kKey).status == DecodeStatus::BadMac);
    }

    void testAnyFlippedBitIsRefused()
    {
        const std::string f = frame("payload");
        for (std::size_t i = 0; i < f.size(); ++i) {
            std::string g = f;
            g[i] = static_cast<char>(g[i] ^ 0x01);
            const DecodeResult r = decodeFrame(g, kKey);
            CPPUNIT_ASSERT_MESSAGE("byte " + std::to_string(i) + " flipped: " + statusName(r.status),
                                   r.status != DecodeStatus::Ok);
        }
    }

    void testWrongMagicShowsAtTheFirstByte()
    {
        CPPUNIT_ASSERT(decodeFrame("G", kKey).status == DecodeStatus::BadMagic);
        CPPUNIT_ASSERT(decodeFrame("GET / HTTP/1.1\r\n\r\n", kKey).status == DecodeStatus::BadMagic);
        std::string f = frame();
        f[3] = 'X';
        CPPUNIT_ASSERT_EQUAL(std::string("bad_magic"), std::string(statusName(decodeFrame(f, kKey).status)));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), decodeFrame(f, kKey).consumed);
    }

    void testUnknownVersionIsRefused()
    {
        std::string f = frame();
        f[4] = 2;
        CPPUNIT_ASSERT_EQUAL(std::string("bad_version"), std::string(statusName(decodeFrame(f, kKey).status)));
        // Known from the fifth byte on, before the rest of the header.
        CPPUNIT_ASSERT(decodeFrame(f.substr(0, 5), kKey).status == DecodeStatus::BadVersion);
    }

    void testOversizedLengthIsRefusedFromTheHeader()
    {
        std::string f = frame();
        setPayloadLength(f, 0xffffffffu);
        // Refused from the header alone: no 4 GiB buffer is waited for.
        CPPUNIT_ASSERT_EQUAL(std::string("oversized"),
                             std::string(statusName(decodeFrame(f.substr(0, kHeaderSize), kKey).status)));
        const std::string big = frame(std::string(2000, 'x'));
        CPPUNIT_ASSERT(decodeFrame(big, kKey, 1999).status == DecodeStatus::Oversized);
        CPPUNIT_ASSERT(decodeFrame(big, kKey, 2000).status == DecodeStatus::Ok);
        CPPUNIT_ASSERT_EQUAL(kHeaderSize + kMaxAddressSize + 2000 + kMacSize, maxFrameSize(2000));
    }

    void testImpossibleHeaderIsMalformed()
    {
        std::string noSender = frame();
        noSender[6] = 0;
        CPPUNIT_ASSERT_EQUAL(std::string("malformed"), std::string(statusName(decodeFrame(noSender, kKey).status)));
        std::string flags = frame();
        flags[7] = 1;
        CPPUNIT_ASSERT(decodeFrame(flags, kKey).status == DecodeStatus::Malformed);
    }

    void testRandomBytesNeverDecode()
    {
        std::mt19937 rng(12345);
        std::uniform_int_distribution<int> byte(0, 255), len(0, 400);
        const std::string f = frame("x");
        for (int i = 0; i < 20000; ++i) {
            std::string g(static_cast<std::size_t>(len(rng)), '\0');
            for (auto& c : g) c = static_cast<char>(byte(rng));
            // Half of them start like a frame, to get past the magic and version.
            if (i % 2 == 0 && g.size() >= 5) g.replace(0, 5, f, 0, 5);
            const DecodeResult r = decodeFrame(g, kKey, 256);
            CPPUNIT_ASSERT(r.status != DecodeStatus::Ok);
            CPPUNIT_ASSERT(r.consumed <= g.size());
        }
    }

    void testEncodeRefusesBadSender()
    {
        CPPUNIT_ASSERT_THROW(encodeFrame(envelope(), "", 1, 1, "p", kKey), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(encodeFrame(envelope(), std::string(256, 'a'), 1, 1, "p", kKey), std::invalid_argument);
        const std::string longest = encodeFrame(envelope(), std::string(255, 'a'), 1, 1, "p", kKey);
        CPPUNIT_ASSERT(decodeFrame(longest, kKey).status == DecodeStatus::Ok);
    }

    void testReplayGuardTakesAFrameOnce()
    {
        ReplayGuard g(30000, 100);
        const std::int64_t now = 1700000000000;
        CPPUNIT_ASSERT(g.check("a:1", 1, 10, now, now) == Freshness::Fresh);
        CPPUNIT_ASSERT(g.check("a:1", 1, 10, now, now) == Freshness::Replayed);
        CPPUNIT_ASSERT(g.check("a:1", 1, 9, now, now) == Freshness::Replayed);
        CPPUNIT_ASSERT(g.check("a:1", 1, 11, now, now) == Freshness::Fresh);
        // Another sender, or another incarnation of the same one, has its own sequence.
        CPPUNIT_ASSERT(g.check("b:1", 1, 5, now, now) == Freshness::Fresh);
        CPPUNIT_ASSERT(g.check("a:1", 2, 5, now, now) == Freshness::Fresh);
        CPPUNIT_ASSERT(g.check("a:1", 1, 11, now, now) == Freshness::Replayed);
    }

    void testReplayGuardRefusesStaleTimestamps()
    {
        ReplayGuard g(1000, 100);
        const std::int64_t now = 1700000000000;
        CPPUNIT_ASSERT(g.check("a:1", 1, 1, now - 1001, now) == Freshness::Stale);
        CPPUNIT_ASSERT(g.check("a:1", 1, 2, now + 1001, now) == Freshness::Stale);
        CPPUNIT_ASSERT(g.check("a:1", 1, 3, now - 1000, now) == Freshness::Fresh);
        CPPUNIT_ASSERT(g.check("a:1", 1, 4, now + 1000, now) == Freshness::Fresh);
    }

    void testReplayGuardForgetsOnlySilentSendersFirst()
    {
        ReplayGuard g(1000, 2);
        std::int64_t now = 1700000000000;
        CPPUNIT_ASSERT(g.check("old:1", 1, 100, now, now) == Freshness::Fresh);
        now += 5000;
        CPPUNIT_ASSERT(g.check("live:1", 1, 100, now, now) == Freshness::Fresh);
        // Full: the sender silent for more than two windows goes, the live one stays.
        CPPUNIT_ASSERT(g.check("new:1", 1, 100, now, now) == Freshness::Fresh);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), g.size());
        CPPUNIT_ASSERT(g.check("live:1", 1, 100, now, now) == Freshness::Replayed);
        CPPUNIT_ASSERT(g.check("new:1", 1, 100, now, now) == Freshness::Replayed);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(BusFrameTest);
