#include "http/HttpConnection.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Delegate.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Timestamp.h>

#include <poll.h>

#include <cerrno>
#include <ctime>
#include <ostream>
#include <string>

namespace jiffy::host {
namespace {

/// Poco's server session, waiting for the next request with one poll(2).
class Session : public Poco::Net::HTTPServerSession {
public:
    Session(const Poco::Net::StreamSocket& socket, const Poco::Net::HTTPServerParams::Ptr& params)
        : HTTPServerSession(socket, params), firstMs_(static_cast<int>(params->getTimeout().totalMilliseconds())),
          keepAliveMs_(static_cast<int>(params->getKeepAliveTimeout().totalMilliseconds())), secure_(socket.secure())
    {
    }

    /// A request is there to read (as HTTPServerSession::hasMoreRequests,
    /// keep-alive requests unlimited): the first within the timeout, the
    /// next ones within the keep-alive timeout while keep-alive holds.
    bool next()
    {
        if (!socket().impl()->initialized()) return false;
        if (first_) {
            first_ = false;
            return readable(firstMs_);
        }
        if (!getKeepAlive()) return false;
        return buffered() > 0 || readable(keepAliveMs_);
    }

private:
    bool readable(int ms)
    {
        if (secure_)
            return socket().poll(Poco::Timespan(Poco::Timespan::TimeDiff(ms) * 1000), Poco::Net::Socket::SELECT_READ);
        pollfd p{socket().impl()->sockfd(), POLLIN, 0};
        for (;;) {
            int n = ::poll(&p, 1, ms);
            if (n < 0 && errno == EINTR) continue; // a signal: wait again (the wait restarts, as Poco's does)
            return n > 0;
        }
    }

    const int firstMs_;
    const int keepAliveMs_;
    const bool secure_;
    bool first_ = true;
};

/// The Date header (RFC 9110 §6.6.1), formatted once a second per thread.
const std::string& httpDate()
{
    thread_local std::time_t second = 0;
    thread_local std::string text;
    const std::time_t now = std::time(nullptr);
    if (now != second) {
        second = now;
        text = Poco::DateTimeFormatter::format(Poco::Timestamp::fromEpochTime(now), Poco::DateTimeFormat::HTTP_FORMAT);
    }
    return text;
}

/// A request Poco could not parse: 400 and the connection ends.
void sendBadRequest(Session& session)
{
    static const std::string kBody = "{\"error\":\"malformed HTTP request\"}";
    Poco::Net::HTTPServerResponseImpl response(session);
    response.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);
    response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_BAD_REQUEST);
    response.setKeepAlive(false);
    response.setContentType("application/json");
    response.setContentLength(static_cast<std::streamsize>(kBody.size()));
    // send(), not sendBuffer(): with no request attached Poco would drop the body as for HEAD.
    response.send() << kBody << std::flush;
    session.setKeepAlive(false);
}

} // namespace

HttpConnection::HttpConnection(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params,
                               Dispatcher& dispatcher, ConnectionGuard& guard, ConnectionsStop& stop)
    : TCPServerConnection(socket), params_(std::move(params)), dispatcher_(dispatcher), guard_(guard), stop_(stop)
{
    stop_.stopped += Poco::delegate(this, &HttpConnection::onStopped);
}

HttpConnection::~HttpConnection()
{
    try {
        stop_.stopped -= Poco::delegate(this, &HttpConnection::onStopped);
    } catch (...) {
        // never throw from a destructor
    }
}

void HttpConnection::run()
{
    ConnectionGuard::Slot* slot = guard_.enter(socket());
    if (!slot) {
        // Too many connections from this address: refused at once, politely.
        static const char kBusy[] = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                                    "Content-Length: 59\r\nRetry-After: 1\r\nConnection: close\r\n\r\n"
                                    "{\"error\":\"too many connections from this client address\"}";
        try {
            socket().setSendTimeout(Poco::Timespan(1, 0));
            socket().sendBytes(kBusy, sizeof kBusy - 1);
            socket().shutdown();
        } catch (const Poco::Exception&) {
            // the client went away
        }
        return;
    }
    struct Leave {
        ConnectionGuard& g;
        ConnectionGuard::Slot* s;
        ~Leave() { g.leave(s); }
    } leave{guard_, slot};
    serveRequests();
}

void HttpConnection::serveRequests()
{
    Session session(socket(), params_);
    const bool keepAlive = params_->getKeepAlive();
    while (!stopped_.load(std::memory_order_relaxed) && session.next()) {
        try {
            std::lock_guard<std::mutex> lock(busy_);
            if (stopped_.load(std::memory_order_relaxed)) break;
            Poco::Net::HTTPServerResponseImpl response(session);
            Poco::Net::HTTPServerRequestImpl request(response, session, params_.get());
            const std::string& version = request.getVersion();
            if (version != Poco::Net::HTTPMessage::HTTP_1_1 && version != Poco::Net::HTTPMessage::HTTP_1_0) {
                // Poco reads any third word as the version ("NOT A REQUEST").
                sendBadRequest(session);
                break;
            }
            response.set("Date", httpDate());
            response.setVersion(version);
            response.setKeepAlive(keepAlive && request.getKeepAlive());
            if (request.getExpectContinue() && response.getStatus() == Poco::Net::HTTPResponse::HTTP_OK)
                response.sendContinue();
            ConnectionGuard::requestStarted();
            struct Finished {
                ~Finished() { ConnectionGuard::requestFinished(); }
            } finished;
            dispatcher_.serve(request, response); // answers every request itself, never throws
            session.setKeepAlive(keepAlive && response.getKeepAlive());
        } catch (const Poco::Net::NoMessageException&) {
            break; // the client closed between requests
        } catch (const Poco::Net::MessageException&) {
            try {
                sendBadRequest(session);
            } catch (const Poco::Exception&) {
                // the client is gone
            }
            break;
        } catch (const Poco::Exception&) {
            break; // a network error or timeout ends the connection
        } catch (const std::exception&) {
            break;
        }
    }
}

void HttpConnection::onStopped(const bool& abortCurrent)
{
    stopped_.store(true, std::memory_order_relaxed);
    try {
        if (abortCurrent) {
            socket().shutdown();
        } else {
            std::lock_guard<std::mutex> lock(busy_); // after the request in progress
            socket().shutdown();
        }
    } catch (...) {
        // already closed
    }
}

} // namespace jiffy::host
