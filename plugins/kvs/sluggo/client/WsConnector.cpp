#include "client/WsConnector.h"

#include "protocol/WsMessage.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Timespan.h>

namespace jiffy::sluggo {

std::unique_ptr<Poco::Net::WebSocket> WsConnector::open(std::string_view path) const
{
    Poco::Timespan timeout(static_cast<Poco::Timespan::TimeDiff>(config_.timeout.count()) * 1000);
    Poco::Net::HTTPClientSession session(config_.host, config_.port);
    session.setTimeout(timeout, timeout, timeout);
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, std::string(path),
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.set("Origin", config_.origin);
    Poco::Net::HTTPResponse response;
    try {
        auto ws = std::make_unique<Poco::Net::WebSocket>(session, request, response);
        ws->setReceiveTimeout(timeout);
        ws->setSendTimeout(timeout);
        return ws;
    } catch (const Poco::Net::WebSocketException& e) {
        // The server answered HTTP but would not upgrade: it is up, and it
        // told us something (404: no such path; 403: Origin refused).
        if (e.code() == Poco::Net::WebSocket::WS_ERR_NO_HANDSHAKE &&
            response.getStatus() != Poco::Net::HTTPResponse::HTTP_SWITCHING_PROTOCOLS)
            throw HandshakeRefused(static_cast<int>(response.getStatus()),
                                   "sluggo at " + config_.address + " refused the WebSocket handshake on " +
                                       std::string(path) + " with HTTP " + std::to_string(response.getStatus()) + " " +
                                       response.getReason());
        rethrow("the WebSocket handshake on " + std::string(path));
    } catch (...) {
        rethrow("connecting");
    }
}

void WsConnector::rethrow(const std::string& during) const
{
    const std::string where = "sluggo at " + config_.address + ": ";
    try {
        throw;
    } catch (const jiffy::Error&) {
        throw;
    } catch (const HandshakeRefused& e) {
        fail(JIFFY_UNAVAILABLE, e.what());
    } catch (const Poco::TimeoutException&) {
        fail(JIFFY_TIMEOUT,
             where + "no answer within " + std::to_string(config_.timeout.count()) + " ms (" + during + ")");
    } catch (const WsProtocolError& e) {
        fail(e.tooLarge() ? JIFFY_TOO_LARGE : JIFFY_INTERNAL, where + "bad reply (" + during + "): " + e.what());
    } catch (const Poco::Exception& e) {
        fail(JIFFY_UNAVAILABLE, where + "cannot reach the server (" + during + "): " + e.displayText());
    } catch (const std::exception& e) {
        fail(JIFFY_INTERNAL, where + during + ": " + e.what());
    }
}

} // namespace jiffy::sluggo
