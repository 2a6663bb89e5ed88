#include "http/Router.h"

#include <algorithm>
#include <stdexcept>

namespace jiffy::host {

struct Router::Node {
    std::unordered_map<std::string, std::unique_ptr<Node>> literals;
    std::vector<std::pair<Segment, std::unique_ptr<Node>>> patterns;
    std::vector<const RouteTarget*> handlers;
};

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;

bool Router::Segment::matches(const std::string& s) const
{
    if (s.size() <= prefix.size() + suffix.size()) return false;
    if (s.compare(0, prefix.size(), prefix) != 0) return false;
    if (s.compare(s.size() - suffix.size(), suffix.size(), suffix) != 0) return false;
    if (intOnly) {
        for (size_t i = prefix.size(); i < s.size() - suffix.size(); ++i)
            if (s[i] < '0' || s[i] > '9') return false;
    }
    return true;
}

Router::Segment Router::parseSegment(const std::string& text, const std::string& pattern, bool& literal)
{
    Segment seg;
    size_t open = text.find('{');
    if (open == std::string::npos) {
        if (text.find('}') != std::string::npos) throw std::invalid_argument("stray '}' in route pattern " + pattern);
        literal = true;
        seg.prefix = text;
        return seg;
    }
    size_t close = text.find('}', open);
    if (close == std::string::npos) throw std::invalid_argument("unclosed '{' in route pattern " + pattern);
    if (text.find('{', open + 1) != std::string::npos)
        throw std::invalid_argument("only one parameter per segment in route pattern " + pattern);
    literal = false;
    seg.prefix = text.substr(0, open);
    seg.suffix = text.substr(close + 1);
    std::string inside = text.substr(open + 1, close - open - 1);
    size_t colon = inside.find(':');
    seg.param = inside.substr(0, colon);
    if (colon != std::string::npos) {
        std::string type = inside.substr(colon + 1);
        if (type != "int")
            throw std::invalid_argument("unknown parameter type \"" + type + "\" in route pattern " + pattern);
        seg.intOnly = true;
    }
    if (seg.param.empty()) throw std::invalid_argument("parameter without a name in route pattern " + pattern);
    return seg;
}

void Router::add(RouteTarget target)
{
    const std::string& pattern = target.pattern;
    if (pattern.empty() || pattern[0] != '/')
        throw std::invalid_argument("route pattern must start with '/': " + pattern);
    std::vector<std::string> parts;
    size_t start = 1;
    while (start <= pattern.size()) {
        size_t slash = pattern.find('/', start);
        if (slash == std::string::npos) slash = pattern.size();
        std::string part = pattern.substr(start, slash - start);
        if (part.empty() && slash != pattern.size())
            throw std::invalid_argument("empty segment in route pattern " + pattern);
        if (!part.empty()) parts.push_back(part);
        start = slash + 1;
    }
    Node* node = root_.get();
    for (const auto& part : parts) {
        bool literal = false;
        Segment seg = parseSegment(part, pattern, literal);
        if (literal) {
            auto& child = node->literals[seg.prefix];
            if (!child) child = std::make_unique<Node>();
            node = child.get();
            continue;
        }
        if (std::find(target.paramNames.begin(), target.paramNames.end(), seg.param) != target.paramNames.end())
            throw std::invalid_argument("route pattern " + pattern + " names parameter \"" + seg.param + "\" twice");
        target.paramNames.push_back(seg.param);
        auto it = std::find_if(node->patterns.begin(), node->patterns.end(),
                               [&](const auto& p) { return p.first.sameShape(seg); });
        if (it != node->patterns.end()) {
            node = it->second.get();
            continue;
        }
        node->patterns.emplace_back(seg, std::make_unique<Node>());
        Node* added = node->patterns.back().second.get();
        std::stable_sort(node->patterns.begin(), node->patterns.end(), [](const auto& a, const auto& b) {
            size_t la = a.first.prefix.size() + a.first.suffix.size();
            size_t lb = b.first.prefix.size() + b.first.suffix.size();
            if (la != lb) return la > lb;
            return a.first.intOnly && !b.first.intOnly;
        });
        node = added;
    }
    for (const RouteTarget* t : node->handlers)
        if (t->method == target.method)
            throw std::invalid_argument("route " + target.method + " " + pattern + " clashes with " + t->method + " " +
                                        t->pattern);
    targets_.push_back(std::make_unique<RouteTarget>(std::move(target)));
    node->handlers.push_back(targets_.back().get());
}

bool Router::walk(const Node& node, size_t depth, std::string_view method, const std::vector<std::string>& segs,
                  std::vector<std::string>& values, Match& m) const
{
    if (depth == segs.size()) {
        for (const RouteTarget* t : node.handlers)
            if (t->method == method) {
                m.outcome = Outcome::Found;
                m.target = t;
                for (size_t i = 0; i < values.size() && i < t->paramNames.size(); ++i)
                    m.params.emplace_back(t->paramNames[i], std::move(values[i]));
                return true;
            }
        for (const RouteTarget* t : node.handlers)
            if (m.allow.find(t->method) == std::string::npos) m.allow += (m.allow.empty() ? "" : ", ") + t->method;
        return false;
    }
    const std::string& s = segs[depth];
    auto lit = node.literals.find(s);
    if (lit != node.literals.end() && walk(*lit->second, depth + 1, method, segs, values, m)) return true;
    for (const auto& [seg, child] : node.patterns) {
        if (!seg.matches(s)) continue;
        values.push_back(s.substr(seg.prefix.size(), s.size() - seg.prefix.size() - seg.suffix.size()));
        if (walk(*child, depth + 1, method, segs, values, m)) return true;
        values.pop_back();
    }
    return false;
}

Router::Match Router::match(std::string_view method, const std::vector<std::string>& segments) const
{
    Match m;
    std::vector<std::string> values;
    if (!walk(*root_, 0, method, segments, values, m)) {
        m.params.clear();
        m.outcome = m.allow.empty() ? Outcome::NotFound : Outcome::MethodNotAllowed;
    }
    return m;
}

namespace {

int hexValue(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

} // namespace

bool Router::splitPath(std::string_view raw, std::vector<std::string>& segments)
{
    segments.clear();
    size_t i = 0;
    if (!raw.empty() && raw[0] == '/') i = 1;
    std::string cur;
    bool any = false;
    for (; i < raw.size(); ++i) {
        char c = raw[i];
        if (c == '/') {
            segments.push_back(std::move(cur));
            cur.clear();
            any = false;
            continue;
        }
        any = true;
        if (c == '%') {
            if (i + 2 >= raw.size()) return false;
            int hi = hexValue(raw[i + 1]), lo = hexValue(raw[i + 2]);
            if (hi < 0 || lo < 0) return false;
            cur += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else {
            cur += c;
        }
    }
    if (any) segments.push_back(std::move(cur));
    return true;
}

} // namespace jiffy::host
