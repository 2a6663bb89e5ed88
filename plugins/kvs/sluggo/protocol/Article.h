// sluggo's message: wscom.Article, gob-encoded, one per WebSocket message.
//
//   type Article struct { Key string; Op string; Valid bool; Value []byte; Type string }
//
// Op is "AU" (add/update), "G" (get), "D" (delete) or "FLUSH". The server
// stores the whole Article under Key and returns it as is on a get; an
// absent key comes back as the zero Article (Key ""). jiffy stores its
// gob(GMLeader) in Value.
#pragma once

#include "gob/GobSchema.h"

#include <string>
#include <string_view>

namespace jiffy::sluggo {

struct Article {
    std::string key;
    std::string op;
    bool valid = false;
    std::string value;
    std::string type;

    bool operator==(const Article& o) const
    {
        return key == o.key && op == o.op && valid == o.valid && value == o.value && type == o.type;
    }
};

/// Go ops, as sluggo's command loop spells them.
inline constexpr std::string_view kOpAddUpdate = "AU";
inline constexpr std::string_view kOpGet = "G";
inline constexpr std::string_view kOpDelete = "D";
inline constexpr std::string_view kOpFlush = "FLUSH";

/// The Go type, field for field.
const gob::StructDef& articleDef();

/// gob stream of `a` as a fresh Go encoder writes it (type definition first).
std::string encodeArticle(const Article& a);
/// Decodes what a Go encoder wrote; throws gob::GobError.
Article decodeArticle(std::string_view stream);

} // namespace jiffy::sluggo
