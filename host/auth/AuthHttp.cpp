#include "auth/AuthHttp.h"

#include <Poco/JSON/Parser.h>
#include <Poco/String.h>

#include <algorithm>
#include <charconv>

namespace jiffy::host::auth {

void replyJson(jiffy_response& out, int status, std::string body)
{
    out.status = status;
    out.headers.emplace_back("Content-Type", "application/json");
    out.body = std::move(body);
}

void replyError(jiffy_response& out, int status, const std::string& message)
{
    replyJson(out, status, "{\"error\":" + jiffy::JsonWriter::quote(message) + "}");
}

std::string_view part(const jiffy_request& req, int what)
{
    return req.parts[what];
}

Poco::JSON::Object::Ptr parseBody(const jiffy_request& req, const std::string& invalidPayload)
{
    Poco::Dynamic::Var v;
    try {
        v = Poco::JSON::Parser().parse(std::string(part(req, JIFFY_REQ_BODY)));
    } catch (const Poco::Exception&) {
        throw BadRequest(invalidPayload);
    }
    if (v.type() != typeid(Poco::JSON::Object::Ptr)) throw BadRequest(invalidPayload);
    return v.extract<Poco::JSON::Object::Ptr>();
}

Poco::Dynamic::Var field(const Poco::JSON::Object::Ptr& body, const std::string& key)
{
    if (body->has(key)) return body->get(key);
    for (const auto& kv : *body)
        if (Poco::icompare(kv.first, key) == 0) return kv.second;
    return {};
}

std::optional<std::string> stringField(const Poco::JSON::Object::Ptr& body, const std::string& key)
{
    Poco::Dynamic::Var v = field(body, key);
    if (v.isEmpty()) return std::nullopt;
    if (!v.isString()) throw BadRequest("field \"" + key + "\": expected a string");
    return v.convert<std::string>();
}

std::optional<bool> boolField(const Poco::JSON::Object::Ptr& body, const std::string& key)
{
    Poco::Dynamic::Var v = field(body, key);
    if (v.isEmpty()) return std::nullopt;
    if (v.type() != typeid(bool)) throw BadRequest("field \"" + key + "\": expected true or false");
    return v.extract<bool>();
}

std::optional<int64_t> intField(const Poco::JSON::Object::Ptr& body, const std::string& key)
{
    Poco::Dynamic::Var v = field(body, key);
    if (v.isEmpty()) return std::nullopt;
    if (!v.isInteger() || v.type() == typeid(bool) || v.isString() || (v.isSigned() && v.convert<int64_t>() < 0))
        throw BadRequest("field \"" + key + "\": expected a non-negative integer");
    return v.convert<int64_t>();
}

std::optional<int64_t> idParam(const jiffy_request& req, const std::string& name)
{
    for (const auto& [k, v] : req.params) {
        if (k != name) continue;
        int64_t id = 0;
        auto r = std::from_chars(v.data(), v.data() + v.size(), id);
        if (r.ec != std::errc() || r.ptr != v.data() + v.size() || id < 1) return std::nullopt;
        return id;
    }
    return std::nullopt;
}

StoreFilter parseFilter(const std::string& column, const std::string& expr, const std::vector<common::FilterOp>& ops,
                        bool integer)
{
    const common::FilterTokens t = common::tokenizeFilter(expr);
    // Here an operator is a whole word: in "EQ3" or "EQ\t'x'" the word runs up to the first space or quote.
    std::string_view word = t.wordStandsAlone ? t.word : t.text.substr(0, t.text.find_first_of(" '"));
    if (!t.wordStandsAlone || !t.op || std::find(ops.begin(), ops.end(), *t.op) == ops.end())
        throw BadRequest("error: " + Poco::toUpper(std::string(word)) + " is an unknown selection operand for " +
                         column);
    StoreFilter f;
    f.column = column;
    f.op = common::filterOpSql(*t.op); // of those auth routes accept: "=", "!=", "<", ">", "LIKE"
    std::string value(t.value);
    if (integer) {
        int64_t x = 0;
        auto r = std::from_chars(value.data(), value.data() + value.size(), x);
        if (value.empty() || r.ec != std::errc() || r.ptr != value.data() + value.size())
            throw BadRequest("filter " + column + ": expected an integer, got \"" + value + "\"");
        f.integer = true;
        f.number = x;
        return f;
    }
    if (!t.quoted) throw BadRequest("filter " + column + ": the value must be in single quotes");
    f.text = *t.op == common::FilterOp::Like ? common::containsPattern(value) : value;
    return f;
}

void replyNotFound(jiffy_response& out, const std::string& entity, const jiffy_request& req)
{
    std::string id;
    for (const auto& [k, v] : req.params)
        if (k == "id" || k == "group_id") id = v;
    replyError(out, 404, entity + " " + id + " not found");
}

std::string href(const jiffy_request& req, const std::string& entity, int64_t id)
{
    return std::string(part(req, JIFFY_REQ_BASE_URL)) + "/" + entity + "/" + std::to_string(id);
}

} // namespace jiffy::host::auth
