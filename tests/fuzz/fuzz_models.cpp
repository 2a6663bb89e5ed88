// parseModels (plugins/routes/models/) on any model file: a Model or a
// ModelError naming the problems; nothing else may escape. An accepted model
// then goes through everything start-up does with it without a database:
// the route table, the OpenAPI paths, and each column's SQL definition.
#include "FuzzSupport.h"

#include "ModelParser.h"
#include "OpenApi.h"
#include "RouteTable.h"
#include "Sql.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    std::string text(jiffy::fuzz::text(data, size));
    jiffy::models::ParseResult parsed;
    try {
        parsed = jiffy::models::parseModels({{"fuzz.json", text}});
    } catch (const jiffy::models::ModelError& e) {
        if (std::string(e.what()).empty()) jiffy::fuzz::violated("a ModelError without a message");
        return 0;
    }
    const jiffy::models::Model& m = parsed.model;
    std::vector<bool> active(m.entities.size(), true);
    jiffy::models::RouteTable table(m, active, false);
    for (const auto& r : table.routes()) (void)table.action(r.id);
    (void)jiffy::models::buildOpenApi(m, table);

    jiffy::Dialect d;
    d.name = "sqlite";
    d.typeInt = "INTEGER", d.typeDouble = "REAL", d.typeText = "TEXT", d.typeBool = "INTEGER";
    d.primaryKey = "INTEGER PRIMARY KEY";
    jiffy::models::Sql sql(d);
    for (const auto& e : m.entities)
        for (const auto& p : e.properties) {
            if (p.noDb) continue;
            (void)sql.columnDefinition(p, false);
            (void)sql.columnSignature(p);
        }
    return 0;
}
