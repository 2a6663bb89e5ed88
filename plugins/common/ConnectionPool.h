// A bounded pool of connections of type T, shared by plugins that talk to a
// server or file through connections (SQLite, PostgreSQL, Redis, ...).
// take() hands out an idle connection, opens a new one while fewer than
// `size` exist, or waits up to `wait` for one to come back; then it fails
// with JIFFY_TIMEOUT rather than hang. A connection returned as broken is
// dropped and reopened on demand, which is how a plugin recovers after its
// server restarts. An observer, when set, hears the number of connections
// lent out and of callers waiting (for /metrics) from a sampler thread, at
// most once a period and only when they changed: a metric update per take
// and give would put the host's metric registry (a string lookup under a
// lock) on every query's path.
#pragma once

#include <jiffy/plugin.hpp>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace jiffy::support {

template <class T> class ConnectionPool {
public:
    using Opener = std::function<std::unique_ptr<T>()>;
    /// Called with (in use, waiting) on the sampler thread, never under the pool's lock.
    using Observer = std::function<void(size_t inUse, size_t waiting)>;

    ConnectionPool(Opener open, size_t size, std::chrono::milliseconds wait)
        : open_(std::move(open)), size_(size ? size : 1), wait_(wait)
    {
    }

    /// Closes idle connections; connections still lent out are closed when returned.
    ~ConnectionPool()
    {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stopping_ = true;
        }
        sampled_.notify_all();
        if (sampler_.joinable()) sampler_.join();
        std::lock_guard<std::mutex> lock(mutex_);
        idle_.clear();
    }

    /// Borrows a connection; throws jiffy::Error (TIMEOUT, or what the opener threw).
    std::unique_ptr<T> take()
    {
        std::unique_lock<std::mutex> lock(mutex_);
        auto available = [this] { return !idle_.empty() || open_count_ < size_; };
        if (!available()) {
            ++waiting_;
            bool got = cv_.wait_for(lock, wait_, available);
            --waiting_;
            if (!got) {
                jiffy::fail(JIFFY_TIMEOUT, "all " + std::to_string(size_) + " connections are busy (waited " +
                                               std::to_string(wait_.count()) + " ms)");
            }
        }
        if (!idle_.empty()) {
            std::unique_ptr<T> c = std::move(idle_.back());
            idle_.pop_back();
            return c;
        }
        ++open_count_;
        lock.unlock();
        try {
            return open_();
        } catch (...) {
            lock.lock();
            --open_count_;
            cv_.notify_one();
            throw;
        }
    }

    /// Returns a connection; a broken one is closed instead of kept.
    void give(std::unique_ptr<T> c, bool healthy = true)
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (c && healthy) {
            idle_.push_back(std::move(c));
        } else {
            c.reset();
            --open_count_;
        }
        cv_.notify_one();
    }

    /// Closes every idle connection (e.g. after the server was seen to restart).
    void dropIdle()
    {
        std::lock_guard<std::mutex> lock(mutex_);
        open_count_ -= idle_.size();
        idle_.clear();
        cv_.notify_all();
    }

    size_t size() const { return size_; }

    /// Reports the current state to `observer` once now, then from a sampler
    /// thread every `period` when it changed. Call once, before sharing the pool.
    void setObserver(Observer observer, std::chrono::milliseconds period = std::chrono::milliseconds(250))
    {
        observer_ = std::move(observer);
        std::pair<size_t, size_t> last = state();
        observer_(last.first, last.second);
        sampler_ = std::thread([this, period, last]() mutable {
            std::unique_lock<std::mutex> lock(mutex_);
            while (!sampled_.wait_for(lock, period, [this] { return stopping_; })) {
                std::pair<size_t, size_t> now = stateLocked();
                if (now == last) continue;
                last = now;
                lock.unlock();
                observer_(now.first, now.second);
                lock.lock();
            }
        });
    }

    /// (connections lent out, callers waiting) now.
    std::pair<size_t, size_t> state()
    {
        std::lock_guard<std::mutex> lock(mutex_);
        return stateLocked();
    }

private:
    /// Connections lent out = opened (or being opened) minus idle. Caller holds mutex_.
    std::pair<size_t, size_t> stateLocked() const { return {open_count_ - idle_.size(), waiting_}; }

    Opener open_;
    size_t size_;
    std::chrono::milliseconds wait_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::vector<std::unique_ptr<T>> idle_;
    size_t open_count_ = 0;
    size_t waiting_ = 0;
    Observer observer_;
    bool stopping_ = false;
    std::condition_variable sampled_; ///< wakes the sampler to stop
    std::thread sampler_;
};

/// Borrows a connection for one scope; returns it (or drops it if marked broken).
template <class T> class Lease {
public:
    explicit Lease(ConnectionPool<T>& pool) : pool_(pool), conn_(pool.take()) {}
    ~Lease() { pool_.give(std::move(conn_), !broken_); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    T& operator*() { return *conn_; }
    T* operator->() { return conn_.get(); }
    /// Marks the connection unusable: it is closed instead of returned.
    void broken() { broken_ = true; }

private:
    ConnectionPool<T>& pool_;
    std::unique_ptr<T> conn_;
    bool broken_ = false;
};

} // namespace jiffy::support
