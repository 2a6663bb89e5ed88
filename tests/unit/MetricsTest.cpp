// /metrics building blocks: the latency histogram (buckets, _sum, _count),
// the exposition helpers, a route's per-class slot, the dispatcher's
// rendering per route, and the connection pool's in-use/waiting reports.
#include "http/Dispatcher.h"
#include "http/Router.h"
#include "metrics/Exposition.h"
#include "metrics/Histogram.h"
#include "metrics/RouteMetrics.h"
#include "support/TestSupport.h"

#include <ConnectionPool.h>

#include <cppunit/extensions/HelperMacros.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

using jiffy::host::Dispatcher;
using jiffy::host::Router;
using jiffy::host::RouteTarget;
using jiffy::test::contains;
using namespace jiffy::host::metrics;

namespace {

/// "name{labels}" -> value, for every sample line of an exposition.
std::map<std::string, std::string> samples(const std::string& text)
{
    std::map<std::string, std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') continue;
        size_t sp = line.rfind(' ');
        out[line.substr(0, sp)] = line.substr(sp + 1);
    }
    return out;
}

struct Conn {};

} // namespace

class MetricsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(MetricsTest);
    CPPUNIT_TEST(testHistogramIsCumulativeWithSumAndCount);
    CPPUNIT_TEST(testBucketBoundsAreInclusive);
    CPPUNIT_TEST(testConcurrentObservationsAreAllCounted);
    CPPUNIT_TEST(testExpositionHelpers);
    CPPUNIT_TEST(testRouteSlotCountsByStatusClass);
    CPPUNIT_TEST(testDispatcherRendersEveryCalledRoute);
    CPPUNIT_TEST(testPoolReportsInUseAndWaiting);
    CPPUNIT_TEST_SUITE_END();

