// The smallest route plugin: GET /hello answers JSON and counts its calls in
// a table through the host's DB API, so one request exercises
// HTTP → route plugin → host API → DB plugin.
#include <jiffy/json.hpp>
#include <jiffy/routes.hpp>

#include <string>

namespace {

const jiffy_option kOptions[] = {
    jiffy::option("greeting", JIFFY_OPT_STRING, false, "\"hello, world\"", "text of the \"message\" field"),
    jiffy::option("open", JIFFY_OPT_BOOL, false, "true", "serve without authentication"),
};

class HelloRoutes : public jiffy::RouteHandler {
public:
    HelloRoutes(const jiffy::Host& host, std::string_view)
        : host_(host), greeting_(host.optionString("greeting")), open_(host.optionBool("open"))
    {
        jiffy::Dialect d = host.dialect();
        host.execute("CREATE TABLE IF NOT EXISTS hello_counter (id " + d.typeInt + " PRIMARY KEY, calls " + d.typeInt +
                         " NOT NULL)",
                     {});
        // Plain SQL every dialect takes: the row may exist from an earlier start.
        try {
            host.execute("INSERT INTO hello_counter (id, calls) VALUES (1, 0)", {});
        } catch (const jiffy::Error& e) {
            if (e.status() != JIFFY_CONFLICT) throw;
        }
        returning_ = (d.flags & JIFFY_DB_RETURNING) != 0;
        update_ = "UPDATE hello_counter SET calls = calls + 1 WHERE id = " + d.placeholderFor(1) +
                  (returning_ ? " RETURNING calls" : "");
        select_ = "SELECT calls FROM hello_counter WHERE id = " + d.placeholderFor(1);
    }

    std::vector<jiffy::Route> routes() override
    {
        return {{"GET", "/hello", "hello.GET", open_ ? static_cast<uint32_t>(JIFFY_ROUTE_OPEN) : 0u, 1}};
    }

    void handle(uint32_t, const jiffy::Request&, jiffy::Response& resp) override
    {
        int64_t calls = 0;
        auto read = [&](const jiffy::ValuesView& row) { calls = row.getInt(0); };
        if (returning_) {
            host_.execute(update_, {1}, read);
        } else {
            // The row stays locked until commit, so the count read is this request's own.
            jiffy::Transaction txn = host_.begin();
            txn.execute(update_, {1});
            txn.execute(select_, {1}, read);
            txn.commit();
        }
        jiffy::JsonWriter w;
        w.beginObject().key("message").string(greeting_).key("count").integer(calls).endObject();
        resp.json(200, w.str());
    }

private:
    jiffy::Host host_;
    std::string greeting_;
    bool open_;
    bool returning_ = false;
    std::string update_, select_;
};

} // namespace

JIFFY_ROUTES_PLUGIN(HelloRoutes, "hello", "1.0.0", JIFFY_CAP_THREAD_SAFE, kOptions)
