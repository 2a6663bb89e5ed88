// A plugin that needs host API entries of a minor this host does not have
// yet: it declines the host, which must refuse it with a clear message.
#include <jiffy/abi.h>
#define JIFFY_PLUGIN_MIN_HOST_MINOR (JIFFY_ABI_MINOR + 1)
#include <jiffy/routes.hpp>

namespace {

class NeedsNewerHost : public jiffy::RouteHandler {
public:
    NeedsNewerHost(const jiffy::Host&, std::string_view) {}
    std::vector<jiffy::Route> routes() override { return {}; }
    void handle(uint32_t, const jiffy::Request&, jiffy::Response&) override {}
};

} // namespace

JIFFY_ROUTES_PLUGIN(NeedsNewerHost, "needsnewer", "0.0.1", JIFFY_CAP_THREAD_SAFE, nullptr)
