#include "plugins/OptionValidator.h"

#include "config/FieldReader.h"
#include "plugins/PluginErrors.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/String.h>

namespace jiffy::host {
namespace {

bool isObject(const Poco::Dynamic::Var& v)
{
    return v.type() == typeid(Poco::JSON::Object::Ptr);
}
bool isArray(const Poco::Dynamic::Var& v)
{
    return v.type() == typeid(Poco::JSON::Array::Ptr);
}
bool isBool(const Poco::Dynamic::Var& v)
{
    return v.type() == typeid(bool);
}

/// Checks `v` against option type `type`; returns "" or what was wrong.
std::string checkType(int32_t type, Poco::Dynamic::Var& v, const Config& cfg)
{
    std::string why;
    Address a;
    switch (type) {
    case JIFFY_OPT_STRING:
        return v.isString() ? "" : "expected a string, got " + describeJson(v);
    case JIFFY_OPT_PATH:
        if (!v.isString()) return "expected a file path, got " + describeJson(v);
        v = cfg.resolvePath(v.convert<std::string>());
        return "";
    // Numbers and booleans may come from the environment as strings ("${MAX_KEYS:-1000}");
    // the plugin then sees the converted JSON value.
    case JIFFY_OPT_INT: {
        int64_t i = 0;
        if (v.isString() && integerFromString(v.convert<std::string>(), i)) v = i;
        return (v.isInteger() && !isBool(v)) ? "" : "expected an integer, got " + describeJson(v);
    }
    case JIFFY_OPT_DOUBLE: {
        double d = 0;
        if (v.isString() && numberFromString(v.convert<std::string>(), d)) v = d;
        return (v.isNumeric() && !isBool(v)) ? "" : "expected a number, got " + describeJson(v);
    }
    case JIFFY_OPT_BOOL:
        if (v.isString() && (v.convert<std::string>() == "true" || v.convert<std::string>() == "false"))
            v = v.convert<std::string>() == "true";
        return isBool(v) ? "" : "expected true or false, got " + describeJson(v);
    case JIFFY_OPT_OBJECT:
        return isObject(v) ? "" : "expected an object, got " + describeJson(v);
    case JIFFY_OPT_ADDRESS:
        if (!v.isString()) return "expected \"host:port\", got " + describeJson(v);
        return parseAddress(v.convert<std::string>(), a, why) ? "" : why;
    case JIFFY_OPT_STRING_LIST:
    case JIFFY_OPT_ADDRESS_LIST:
    case JIFFY_OPT_PATH_LIST: {
        const char* what = type == JIFFY_OPT_ADDRESS_LIST ? "an array of \"host:port\""
                           : type == JIFFY_OPT_PATH_LIST  ? "an array of file paths"
                                                          : "an array of strings";
        if (!isArray(v)) return std::string("expected ") + what + ", got " + describeJson(v);
        auto arr = v.extract<Poco::JSON::Array::Ptr>();
        Poco::JSON::Array::Ptr copy = new Poco::JSON::Array;
        for (unsigned i = 0; i < arr->size(); ++i) {
            Poco::Dynamic::Var item = arr->get(i);
            if (!item.isString()) return "[" + std::to_string(i) + "]: expected a string, got " + describeJson(item);
            if (type == JIFFY_OPT_ADDRESS_LIST && !parseAddress(item.convert<std::string>(), a, why))
                return "[" + std::to_string(i) + "]: " + why;
            copy->add(type == JIFFY_OPT_PATH_LIST ? cfg.resolvePath(item.convert<std::string>())
                                                  : item.convert<std::string>());
        }
        v = copy;
        return "";
    }
    default:
        return "";
    }
}

} // namespace

Poco::JSON::Object::Ptr applyOptions(const PluginLibrary& lib, const Poco::JSON::Object::Ptr& raw,
                                     const std::string& path, const Config& cfg, const std::set<std::string>& quietKeys,
                                     std::vector<ConfigIssue>& issues, std::vector<std::string>& warnings)
{
    Poco::JSON::Object::Ptr out = new Poco::JSON::Object;
    Poco::JSON::Object::Ptr in = raw ? raw : Poco::JSON::Object::Ptr(new Poco::JSON::Object);
    FieldReader r(in, path, issues);
    for (const PluginOption& opt : lib.options()) {
        std::string key = r.actualKey(opt.name);
        Poco::Dynamic::Var v = r.get(opt.name);
        std::string where = r.pathOf(key.empty() ? opt.name : key);
        if (v.isEmpty()) {
            if (opt.required) {
                issues.push_back({where, std::string("required (") + optionTypeName(opt.type) + ": " + opt.help + ")"});
                continue;
            }
            if (opt.defaultJson.empty()) continue;
            try {
                // Poco 1.11's parser rejects a bare scalar, so parse it inside an array.
                v = Poco::JSON::Parser().parse("[" + opt.defaultJson + "]").extract<Poco::JSON::Array::Ptr>()->get(0);
            } catch (const Poco::Exception& e) {
                warnings.push_back(where + ": plugin " + lib.name() + " declares an invalid default: " + e.message());
                continue;
            }
        }
        std::string why = checkType(opt.type, v, cfg);
        if (!why.empty()) {
            issues.push_back({why[0] == '[' ? where + why.substr(0, why.find(':')) : where,
                              why[0] == '[' ? why.substr(why.find(':') + 2) : why});
            continue;
        }
        out->set(opt.name, v);
    }
    for (const auto& k : r.unreadKeys()) {
        out->set(k, in->get(k));
        bool quiet = false;
        for (const auto& q : quietKeys)
            if (Poco::icompare(q, k) == 0) quiet = true;
        if (!quiet)
            warnings.push_back(r.pathOf(k) + ": unknown key for " + kindName(lib.kind()) + " plugin " + lib.name() +
                               ", ignored");
    }
    return out;
}

} // namespace jiffy::host
