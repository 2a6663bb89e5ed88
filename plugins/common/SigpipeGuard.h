// Keeps a write on a socket whose peer has gone from killing the process.
//
// Poco::Net sends with flags 0 on Linux, so writing to a connection the
// server has reset raises SIGPIPE, whose default action ends the process.
// A plugin must not change the process-wide disposition (the host owns it),
// so for the duration of one exchange the signal is blocked in this thread
// only; a SIGPIPE raised meanwhile is consumed before the old mask comes
// back, and the failed write surfaces as an ordinary socket error instead.
// (The same technique libpq uses.)
#pragma once

#include <csignal>
#include <ctime>
#include <pthread.h>

namespace jiffy::support {

class SigpipeGuard {
public:
    SigpipeGuard() noexcept
    {
        sigemptyset(&pipe_);
        sigaddset(&pipe_, SIGPIPE);
        blocked_ = pthread_sigmask(SIG_BLOCK, &pipe_, &old_) == 0;
        sigset_t pending;
        sigemptyset(&pending);
        // A SIGPIPE already pending belongs to someone else: leave it alone.
        wasPending_ = sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
    }

    ~SigpipeGuard()
    {
        if (!blocked_) return;
        sigset_t pending;
        sigemptyset(&pending);
        if (!wasPending_ && sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1) {
            const timespec zero{0, 0};
            (void)sigtimedwait(&pipe_, nullptr, &zero);
        }
        pthread_sigmask(SIG_SETMASK, &old_, nullptr);
    }

    SigpipeGuard(const SigpipeGuard&) = delete;
    SigpipeGuard& operator=(const SigpipeGuard&) = delete;

private:
    sigset_t pipe_{};
    sigset_t old_{};
    bool blocked_ = false;
    bool wasPending_ = false;
};

} // namespace jiffy::support
