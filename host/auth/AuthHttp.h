// Small helpers shared by the auth layer's HTTP handlers: jiffy-style
// replies, request bodies read as jiffy's Go decoder reads them, path ids,
// and the static filters of the auth entities.
#pragma once

#include "auth/AuthStore.h"
#include "plugins/HostContext.h"

#include <FilterSyntax.h>
#include <jiffy/json.hpp>
#include <jiffy/plugin.hpp>

#include <Poco/JSON/Object.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace jiffy::host::auth {

/// A request the handler refuses with 400 {"error": what()}: the SDK's.
using jiffy::BadRequest;

/// Sets status, Content-Type application/json and the body.
void replyJson(jiffy_response& out, int status, std::string body);
/// `{"error":"<message>"}` with `status`.
void replyError(jiffy_response& out, int status, const std::string& message);

/// The request body as a JSON object; BadRequest(`invalidPayload`) otherwise.
Poco::JSON::Object::Ptr parseBody(const jiffy_request& req, const std::string& invalidPayload);
/// Field `key` matched case-insensitively (jiffy's decoder); empty Var when absent.
Poco::Dynamic::Var field(const Poco::JSON::Object::Ptr& body, const std::string& key);
/// A string field; BadRequest naming it when present with another type.
std::optional<std::string> stringField(const Poco::JSON::Object::Ptr& body, const std::string& key);
std::optional<bool> boolField(const Poco::JSON::Object::Ptr& body, const std::string& key);
std::optional<int64_t> intField(const Poco::JSON::Object::Ptr& body, const std::string& key);

/// Path parameter `name` as a positive id; nullopt when malformed.
std::optional<int64_t> idParam(const jiffy_request& req, const std::string& name = "id");
/// The part of the request this handler needs.
std::string_view part(const jiffy_request& req, int what);

/// Parses "EQ 'x'" / "LIKE 'x'" (strings) or "GT 3" (integers) for `column`
/// (the syntax of common/FilterSyntax.h); only the operators in `ops` are accepted.
StoreFilter parseFilter(const std::string& column, const std::string& expr, const std::vector<common::FilterOp>& ops,
                        bool integer);

/// 404 {"error":"<entity> <id> not found"} using the request's id parameter.
void replyNotFound(jiffy_response& out, const std::string& entity, const jiffy_request& req);

/// "http://host:port/<entity>/<id>".
std::string href(const jiffy_request& req, const std::string& entity, int64_t id);

} // namespace jiffy::host::auth
