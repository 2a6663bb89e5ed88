// A routes plugin without options: JIFFY_ROUTES_PLUGIN(..., nullptr) must compile and load.
#include <jiffy/routes.hpp>

namespace {

class NoOptions : public jiffy::RouteHandler {
public:
    NoOptions(const jiffy::Host&, std::string_view) {}
    std::vector<jiffy::Route> routes() override
    {
        return {{"GET", "/nooptions", "nooptions.GET", JIFFY_ROUTE_OPEN, 1}};
    }
    void handle(uint32_t, const jiffy::Request&, jiffy::Response& resp) override { resp.json(200, "{}"); }
};

} // namespace

JIFFY_ROUTES_PLUGIN(NoOptions, "nooptions", "0.0.1", JIFFY_CAP_THREAD_SAFE, nullptr)
