#include "RouteTable.h"

namespace jiffy::models {

void RouteTable::add(const std::string& method, const std::string& pattern, const std::string& name, RouteAction a)
{
    routes_.push_back({method, pattern, name, flags_, static_cast<uint32_t>(actions_.size())});
    actions_.push_back(std::move(a));
}

RouteTable::RouteTable(const Model& model, const std::vector<bool>& active, bool open)
    : flags_(open ? static_cast<uint32_t>(JIFFY_ROUTE_OPEN) : 0u)
{
    for (size_t ei = 0; ei < model.entities.size(); ++ei) {
        if (!active[ei]) continue;
        const Entity& e = model.entities[ei];
        const std::string one = "/" + e.table, set = "/" + e.plural, n = e.table + ".";
        RouteAction a;
        a.entity = ei;
        a.action = Action::List;
        add("GET", set, n + "GET_SET", a);
        add("GET", set + "/${cmd}", n + "GET_SET_CMD", a);
        a.action = Action::Create;
        add("POST", one, n + "CREATE", a);
        a.action = Action::Get;
        add("GET", one + "/{id:int}", n + "GET_ID", a);
        a.action = Action::Update;
        add("PUT", one + "/{id:int}", n + "UPDATE", a);
        a.action = Action::Delete;
        add("DELETE", one + "/{id:int}", n + "DELETE", a);
        for (size_t pi = 0; pi < e.properties.size(); ++pi) {
            const Property& p = e.properties[pi];
            if (p.noDb || p.ops.empty()) continue;
            RouteAction f;
            f.action = Action::Filter;
            f.entity = ei;
            f.index = pi;
            std::string pattern = set + "/" + p.column + "({expr})";
            add("GET", pattern, n + "STATICFLTR_By" + p.goName, f);
            add("GET", pattern + "/${cmd}", n + "STATICFLTR_CMD_By" + p.goName, f);
        }
        for (size_t ri = 0; ri < e.relations.size(); ++ri) {
            // As in jiffy, relation routes belong to the *from* entity: they
            // are served while it is active, whether or not the target is.
            const Relation& r = e.relations[ri];
            RouteAction rel;
            rel.action = Action::Relation;
            rel.entity = ei;
            rel.index = ri;
            rel.fromParam = e.table + "_id";
            rel.toParam = model.entities[r.to].table + "_id";
            if (rel.toParam == rel.fromParam) rel.toParam = "related_id";
            std::string base = one + "/{" + rel.fromParam + ":int}/" + r.route;
            add("GET", base, n + "REL_" + r.route, rel);
            if (r.type == RelType::HasMany) add("GET", base + "/${cmd}", n + "REL_CMD_" + r.route, rel);
            add("GET", base + "/{" + rel.toParam + ":int}", n + "REL_" + r.route + "_id", rel);
        }
    }
}

} // namespace jiffy::models
