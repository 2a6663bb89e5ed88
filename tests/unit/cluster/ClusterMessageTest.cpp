// The cluster codec: every message round-trips, and the decoder turns any
// byte string (truncated, oversized, garbage) into a value or an error.
#include "cluster/Message.h"
#include "support/TestSupport.h"

#include <cppunit/extensions/HelperMacros.h>

#include <random>

using namespace jiffy::cluster;

namespace {

std::vector<Payload> samples()
{
    std::vector<Update> ups{{7, "127.0.0.2:7946", Status::Suspect, 3, 9}, {8, "127.0.0.3:7946", Status::Alive, 1, 0}};
    JoinReply reply{"", 12, 4, 1, "127.0.0.2:7946", 5, ups};
    return {Ping{1, 7, ups},
            Ack{2, ups},
            PingReq{3, 8, "127.0.0.3:7946", {}},
            IndirectAck{4},
            IndirectNack{5},
            Join{0},
            reply,
            JoinReply{"not the leader", 0, 0, 3, "127.0.0.4:7946", 9, {}},
            Departing{7, 4},
            LeaderAnnounce{1, "127.0.0.2:7946", 6},
            CacheInvalidate{"usr", std::string("\0key", 4)},
            Sync{false, ups},
            Sync{true, {}}};
}

std::string errorOf(std::uint8_t type, std::string_view bytes)
{
    Decoded d = decode(type, bytes);
    auto* e = std::get_if<DecodeError>(&d);
    return e ? e->message : std::string();
}

std::string u32(std::uint32_t v)
{
    std::string s;
    for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
    return s;
}

} // namespace

class ClusterMessageTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ClusterMessageTest);
    CPPUNIT_TEST(testEveryMessageRoundTrips);
    CPPUNIT_TEST(testEveryTruncationIsAnError);
    CPPUNIT_TEST(testTrailingBytesAreAnError);
    CPPUNIT_TEST(testUnknownTypeIsAnError);
    CPPUNIT_TEST(testHugeCountIsRefusedBeforeAllocating);
    CPPUNIT_TEST(testOversizedStringIsRefused);
    CPPUNIT_TEST(testUnknownStatusIsRefused);
    CPPUNIT_TEST(testEncodeRefusesOversizedFields);
    CPPUNIT_TEST(testRandomBytesNeverCrash);
    CPPUNIT_TEST_SUITE_END();

public:
    void testEveryMessageRoundTrips()
    {
        for (const auto& p : samples()) {
            std::string bytes = encode(p);
            Decoded d = decode(static_cast<std::uint8_t>(typeOf(p)), bytes);
            auto* back = std::get_if<Payload>(&d);
            CPPUNIT_ASSERT_MESSAGE(toString(typeOf(p)) + ": " + errorOf(static_cast<std::uint8_t>(typeOf(p)), bytes),
                                   back != nullptr);
            CPPUNIT_ASSERT_EQUAL(p.index(), back->index());
            CPPUNIT_ASSERT_EQUAL(bytes, encode(*back)); // one spelling per value: equal bytes, equal values
        }
        Decoded d = decode(static_cast<std::uint8_t>(MessageType::Ping), encode(samples()[0]));
        const Ping& ping = std::get<Ping>(std::get<Payload>(d));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{1}, ping.seq);
        CPPUNIT_ASSERT_EQUAL(Pid{7}, ping.target);
        CPPUNIT_ASSERT(ping.updates == std::get<Ping>(samples()[0]).updates);
    }

    void testEveryTruncationIsAnError()
    {
        for (const auto& p : samples()) {
            std::string bytes = encode(p);
            auto type = static_cast<std::uint8_t>(typeOf(p));
            for (std::size_t n = 0; n < bytes.size(); ++n) {
                std::string err = errorOf(type, std::string_view(bytes).substr(0, n));
                CPPUNIT_ASSERT_MESSAGE(toString(typeOf(p)) + " cut at " + std::to_string(n) + " decoded", !err.empty());
            }
        }
        CPPUNIT_ASSERT(jiffy::test::contains(errorOf(1, "abc"), "truncated"));
    }

    void testTrailingBytesAreAnError()
    {
        std::string bytes = encode(IndirectAck{4}) + "x";
        CPPUNIT_ASSERT(jiffy::test::contains(errorOf(4, bytes), "1 trailing bytes after INDIRECT_ACK"));
    }

    void testUnknownTypeIsAnError()
    {
        CPPUNIT_ASSERT(jiffy::test::contains(errorOf(0, ""), "unknown message type 0"));
        CPPUNIT_ASSERT(jiffy::test::contains(errorOf(200, "xyz"), "unknown message type 200"));
    }

    void testHugeCountIsRefusedBeforeAllocating()
    {
        // ACK: seq, then an update count of 2^32-1 with nothing behind it.
        std::string bytes = std::string(8, '\0') + u32(0xffffffffu);
        CPPUNIT_ASSERT(jiffy::test::contains(errorOf(2, bytes), "exceeds 64"));
        // A count within the bound that the remaining bytes cannot hold.
        bytes = std::string(8, '\0') + u32(60) + std::string(29, '\0');
        CPPUNIT_ASSERT(jiffy::test::contains(errorOf(2, bytes), "does not fit"));
    }

    void testOversizedStringIsRefused()
    {
        std::string bytes = u32(100000) + std::string(10, 'a'); // CACHE_INVALIDATE cache name
        CPPUNIT_ASSERT(jiffy::test::contains(errorOf(10, bytes), "cache name: length 100000 exceeds 255"));
    }

    void testUnknownStatusIsRefused()
    {
        std::string bytes = encode(Ack{1, {{7, "a:1", Status::Alive, 1, 0}}});
        bytes[8 + 4 + 8 + 4 + 3] = 9; // the status byte
        CPPUNIT_ASSERT(jiffy::test::contains(errorOf(2, bytes), "update.status: unknown value 9"));
    }

    void testEncodeRefusesOversizedFields()
    {
        CPPUNIT_ASSERT_THROW(encode(LeaderAnnounce{1, std::string(300, 'a'), 1}), std::length_error);
        Ack many{1, std::vector<Update>(kMaxUpdates + 1, Update{1, "a:1", Status::Alive, 1, 0})};
        CPPUNIT_ASSERT_THROW(encode(many), std::length_error);
    }

    void testRandomBytesNeverCrash()
    {
        // Bounded: 20000 inputs, mutations of real messages and pure noise, through the fuzz entry point
        // (which also checks that whatever decodes encodes back to the same bytes).
        std::mt19937_64 rng(42);
        auto all = samples();
        std::size_t decoded = 0;
        for (int i = 0; i < 20000; ++i) {
            std::string bytes;
            if (i % 2 == 0) {
                const auto& p = all[rng() % all.size()];
                bytes = std::string(1, static_cast<char>(typeOf(p))) + encode(p);
                for (int flips = 1 + static_cast<int>(rng() % 4); flips > 0; --flips)
                    bytes[rng() % bytes.size()] = static_cast<char>(rng());
            } else {
                bytes.resize(rng() % 64);
                for (auto& c : bytes) c = static_cast<char>(rng());
            }
            jiffy_cluster_fuzz_decode(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
            if (!bytes.empty() && std::holds_alternative<Payload>(
                                      decode(static_cast<std::uint8_t>(bytes[0]), std::string_view(bytes).substr(1))))
                ++decoded;
        }
        CPPUNIT_ASSERT(decoded > 0); // some mutations keep a valid message: the check above did run on values
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ClusterMessageTest);
