#include "server/Handshake.h"

#include <Poco/Net/WebSocket.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>

#include <cctype>

namespace jiffy::sluggo::server {

using Poco::Net::HTTPResponse;

void sendPlain(Poco::Net::HTTPServerResponse& response, int status, const std::string& body)
{
    response.setStatusAndReason(static_cast<HTTPResponse::HTTPStatus>(status));
    response.setKeepAlive(false);
    response.setContentLength(static_cast<std::streamsize>(body.size()));
    if (!body.empty()) response.setContentType("text/plain; charset=utf-8");
    response.send() << body;
}

bool isAcceptableOrigin(const std::string& origin)
{
    if (origin.empty()) return false;
    for (char c : origin)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
    if (origin[0] == '/' || origin == "*") return true;
    // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"
    if (!std::isalpha(static_cast<unsigned char>(origin[0]))) return false;
    for (size_t i = 1; i < origin.size(); ++i) {
        auto c = static_cast<unsigned char>(origin[i]);
        if (c == ':') return true;
        if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') return false;
    }
    return false;
}

namespace {

bool hasUpgradeToken(const std::string& connection)
{
    return Poco::toLower(connection).find("upgrade") != std::string::npos;
}

} // namespace

bool checkHandshake(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response)
{
    if (request.getMethod() != "GET") {
        sendPlain(response, HTTPResponse::HTTP_METHOD_NOT_ALLOWED, "bad method");
        return false;
    }
    if (Poco::toLower(request.get("Upgrade", "")) != "websocket" || !hasUpgradeToken(request.get("Connection", ""))) {
        sendPlain(response, HTTPResponse::HTTP_BAD_REQUEST, "not websocket protocol");
        return false;
    }
    if (request.get("Sec-WebSocket-Key", "").empty()) {
        sendPlain(response, HTTPResponse::HTTP_BAD_REQUEST, "mismatch challenge/response");
        return false;
    }
    if (request.get("Sec-WebSocket-Version", "") != Poco::Net::WebSocket::WEBSOCKET_VERSION) {
        response.set("Sec-WebSocket-Version", Poco::Net::WebSocket::WEBSOCKET_VERSION);
        sendPlain(response, HTTPResponse::HTTP_BAD_REQUEST, "missing or bad WebSocket Version");
        return false;
    }
    if (!isAcceptableOrigin(request.get("Origin", ""))) {
        sendPlain(response, HTTPResponse::HTTP_FORBIDDEN, "");
        return false;
    }
    std::string protocols = Poco::trim(request.get("Sec-WebSocket-Protocol", ""));
    if (!protocols.empty()) {
        Poco::StringTokenizer list(protocols, ",", Poco::StringTokenizer::TOK_TRIM);
        if (list.count() != 1) {
            sendPlain(response, HTTPResponse::HTTP_BAD_REQUEST, "");
            return false;
        }
        response.set("Sec-WebSocket-Protocol", list[0]);
    }
    return true;
}

} // namespace jiffy::sluggo::server
