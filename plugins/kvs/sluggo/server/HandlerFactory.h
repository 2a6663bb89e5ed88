// Routes a request to its handler by path, like the http.ServeMux of Go
// sluggo: the five Go paths, our /x/v1 unless --no-extensions, and Go's
// "404 page not found" for anything else (which is also how a client
// learns that a server has no extensions).
#pragma once

#include "server/ServerContext.h"

#include <Poco/Net/HTTPRequestHandlerFactory.h>

namespace jiffy::sluggo::server {

class HandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit HandlerFactory(ServerContext& ctx) : ctx_(ctx) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest& request) override;

private:
    ServerContext& ctx_;
};

} // namespace jiffy::sluggo::server
