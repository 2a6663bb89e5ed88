// The gob codec of the sluggo plugin and server (plugins/kvs/sluggo/gob,
// protocol/): any bytes read as sluggo's Article or as our extension
// request/reply either decode or throw GobError, never crash or over-read
// (see GobDecoder.h). What decodes re-encodes, and that encoding decodes to
// the same value: the server answers a get with the bytes it was given.
// The first byte picks the message type.
#include "FuzzSupport.h"

#include "gob/GobWire.h"
#include "protocol/Article.h"
#include "protocol/ExtMessages.h"

namespace {

bool same(const jiffy::sluggo::ExtRequest& a, const jiffy::sluggo::ExtRequest& b)
{
    return a.op == b.op && a.key == b.key && a.value == b.value && a.expected == b.expected && a.ttlMs == b.ttlMs &&
           a.delta == b.delta;
}

bool same(const jiffy::sluggo::ExtReply& a, const jiffy::sluggo::ExtReply& b)
{
    return a.status == b.status && a.value == b.value && a.number == b.number && a.message == b.message &&
           a.features == b.features && a.idleMs == b.idleMs;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace jiffy::sluggo;
    std::string_view in = jiffy::fuzz::text(data, size);
    uint8_t sel = jiffy::fuzz::takeByte(in) % 3;
    try {
        if (sel == 0) {
            Article a = decodeArticle(in);
            if (!(decodeArticle(encodeArticle(a)) == a)) jiffy::fuzz::violated("Article does not round-trip");
        } else if (sel == 1) {
            ExtRequest r = decodeExtRequest(in);
            if (!same(decodeExtRequest(encodeExtRequest(r)), r))
                jiffy::fuzz::violated("ExtRequest does not round-trip");
        } else {
            ExtReply r = decodeExtReply(in);
            if (!same(decodeExtReply(encodeExtReply(r)), r)) jiffy::fuzz::violated("ExtReply does not round-trip");
        }
    } catch (const jiffy::gob::GobError&) {
        // malformed input: the documented outcome
    }
    return 0;
}
