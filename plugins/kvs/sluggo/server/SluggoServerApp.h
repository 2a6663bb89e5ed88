// jiffy-sluggo: the application around the handlers: options, logging,
// snapshot loading, the Poco HTTP server, and an orderly shutdown on
// SIGTERM/SIGINT (stop accepting, let requests in flight finish, refuse
// further writes, write the final snapshot).
#pragma once

#include "server/ServerContext.h"

#include <Poco/Net/HTTPServer.h>
#include <Poco/Util/OptionSet.h>
#include <Poco/Util/ServerApplication.h>

#include <string>
#include <vector>

namespace jiffy::sluggo::server {

class SluggoServerApp : public Poco::Util::ServerApplication {
protected:
    void initialize(Poco::Util::Application& self) override;
    void defineOptions(Poco::Util::OptionSet& options) override;
    void handleOption(const std::string& name, const std::string& value) override;
    int main(const std::vector<std::string>& args) override;

private:
    void printHelp() const;
    void setupLogging();
    /// Loads the snapshot if configured; false (logged) when it cannot be.
    bool loadSnapshot(ServerContext& ctx);
    void shutdown(ServerContext& ctx, Poco::Net::HTTPServer& server);

    ServerSettings settings_;
    std::string logLevel_ = "information";
    bool help_ = false;
};

} // namespace jiffy::sluggo::server
