#include "protocol/ExtMessages.h"

#include "gob/GobDecoder.h"
#include "gob/GobEncoder.h"

namespace jiffy::sluggo {

const gob::StructDef& extRequestDef()
{
    static const gob::StructDef def{"ExtRequest",
                                    {{"Op", gob::Kind::String},
                                     {"Key", gob::Kind::String},
                                     {"Value", gob::Kind::Bytes},
                                     {"Expected", gob::Kind::Bytes},
                                     {"TtlMs", gob::Kind::Int},
                                     {"Delta", gob::Kind::Int}}};
    return def;
}

const gob::StructDef& extReplyDef()
{
    static const gob::StructDef def{"ExtReply",
                                    {{"Status", gob::Kind::String},
                                     {"Value", gob::Kind::Bytes},
                                     {"Number", gob::Kind::Int},
                                     {"Message", gob::Kind::String},
                                     {"Features", gob::Kind::String},
                                     {"IdleMs", gob::Kind::Int}}};
    return def;
}

std::string encodeExtRequest(const ExtRequest& r)
{
    return gob::StructEncoder(extRequestDef())
        .string(r.op)
        .string(r.key)
        .bytes(r.value)
        .bytes(r.expected)
        .integer(r.ttlMs)
        .integer(r.delta)
        .finish();
}

ExtRequest decodeExtRequest(std::string_view stream)
{
    gob::StructValues v = gob::decodeStruct(stream, extRequestDef());
    ExtRequest r;
    r.op = std::move(v[0].s);
    r.key = std::move(v[1].s);
    r.value = std::move(v[2].s);
    r.expected = std::move(v[3].s);
    r.ttlMs = v[4].i;
    r.delta = v[5].i;
    return r;
}

std::string encodeExtReply(const ExtReply& r)
{
    return gob::StructEncoder(extReplyDef())
        .string(r.status)
        .bytes(r.value)
        .integer(r.number)
        .string(r.message)
        .string(r.features)
        .integer(r.idleMs)
        .finish();
}

ExtReply decodeExtReply(std::string_view stream)
{
    gob::StructValues v = gob::decodeStruct(stream, extReplyDef());
    ExtReply r;
    r.status = std::move(v[0].s);
    r.value = std::move(v[1].s);
    r.number = v[2].i;
    r.message = std::move(v[3].s);
    r.features = std::move(v[4].s);
    r.idleMs = v[5].i;
    return r;
}

} // namespace jiffy::sluggo
