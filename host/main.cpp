// jiffyd entry point: builds the application and runs it. Everything else
// lives in the jiffy_host library so tests can link it.
#include "app/JiffyServer.h"

#include <Poco/Exception.h>

#include <iostream>

int main(int argc, char** argv)
{
    try {
        jiffy::host::JiffyServer app;
        std::vector<std::string> args = jiffy::host::JiffyServer::normalizeArgs(argc, argv);
        std::string why;
        if (!app.checkArgs(args, why)) {
            std::cerr << "jiffyd: " << why << " (jiffyd --help lists the options)\n";
            return 64;
        }
        return app.run(args);
    } catch (const Poco::Exception& e) {
        std::cerr << "jiffyd: " << e.displayText() << "\n";
        return 70;
    } catch (const std::exception& e) {
        std::cerr << "jiffyd: " << e.what() << "\n";
        return 70;
    }
}
