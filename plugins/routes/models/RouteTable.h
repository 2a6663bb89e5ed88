// The routes a model produces, with jiffy's patterns and route names, and
// what each route id means to the handler.
#pragma once

#include "Model.h"

#include <jiffy/routes.hpp>

#include <string>
#include <vector>

namespace jiffy::models {

enum class Action { List, Create, Get, Update, Delete, Filter, Relation };

struct RouteAction {
    Action action = Action::List;
    size_t entity = 0;
    size_t index = 0;      ///< property (Filter) or relation (Relation) index
    std::string fromParam; ///< Relation: "library_id"
    std::string toParam;   ///< Relation: "book_id"
};

class RouteTable {
public:
    RouteTable() = default;
    /// Routes of every entity with `active[i]`; `open` drops authentication.
    RouteTable(const Model& model, const std::vector<bool>& active, bool open);

    const std::vector<jiffy::Route>& routes() const { return routes_; }
    const RouteAction& action(uint32_t id) const { return actions_.at(id); }

private:
    void add(const std::string& method, const std::string& pattern, const std::string& name, RouteAction a);

    std::vector<jiffy::Route> routes_;
    std::vector<RouteAction> actions_;
    uint32_t flags_ = 0;
};

} // namespace jiffy::models
