// jiffyd entry point: builds the application and runs it. Everything else
// lives in the jiffy_host library so tests can link it.
#include "app/JiffyServer.h"

#include <Poco/Exception.h>

#include <iostream>

int main(int argc, char** argv)
{
    try {
        jiffy::host::JiffyServer app;
        return app.run(jiffy::host::JiffyServer::normalizeArgs(argc, argv));
    } catch (const Poco::Exception& e) {
        std::cerr << "jiffyd: " << e.displayText() << "\n";
        return 70;
    } catch (const std::exception& e) {
        std::cerr << "jiffyd: " << e.what() << "\n";
        return 70;
    }
}
