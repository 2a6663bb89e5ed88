// Maps (method, path) to a route. Patterns are '/'-separated segments: a
// literal, or `{name}` / `{name:int}` with an optional literal prefix and
// suffix (`${cmd}`, `name({expr})`). Literal segments win over patterned
// ones, longer literal parts win over shorter, `{x:int}` over `{x}`; the
// search backtracks, so `/library/{id:int}` and `/library/{id}/tobooks`
// coexist. Built once at start; match() allocates only the parameters.
#pragma once

#include "http/RouteTarget.h"

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace jiffy::host {

class Router {
public:
    Router();
    ~Router();
    Router(const Router&) = delete;
    Router& operator=(const Router&) = delete;

    /// Adds a route; throws std::invalid_argument on a malformed pattern or
    /// when the same method and pattern shape is already taken.
    void add(RouteTarget target);

    enum class Outcome { Found, NotFound, MethodNotAllowed };
    struct Match {
        Outcome outcome = Outcome::NotFound;
        const RouteTarget* target = nullptr;
        std::vector<std::pair<std::string_view, std::string>> params;
        std::string allow; ///< for MethodNotAllowed: "GET, POST"
    };
    /// Finds the route for decoded path `segments`.
    Match match(std::string_view method, const std::vector<std::string>& segments) const;

    /// Splits a raw path into percent-decoded segments ("/a/b%20c" → {"a","b c"});
    /// a trailing '/' is ignored. False on malformed encoding.
    static bool splitPath(std::string_view rawPath, std::vector<std::string>& segments);

    const std::vector<std::unique_ptr<RouteTarget>>& routes() const { return targets_; }

private:
    struct Segment {
        std::string prefix, suffix, param;
        bool intOnly = false;
        bool matches(const std::string& s) const;
        bool sameShape(const Segment& o) const
        {
            return prefix == o.prefix && suffix == o.suffix && intOnly == o.intOnly;
        }
    };
    struct Node;
    bool walk(const Node& node, size_t depth, std::string_view method, const std::vector<std::string>& segs,
              std::vector<std::string>& values, Match& m) const;
    static Segment parseSegment(const std::string& text, const std::string& pattern, bool& literal);

    std::unique_ptr<Node> root_;
    std::vector<std::unique_ptr<RouteTarget>> targets_;
};

} // namespace jiffy::host
