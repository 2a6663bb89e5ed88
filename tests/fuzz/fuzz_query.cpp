// The request path as the host and the models plugin read it: Router::splitPath
// (percent-decoding), Router::match over every route of
// tests/data/models/features.json, then the models' query language on what the
// route captured: commands ($count, $limit=n, $offset=n, $orderby=f, $asc, $desc)
// and static filters (name(EQ 'x'), year(GT 3)). Malformed input is a
// QueryError (400), never a crash; what parses respects the model.
// Input: first byte picks the method, the rest is the raw path.
#include "FuzzSupport.h"

#include "http/Router.h"

#include "ModelParser.h"
#include "Query.h"
#include "RouteTable.h"

#include <limits>
#include <memory>

namespace {

using namespace jiffy::models;

struct Fixture {
    Model model;
    RouteTable table;
    jiffy::host::Router router;
};

Fixture& fixture()
{
    static Fixture* f = [] {
        auto* x = new Fixture;
        x->model = parseModels({{"features.json", jiffy::fuzz::sourceFile("tests/data/models/features.json")}}).model;
        x->table = RouteTable(x->model, std::vector<bool>(x->model.entities.size(), true), false);
        for (const auto& r : x->table.routes()) {
            jiffy::host::RouteTarget t;
            t.method = r.method;
            t.pattern = r.pattern;
            t.name = r.name;
            t.flags = r.flags;
            t.id = r.id;
            x->router.add(std::move(t));
        }
        return x;
    }();
    return *f;
}

std::optional<std::string> param(const jiffy::host::Router::Match& m, std::string_view name)
{
    for (const auto& [k, v] : m.params)
        if (k == name) return v;
    return std::nullopt;
}

void checkCommands(const Commands& c, const Entity& e)
{
    if (c.limit && *c.limit < 0) jiffy::fuzz::violated("a negative $limit");
    if (c.offset && *c.offset < 0) jiffy::fuzz::violated("a negative $offset");
    if (c.orderBy != "id") {
        int i = e.propertyByColumn(c.orderBy);
        if (i < 0 || e.properties[static_cast<size_t>(i)].noDb)
            jiffy::fuzz::violated("$orderby on a field that is not stored", c.orderBy);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const char* const methods[] = {"GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"};
    Fixture& f = fixture();
    std::string_view in = jiffy::fuzz::text(data, size);
    const char* method = methods[jiffy::fuzz::takeByte(in) % 6];
    std::vector<std::string> segments;
    if (!jiffy::host::Router::splitPath(in, segments)) return 0;
    jiffy::host::Router::Match m = f.router.match(method, segments);
    if (m.outcome == jiffy::host::Router::Outcome::MethodNotAllowed && m.allow.empty())
        jiffy::fuzz::violated("405 without an Allow list");
    if (m.outcome != jiffy::host::Router::Outcome::Found) return 0;
    if (!m.target || m.target->method != method) jiffy::fuzz::violated("a route of another method");
    const RouteAction& a = f.table.action(m.target->id);
    const Entity& e = f.model.entities.at(a.entity);
    try {
        if (a.action == Action::Filter) {
            const Property& p = e.properties.at(a.index);
            Filter flt = parseFilter(param(m, "expr").value_or(""), p);
            if (flt.property != &p || flt.value.kind != p.kind) jiffy::fuzz::violated("a filter of another field");
            if (p.kind == Kind::Int && (flt.value.i < p.min || flt.value.i > p.max))
                jiffy::fuzz::violated("a filter value outside the field's range", p.column);
        }
        const Entity& target = a.action == Action::Relation ? f.model.entities.at(e.relations.at(a.index).to) : e;
        if (auto cmd = param(m, "cmd")) checkCommands(parseCommands(*cmd, target), target);
        if (auto id = param(m, "id")) (void)parseInteger(*id, 1, std::numeric_limits<int64_t>::max());
    } catch (const QueryError& ex) {
        if (std::string(ex.what()).empty()) jiffy::fuzz::violated("a QueryError without a message");
    }
    return 0;
}
