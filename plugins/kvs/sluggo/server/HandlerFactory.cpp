#include "server/HandlerFactory.h"

#include "protocol/Protocol.h"
#include "server/ExtHandler.h"
#include "server/GoHandler.h"
#include "server/Handshake.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/URI.h>

namespace jiffy::sluggo::server {

namespace {

/// Go's http.NotFound, byte for byte in status, type and body.
class NotFoundHandler : public Poco::Net::HTTPRequestHandler {
public:
    void handleRequest(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response) override
    {
        response.set("X-Content-Type-Options", "nosniff");
        sendPlain(response, Poco::Net::HTTPResponse::HTTP_NOT_FOUND, "404 page not found\n");
    }
};

/// The request path without the query; empty when the target is malformed.
std::string pathOf(const Poco::Net::HTTPServerRequest& request)
{
    try {
        return Poco::URI(request.getURI()).getPath();
    } catch (const Poco::Exception&) {
        return {};
    }
}

} // namespace

Poco::Net::HTTPRequestHandler* HandlerFactory::createRequestHandler(const Poco::Net::HTTPServerRequest& request)
{
    std::string path = pathOf(request);
    if (path == kPathSet) return new GoHandler(ctx_, GoPath::Set);
    if (path == kPathGet) return new GoHandler(ctx_, GoPath::Get);
    if (path == kPathDelete) return new GoHandler(ctx_, GoPath::Delete);
    if (path == kPathFlush) return new GoHandler(ctx_, GoPath::Flush);
    if (path == kPathIsAlive) return new GoHandler(ctx_, GoPath::IsAlive);
    if (path == kPathExtension && ctx_.settings.extensions) return new ExtHandler(ctx_);
    return new NotFoundHandler;
}

} // namespace jiffy::sluggo::server
