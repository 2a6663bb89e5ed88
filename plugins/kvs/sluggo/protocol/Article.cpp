#include "protocol/Article.h"

#include "gob/GobDecoder.h"
#include "gob/GobEncoder.h"

namespace jiffy::sluggo {

const gob::StructDef& articleDef()
{
    static const gob::StructDef def{"Article",
                                    {{"Key", gob::Kind::String},
                                     {"Op", gob::Kind::String},
                                     {"Valid", gob::Kind::Bool},
                                     {"Value", gob::Kind::Bytes},
                                     {"Type", gob::Kind::String}}};
    return def;
}

std::string encodeArticle(const Article& a)
{
    return gob::StructEncoder(articleDef())
        .string(a.key)
        .string(a.op)
        .boolean(a.valid)
        .bytes(a.value)
        .string(a.type)
        .finish();
}

Article decodeArticle(std::string_view stream)
{
    gob::StructValues v = gob::decodeStruct(stream, articleDef());
    Article a;
    a.key = std::move(v[0].s);
    a.op = std::move(v[1].s);
    a.valid = v[2].b;
    a.value = std::move(v[3].s);
    a.type = std::move(v[4].s);
    return a;
}

} // namespace jiffy::sluggo