public:
    void testHistogramIsCumulativeWithSumAndCount()
    {
        Histogram h;
        h.observe(100);        // 0.1 ms
        h.observe(700);        // 0.7 ms
        h.observe(3000);       // 3 ms
        h.observe(20'000'000); // 20 s: above every bound
        std::string out;
        h.render(out, "lat", "route=\"r\"");
        auto s = samples(out);
        CPPUNIT_ASSERT_EQUAL(std::string("1"), s["lat_bucket{route=\"r\",le=\"0.0005\"}"]);
        CPPUNIT_ASSERT_EQUAL(std::string("2"), s["lat_bucket{route=\"r\",le=\"0.001\"}"]);
        CPPUNIT_ASSERT_EQUAL(std::string("2"), s["lat_bucket{route=\"r\",le=\"0.0025\"}"]);
        CPPUNIT_ASSERT_EQUAL(std::string("3"), s["lat_bucket{route=\"r\",le=\"0.005\"}"]);
        CPPUNIT_ASSERT_EQUAL(std::string("3"), s["lat_bucket{route=\"r\",le=\"10\"}"]);
        CPPUNIT_ASSERT_EQUAL(std::string("4"), s["lat_bucket{route=\"r\",le=\"+Inf\"}"]);
        CPPUNIT_ASSERT_EQUAL(std::string("4"), s["lat_count{route=\"r\"}"]);
        CPPUNIT_ASSERT_EQUAL(std::string("20.0038"), s["lat_sum{route=\"r\"}"]);
        CPPUNIT_ASSERT_EQUAL(uint64_t(4), h.count());
        // One line per bound plus +Inf, _sum and _count.
        CPPUNIT_ASSERT_EQUAL(kLatencyBounds.size() + 3, s.size());

        std::string bare;
        Histogram().render(bare, "empty", "");
        auto e = samples(bare);
        CPPUNIT_ASSERT_EQUAL(std::string("0"), e["empty_bucket{le=\"+Inf\"}"]);
        CPPUNIT_ASSERT_EQUAL(std::string("0"), e["empty_count"]);
        CPPUNIT_ASSERT_EQUAL(std::string("0"), e["empty_sum"]);
    }

    void testBucketBoundsAreInclusive()
    {
        Histogram h;
        h.observe(500);  // exactly 0.0005 s: le="0.0005"
        h.observe(501);  // just above
        h.observe(1000); // exactly 0.001 s
        std::string out;
        h.render(out, "b", "");
        auto s = samples(out);
        CPPUNIT_ASSERT_EQUAL(std::string("1"), s["b_bucket{le=\"0.0005\"}"]);
        CPPUNIT_ASSERT_EQUAL(std::string("3"), s["b_bucket{le=\"0.001\"}"]);
    }

    void testConcurrentObservationsAreAllCounted()
    {
        Histogram h;
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&h, t] {
                for (int i = 0; i < 20000; ++i) h.observe(static_cast<uint64_t>((i * 37 + t) % 30000));
            });
        for (auto& t : threads) t.join();
        CPPUNIT_ASSERT_EQUAL(uint64_t(80000), h.count());
    }

    void testExpositionHelpers()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("a\\\"b\\\\c\\nd"), escapeLabel("a\"b\\c\nd"));
        CPPUNIT_ASSERT_EQUAL(std::string("0.0005"), formatValue(0.0005));
        CPPUNIT_ASSERT_EQUAL(std::string("2.5"), formatValue(2.5));
        CPPUNIT_ASSERT_EQUAL(std::string("10"), formatValue(10));
        CPPUNIT_ASSERT_EQUAL(std::string("+Inf"), formatValue(1.0 / 0.0));
        std::string out;
        appendHeader(out, "x_total", "counter", "Things.");
        appendSample(out, "x_total", "", uint64_t(3));
        appendSample(out, "y", "k=\"v\"", 1.5);
        CPPUNIT_ASSERT_EQUAL(std::string("# HELP x_total Things.\n# TYPE x_total counter\nx_total 3\ny{k=\"v\"} 1.5\n"),
                             out);
    }

    void testRouteSlotCountsByStatusClass()
    {
        RouteMetrics m;
        m.record(200, 10);
        m.record(204, 10);
        m.record(401, 10);
        m.record(503, 10);
        m.record(99, 10); // nonsense statuses count as server errors
        m.record(700, 10);
        CPPUNIT_ASSERT_EQUAL(uint64_t(0), m.ofClass(1).count());
        CPPUNIT_ASSERT_EQUAL(uint64_t(2), m.ofClass(2).count());
        CPPUNIT_ASSERT_EQUAL(uint64_t(0), m.ofClass(3).count());
        CPPUNIT_ASSERT_EQUAL(uint64_t(1), m.ofClass(4).count());
        CPPUNIT_ASSERT_EQUAL(uint64_t(3), m.ofClass(5).count());
    }

    void testDispatcherRendersEveryCalledRoute()
    {
        Router router;
        auto add = [&router](const std::string& method, const std::string& pattern, const std::string& name) {
            RouteTarget t;
            t.method = method;
            t.pattern = pattern;
            t.name = name;
            router.add(std::move(t));
        };
        add("GET", "/library/{id:int}", "library.GET_ID");
        add("GET", "/healthz", "");
        add("POST", "/never", "never.CALLED");
        // Each route owns its slot from the moment it is in the table.
        const auto& routes = router.routes();
        CPPUNIT_ASSERT(routes[0]->stats && routes[1]->stats && routes[0]->stats != routes[1]->stats);
        routes[0]->stats->record(200, 800);
        routes[0]->stats->record(200, 1200);
        routes[0]->stats->record(404, 100);
        routes[1]->stats->record(200, 50);

        Dispatcher d(router, Dispatcher::Limits(), nullptr);
        std::string text = d.renderMetrics();
        auto s = samples(text);
        CPPUNIT_ASSERT_EQUAL(std::string("2"),
                             s["jiffy_http_requests_total{route=\"library.GET_ID\",method=\"GET\",code=\"2xx\"}"]);
        CPPUNIT_ASSERT_EQUAL(std::string("1"),
                             s["jiffy_http_requests_total{route=\"library.GET_ID\",method=\"GET\",code=\"4xx\"}"]);
        // A route without a name is labelled by its pattern.
        CPPUNIT_ASSERT_EQUAL(std::string("1"),
                             s["jiffy_http_requests_total{route=\"/healthz\",method=\"GET\",code=\"2xx\"}"]);
        CPPUNIT_ASSERT_EQUAL(std::string("1"), s["jiffy_http_request_duration_seconds_bucket{route=\"library.GET_"
                                                 "ID\",method=\"GET\",code=\"2xx\",le=\"0.001\"}"]);
        CPPUNIT_ASSERT_EQUAL(std::string("0.002"), s["jiffy_http_request_duration_seconds_sum{route=\"library.GET_"
                                                     "ID\",method=\"GET\",code=\"2xx\"}"]);
        CPPUNIT_ASSERT_MESSAGE(text, !contains(text, "never.CALLED"));
        CPPUNIT_ASSERT(contains(text, "# TYPE jiffy_http_requests_total counter\n"));
        CPPUNIT_ASSERT(contains(text, "# TYPE jiffy_http_request_duration_seconds histogram\n"));
    }

    void testPoolReportsInUseAndWaiting()
    {
        std::mutex m;
        std::condition_variable cv;
        std::vector<std::pair<size_t, size_t>> reports;
        jiffy::support::ConnectionPool<Conn> pool([] { return std::make_unique<Conn>(); }, 1,
                                                  std::chrono::milliseconds(30000));
        pool.setObserver(
            [&](size_t inUse, size_t waiting) {
                std::lock_guard<std::mutex> lock(m);
                reports.emplace_back(inUse, waiting);
                cv.notify_all();
            },
            std::chrono::milliseconds(5));
        // The sampler reports each state it sees, once: wait for it (generous bound).
        auto sees = [&](size_t inUse, size_t waiting) {
            std::unique_lock<std::mutex> lock(m);
            return cv.wait_for(lock, std::chrono::seconds(30), [&] {
                return !reports.empty() && reports.back() == std::pair<size_t, size_t>(inUse, waiting);
            });
        };
        CPPUNIT_ASSERT(sees(0, 0)); // reported at once by setObserver
        auto first = pool.take();
        CPPUNIT_ASSERT(sees(1, 0));
        CPPUNIT_ASSERT((pool.state() == std::pair<size_t, size_t>(1, 0)));
        std::thread waiter([&] { pool.give(pool.take()); });
        CPPUNIT_ASSERT(sees(1, 1));
        pool.give(std::move(first));
        waiter.join();
        CPPUNIT_ASSERT(sees(0, 0));
        // Only changes are reported: no two equal reports in a row.
        std::lock_guard<std::mutex> lock(m);
        for (size_t i = 1; i < reports.size(); ++i) CPPUNIT_ASSERT(reports[i] != reports[i - 1]);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(MetricsTest);
