// The host's config sections as declarative tables, as plugins declare
// theirs (jiffy_option): one row a key — name, target member, range or
// accepted values, one line of help. A key's default is the initializer of
// its member in Config.h, stated nowhere else. One generic reader walks a
// table: type and range checks through FieldReader (case-insensitive keys,
// messages naming the JSON path), then the row's hand-written hook, if any.
// The same rows render the reference of docs/config.md.
#pragma once

#include "config/Config.h"
#include "config/ConfigError.h"
#include "config/ConfigLoader.h"
#include "config/FieldReader.h"

#include <algorithm>
#include <cstdint>
#include <sstream>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

namespace jiffy::host {

/// What a hook may touch besides its own section: the whole config (warnings,
/// resolvePath) and the list of problems.
struct ReadContext {
    Config& cfg;
    std::vector<ConfigIssue>& issues;
};

/// One key of a section whose values land in `S`.
template <class S> struct HostOption {
    /// Hand-written part of a key (see ConfigLoader.cpp): runs after the typed read, or alone.
    using Hook = void (*)(FieldReader& r, const std::string& key, S& target, ReadContext& ctx);
    using Member = std::variant<std::monostate, bool S::*, std::string S::*, int S::*, int64_t S::*, uint32_t S::*,
                                uint64_t S::*, double S::*, Address S::*>;
    enum class Text { Plain, Path, Secret };

    std::string key;
    Member member;
    std::string help;
    int64_t min = 0, max = 0;         ///< integers and numbers: the accepted range
    std::vector<std::string> choices; ///< strings: the only values accepted ({} = any)
    Text text = Text::Plain;          ///< Path: resolved against the config's folder; Secret: or `<key>_file`
    Hook hook = nullptr;
    std::string shownType, shownDefault; ///< in the reference, for keys without a member
    std::string shownRange;              ///< in the reference, for values a hook checks
};

/// Row builders, so a table reads as one line a key.
template <class S> HostOption<S> makeOption(std::string key, typename HostOption<S>::Member member, std::string help)
{
    HostOption<S> o;
    o.key = std::move(key);
    o.member = member;
    o.help = std::move(help);
    return o;
}
template <class S> HostOption<S> flagOption(std::string key, bool S::*m, std::string help)
{
    return makeOption<S>(std::move(key), m, std::move(help));
}
template <class S, class T>
HostOption<S> numberOption(std::string key, T S::*m, int64_t min, int64_t max, std::string help)
{
    HostOption<S> o = makeOption<S>(std::move(key), m, std::move(help));
    o.min = min;
    o.max = max;
    return o;
}
template <class S> HostOption<S> addressOption(std::string key, Address S::*m, std::string help)
{
    return makeOption<S>(std::move(key), m, std::move(help));
}
template <class S>
HostOption<S> textOption(std::string key, std::string S::*m, std::string help,
                         typename HostOption<S>::Text text = HostOption<S>::Text::Plain,
                         typename HostOption<S>::Hook hook = nullptr)
{
    HostOption<S> o = makeOption<S>(std::move(key), m, std::move(help));
    o.text = text;
    o.hook = hook;
    return o;
}
template <class S>
HostOption<S> choiceOption(std::string key, std::string S::*m, std::vector<std::string> choices, std::string help)
{
    HostOption<S> o = makeOption<S>(std::move(key), m, std::move(help));
    o.choices = std::move(choices);
    return o;
}
/// A key read by its hook alone (nested objects, arrays, maps).
template <class S>
HostOption<S> customOption(std::string key, typename HostOption<S>::Hook hook, std::string type,
                           std::string shownDefault, std::string help)
{
    HostOption<S> o = makeOption<S>(std::move(key), {}, std::move(help));
    o.hook = hook;
    o.shownType = std::move(type);
    o.shownDefault = std::move(shownDefault);
    return o;
}

/// `o` with the accepted values its hook checks, for the reference.
template <class S> HostOption<S> shownRange(HostOption<S> o, std::string range)
{
    o.shownRange = std::move(range);
    return o;
}

/// `"a", "b" or "c"`.
inline std::string quotedAlternatives(const std::vector<std::string>& items)
{
    std::string out;
    for (size_t i = 0; i < items.size(); ++i)
        out += (i == 0 ? "" : i + 1 == items.size() ? " or " : ", ") + ("\"" + items[i] + "\"");
    return out;
}

/// Reads every key of `table` from `r` into `target`, in table order.
template <class S>
void readOptions(FieldReader& r, const std::vector<HostOption<S>>& table, S& target, ReadContext& ctx)
{
    for (const HostOption<S>& o : table) {
        std::visit(
            [&](auto m) {
                using M = decltype(m);
                if constexpr (std::is_same_v<M, std::monostate>) {
                } else if constexpr (std::is_same_v<M, bool S::*>) {
                    r.readBool(o.key, target.*m);
                } else if constexpr (std::is_same_v<M, Address S::*>) {
                    r.readAddress(o.key, target.*m);
                } else if constexpr (std::is_same_v<M, double S::*>) {
                    r.readNumber(o.key, target.*m, static_cast<double>(o.min), static_cast<double>(o.max));
                } else if constexpr (std::is_same_v<M, std::string S::*>) {
                    std::string& out = target.*m;
                    if (o.text == HostOption<S>::Text::Secret)
                        r.readSecret(o.key, o.key + "_file", out, ctx.cfg);
                    else
                        r.readString(o.key, out);
                    if (!o.choices.empty() && std::find(o.choices.begin(), o.choices.end(), out) == o.choices.end())
                        r.issue(o.key, "expected " + quotedAlternatives(o.choices) + ", got \"" + out + "\"");
                    if (o.text == HostOption<S>::Text::Path && !out.empty()) out = ctx.cfg.resolvePath(out);
                } else {
                    using T = std::remove_reference_t<decltype(target.*m)>;
                    int64_t x = static_cast<int64_t>(target.*m);
                    r.readInt(o.key, x, o.min, o.max);
                    target.*m = static_cast<T>(x);
                }
            },
            o.member);
        if (o.hook) o.hook(r, o.key, target, ctx);
    }
}

/// Every key the table reads, as spelt in it (secrets bring their `_file` twin).
template <class S> std::vector<std::string> optionKeys(const std::vector<HostOption<S>>& table)
{
    std::vector<std::string> out;
    for (const auto& o : table) {
        out.push_back(o.key);
        if (o.text == HostOption<S>::Text::Secret) out.push_back(o.key + "_file");
    }
    return out;
}

/// A section read into `target`: absent → defaults stay, wrong type → reported,
/// keys no row reads → "unknown key, ignored".
template <class S>
void readSection(FieldReader& root, const std::string& key, const std::vector<HostOption<S>>& table, S& target,
                 ReadContext& ctx)
{
    Poco::JSON::Object::Ptr obj = root.readObject(key);
    if (!obj) return;
    FieldReader r(obj, root.pathOf(key), ctx.issues);
    readOptions(r, table, target, ctx);
    for (const auto& k : r.unreadKeys()) ctx.cfg.warnings.push_back(r.pathOf(k) + ": unknown key, ignored");
}

/// The reference rows of `table`, keys prefixed by `prefix` ("http.").
template <class S>
void describeOptions(const std::string& prefix, const std::vector<HostOption<S>>& table,
                     std::vector<OptionReferenceRow>& out)
{
    const S defaults{};
    for (const HostOption<S>& o : table) {
        OptionReferenceRow row{prefix + o.key, o.shownType, o.shownDefault, o.shownRange, o.help};
        std::visit(
            [&](auto m) {
                using M = decltype(m);
                if constexpr (std::is_same_v<M, std::monostate>) {
                } else if constexpr (std::is_same_v<M, bool S::*>) {
                    row.type = "boolean";
                    row.defaultValue = defaults.*m ? "true" : "false";
                } else if constexpr (std::is_same_v<M, Address S::*>) {
                    row.type = "host:port";
                    row.defaultValue = "\"" + (defaults.*m).text() + "\"";
                } else if constexpr (std::is_same_v<M, std::string S::*>) {
                    row.type = o.text == HostOption<S>::Text::Path ? "path" : "string";
                    row.defaultValue = (defaults.*m).empty() ? "" : "\"" + defaults.*m + "\"";
                    if (!o.choices.empty()) row.range = quotedAlternatives(o.choices);
                } else {
                    std::ostringstream d;
                    d << defaults.*m;
                    row.type = std::is_same_v<M, double S::*> ? "number" : "integer";
                    row.defaultValue = d.str();
                    row.range = std::to_string(o.min) + " to " + std::to_string(o.max);
                }
            },
            o.member);
        out.push_back(row);
        if (o.text == HostOption<S>::Text::Secret)
            out.push_back({prefix + o.key + "_file", "path", "", "",
                           "read " + o.key + " from this file (trailing newline dropped); not both"});
    }
}

} // namespace jiffy::host
