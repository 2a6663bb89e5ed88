// decodeBody (plugins/routes/models/BodyDecoder) on any request body, for
// every entity of tests/data/models/features.json (all property types,
// defaults, required and no_db fields): one value per property, or a
// BadRequest naming the problem. The first byte picks the entity and strict mode.
#include "FuzzSupport.h"

#include "BodyDecoder.h"
#include "ModelParser.h"

namespace {

const jiffy::models::Model& model()
{
    static const jiffy::models::Model m =
        jiffy::models::parseModels({{"features.json", jiffy::fuzz::sourceFile("tests/data/models/features.json")}})
            .model;
    return m;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const auto& m = model();
    std::string_view in = jiffy::fuzz::text(data, size);
    uint8_t sel = jiffy::fuzz::takeByte(in);
    const jiffy::models::Entity& e = m.entities[(sel >> 1) % m.entities.size()];
    try {
        std::vector<jiffy::models::Scalar> values = jiffy::models::decodeBody(e, in, (sel & 1) != 0);
        if (values.size() != e.properties.size()) jiffy::fuzz::violated("not one value per property");
        for (size_t i = 0; i < values.size(); ++i) {
            const auto& p = e.properties[i];
            const auto& v = values[i];
            if (v.kind != p.kind) jiffy::fuzz::violated("a value of another kind than its property", p.column);
            if (v.isNull && p.required && !p.noDb) jiffy::fuzz::violated("a required field decoded as null", p.column);
            if (!v.isNull && p.kind == jiffy::models::Kind::Int && (v.i < p.min || v.i > p.max))
                jiffy::fuzz::violated("an integer outside its type's range", p.column);
        }
    } catch (const jiffy::models::BadRequest& ex) {
        if (std::string(ex.what()).empty()) jiffy::fuzz::violated("a BadRequest without a message");
    }
    return 0;
}
