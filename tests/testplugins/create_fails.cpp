// A KVS plugin whose constructor throws: create() must report, not crash.
#include <jiffy/kvs.hpp>

namespace {

const jiffy_option kOptions[] = {
    jiffy::option("endpoint", JIFFY_OPT_ADDRESS, false, "\"127.0.0.1:1\"", "where the backend would be"),
};

class CreateFails : public jiffy::KvsStore {
public:
    CreateFails(const jiffy::Host& host, std::string_view)
    {
        jiffy::fail(JIFFY_UNAVAILABLE, "cannot reach the backend at " + host.optionString("endpoint"));
    }
    std::optional<std::string> get(std::string_view) override { return std::nullopt; }
    void set(std::string_view, std::string_view, std::chrono::milliseconds) override {}
    bool add(std::string_view, std::string_view, std::chrono::milliseconds) override { return false; }
    jiffy::CasResult compareAndSet(std::string_view, std::string_view, std::string_view,
                                   std::chrono::milliseconds) override
    {
        return jiffy::CasResult::NotFound;
    }
    bool remove(std::string_view) override { return false; }
    int64_t incr(std::string_view, int64_t) override { return 0; }
};

} // namespace

JIFFY_KVS_PLUGIN(CreateFails, "createfails", "0.0.1", JIFFY_CAP_THREAD_SAFE, kOptions)
