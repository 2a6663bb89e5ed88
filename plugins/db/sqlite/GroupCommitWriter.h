// SQLite's single writer, with group commit. SQLite lets one connection
// write at a time; concurrent writers on a pool of connections sleep in the
// busy handler and queue up behind each other, one commit (one WAL sync at
// synchronous=FULL) per statement. Here every autocommit write goes to one
// writer thread owning one connection: it takes all waiting statements,
// runs them in one transaction (each inside its own SAVEPOINT, so one
// failing statement does not undo the others) and commits once; each caller
// is answered only after that commit returned, i.e. is as durable as the
// configured `synchronous` level makes it. No library offers this on top of
// SQLite's C API, hence written here.
#pragma once

#include "SqliteConnection.h"

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>

namespace jiffy::sqlite {

class GroupCommitWriter {
public:
    /// Opens the writer connection (throws like SqliteConnection) and starts the thread.
    GroupCommitWriter(const ConnectionSettings& settings, size_t maxBatch);
    /// Answers waiting callers with JIFFY_UNAVAILABLE and joins the thread.
    ~GroupCommitWriter();
    GroupCommitWriter(const GroupCommitWriter&) = delete;
    GroupCommitWriter& operator=(const GroupCommitWriter&) = delete;

    /// Runs one write statement in the next group commit and returns once it
    /// is committed; throws jiffy::Error with the statement's own error (its
    /// savepoint rolled back) or the commit's. `params` and `rows` stay the
    /// caller's: the caller waits while the writer thread uses them.
    void execute(std::string_view sql, const jiffy::ValuesView& params, jiffy::RowWriter& rows,
                 jiffy::ExecResult& result);

    /// True for a statement that may write (anything but SELECT, VALUES,
    /// EXPLAIN, PRAGMA and WITH ... SELECT by its first keyword).
    static bool mayWrite(std::string_view sql);

private:
    struct Job {
        std::string_view sql;
        const jiffy::ValuesView* params = nullptr;
        jiffy::RowWriter* rows = nullptr;
        jiffy::ExecResult* result = nullptr;
        bool done = false;
        jiffy_status status = JIFFY_OK;
        std::string error;
    };
    void run();
    void commitBatch(std::deque<Job*>& batch);

    std::unique_ptr<SqliteConnection> conn_;
    const size_t maxBatch_;
    std::mutex mutex_;
    std::condition_variable work_;   ///< jobs queued or stopping
    std::condition_variable answer_; ///< a batch finished
    std::deque<Job*> queue_;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace jiffy::sqlite
