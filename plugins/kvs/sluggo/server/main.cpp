// jiffy-sluggo entry point: a thin main over the server library.
#include "server/SluggoServerApp.h"

#include <csignal>
#include <iostream>
#include <pthread.h>

int main(int argc, char** argv)
{
    // Block the termination signals before any thread exists, so every
    // thread inherits the mask and only waitForTerminationRequest()'s
    // sigwait sees them (a worker thread would otherwise take the default
    // action: die without the final snapshot).
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGQUIT);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    try {
        jiffy::sluggo::server::SluggoServerApp app;
        return app.run(argc, argv);
    } catch (const std::exception& e) {
        std::cerr << "jiffy-sluggo: " << e.what() << "\n";
        return 70;
    }
}
