#include "GroupCommitWriter.h"

#include <cctype>
#include <cstring>
#include <strings.h>

namespace jiffy::sqlite {

GroupCommitWriter::GroupCommitWriter(const ConnectionSettings& settings, size_t maxBatch)
    : conn_(std::make_unique<SqliteConnection>(settings)), maxBatch_(maxBatch ? maxBatch : 1)
{
    thread_ = std::thread([this] { run(); });
}

GroupCommitWriter::~GroupCommitWriter()
{
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    work_.notify_all();
    thread_.join();
    std::lock_guard<std::mutex> lock(mutex_);
    for (Job* j : queue_) {
        j->status = JIFFY_UNAVAILABLE;
        j->error = "sqlite: the database is closing";
        j->done = true;
    }
    queue_.clear();
    answer_.notify_all();
}

bool GroupCommitWriter::mayWrite(std::string_view sql)
{
    size_t i = 0;
    while (i < sql.size() && (std::isspace(static_cast<unsigned char>(sql[i])) || sql[i] == '(')) ++i;
    size_t j = i;
    while (j < sql.size() && std::isalpha(static_cast<unsigned char>(sql[j]))) ++j;
    std::string_view word = sql.substr(i, j - i);
    for (const char* reader : {"SELECT", "VALUES", "EXPLAIN", "PRAGMA", "WITH"})
        if (word.size() == std::strlen(reader) && strncasecmp(word.data(), reader, word.size()) == 0) return false;
    return true;
}

void GroupCommitWriter::execute(std::string_view sql, const jiffy::ValuesView& params, jiffy::RowWriter& rows,
                                jiffy::ExecResult& result)
{
    Job job;
    job.sql = sql;
    job.params = &params;
    job.rows = &rows;
    job.result = &result;
    std::unique_lock<std::mutex> lock(mutex_);
    if (stopping_) jiffy::fail(JIFFY_UNAVAILABLE, "sqlite: the database is closing");
    queue_.push_back(&job);
    work_.notify_one();
    answer_.wait(lock, [&] { return job.done; });
    if (job.status != JIFFY_OK) jiffy::fail(job.status, job.error);
}

void GroupCommitWriter::run()
{
    std::deque<Job*> batch;
    for (;;) {
        {
            std::unique_lock<std::mutex> lock(mutex_);
            work_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (stopping_) return;
            while (!queue_.empty() && batch.size() < maxBatch_) {
                batch.push_back(queue_.front());
                queue_.pop_front();
            }
        }
        commitBatch(batch);
        {
            std::lock_guard<std::mutex> lock(mutex_);
            for (Job* j : batch) j->done = true;
        }
        answer_.notify_all();
        batch.clear();
    }
}

void GroupCommitWriter::commitBatch(std::deque<Job*>& batch)
{
    auto failAll = [&](const jiffy::Error& e) {
        for (Job* j : batch)
            if (j->status == JIFFY_OK) {
                j->status = e.status();
                j->error = e.what();
            }
    };
    try {
        conn_->run("BEGIN IMMEDIATE");
    } catch (const jiffy::Error& e) {
        failAll(e);
        return;
    }
    const bool alone = batch.size() == 1;
    for (Job* j : batch) {
        try {
            if (!alone) conn_->run("SAVEPOINT jiffy_group");
            conn_->execute(j->sql, *j->params, *j->rows, *j->result);
            if (!alone) conn_->run("RELEASE jiffy_group");
        } catch (const jiffy::Error& e) {
            j->status = e.status();
            j->error = e.what();
            if (!conn_->inTransaction()) {
                // SQLite rolled the whole transaction back (disk full, I/O
                // error): the statements before this one are undone too.
                for (Job* other : batch) {
                    other->status = e.status();
                    other->error = e.what();
                }
                return;
            }
            try {
                if (!alone) {
                    conn_->run("ROLLBACK TO jiffy_group");
                    conn_->run("RELEASE jiffy_group");
                }
            } catch (const jiffy::Error& inner) {
                // The transaction itself is gone: nothing of the batch stays.
                failAll(inner);
                try {
                    conn_->run("ROLLBACK");
                } catch (const jiffy::Error&) {
                    // already rolled back by SQLite
                }
                return;
            }
        } catch (const std::exception& e) {
            j->status = JIFFY_INTERNAL;
            j->error = e.what();
            if (!alone) {
                try {
                    conn_->run("ROLLBACK TO jiffy_group");
                    conn_->run("RELEASE jiffy_group");
                } catch (const jiffy::Error&) {
                    // reported through the commit below
                }
            }
        }
    }
    try {
        conn_->run("COMMIT");
    } catch (const jiffy::Error& e) {
        // Nothing of the batch is durable: every statement of it fails.
        for (Job* j : batch) {
            j->status = e.status();
            j->error = e.what();
        }
        try {
            conn_->run("ROLLBACK");
        } catch (const jiffy::Error&) {
            // already rolled back by SQLite
        }
    }
}

} // namespace jiffy::sqlite
