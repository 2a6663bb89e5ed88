#include "server/SnapshotWriter.h"

#include "server/Snapshot.h"

namespace jiffy::sluggo::server {

SnapshotWriter::SnapshotWriter(Store& store, std::string path, std::chrono::milliseconds interval, size_t maxFileBytes,
                               Poco::Logger& log)
    : store_(store), path_(std::move(path)), interval_(interval), maxFileBytes_(maxFileBytes), log_(log)
{
}

SnapshotWriter::~SnapshotWriter()
{
    {
        std::lock_guard<std::mutex> lock(wakeMutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

size_t SnapshotWriter::load()
{
    std::vector<SnapshotRecord> records;
    if (!readSnapshotFile(path_, maxFileBytes_, records)) return 0;
    store_.load(std::move(records));
    std::lock_guard<std::mutex> lock(writeMutex_);
    writtenVersion_ = store_.version();
    return store_.size();
}

void SnapshotWriter::start()
{
    if (interval_.count() > 0) thread_ = std::thread([this] { run(); });
}

void SnapshotWriter::afterWrite()
{
    if (interval_.count() == 0) writeIfChanged();
}

void SnapshotWriter::stop()
{
    {
        std::lock_guard<std::mutex> lock(wakeMutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    writeIfChanged();
}

void SnapshotWriter::run()
{
    std::unique_lock<std::mutex> lock(wakeMutex_);
    while (!stopping_) {
        wake_.wait_for(lock, interval_, [this] { return stopping_; });
        if (stopping_) break;
        lock.unlock();
        writeIfChanged();
        lock.lock();
    }
}

void SnapshotWriter::writeIfChanged()
{
    std::lock_guard<std::mutex> lock(writeMutex_);
    if (store_.version() == writtenVersion_ && !lastWriteFailed_) return;
    uint64_t version = 0;
    std::vector<SnapshotRecord> records = store_.dump(version);
    try {
        writeSnapshotFile(path_, records);
        writtenVersion_ = version;
        if (lastWriteFailed_) log_.information("snapshot " + path_ + " written again");
        lastWriteFailed_ = false;
    } catch (const SnapshotError& e) {
        // Logged once per failing streak, not once per write.
        if (!lastWriteFailed_) log_.error(std::string("snapshot not written: ") + e.what());
        lastWriteFailed_ = true;
    }
}

} // namespace jiffy::sluggo::server
