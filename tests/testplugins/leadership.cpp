// A routes plugin that reports what the host API says of the cluster
// (ABI 1.1 cluster_term and is_leader): GET /leadership answers
// {"term":N,"leader":true|false}, or 501 from a host without the entries.
#include <jiffy/json.hpp>
#include <jiffy/routes.hpp>

namespace {

class Leadership : public jiffy::RouteHandler {
public:
    Leadership(const jiffy::Host& host, std::string_view) : host_(host) {}
    std::vector<jiffy::Route> routes() override
    {
        return {{"GET", "/leadership", "leadership.GET", JIFFY_ROUTE_OPEN, 1}};
    }
    void handle(uint32_t, const jiffy::Request&, jiffy::Response& resp) override
    {
        std::optional<uint64_t> term = host_.clusterTerm();
        std::optional<bool> leader = host_.isLeader();
        if (!term || !leader) jiffy::fail(JIFFY_UNSUPPORTED, "the host offers no cluster_term/is_leader");
        jiffy::JsonWriter w;
        w.beginObject().key("term").integer(static_cast<int64_t>(*term)).key("leader").boolean(*leader).endObject();
        resp.json(200, w.str());
    }

private:
    jiffy::Host host_;
};

} // namespace

JIFFY_ROUTES_PLUGIN(Leadership, "leadership", "0.0.1", JIFFY_CAP_THREAD_SAFE, nullptr)
