// A routes plugin that reads every option through the Host::option*()
// accessors, which take no fallback: it works only because the host applied
// the option table's defaults (and resolved the default path) before create()
// and check(). It reports what it read: GET /defaults answers it, and check()
// refuses with it (the one thing a check can say), so a test sees both paths.
#include <jiffy/routes.hpp>

namespace {

const jiffy_option kOptions[] = {
    jiffy::option("word", JIFFY_OPT_STRING, false, "\"plain\"", "a string with a default"),
    jiffy::option("count", JIFFY_OPT_INT, false, "7", "an integer with a default (0-100)"),
    jiffy::option("flag", JIFFY_OPT_BOOL, false, "true", "a boolean with a default"),
    jiffy::option("words", JIFFY_OPT_STRING_LIST, false, "[\"a\",\"b\"]", "a list with a default"),
    jiffy::option("file", JIFFY_OPT_PATH, false, "\"data.txt\"", "a path with a default, made absolute"),
    jiffy::option("nodefault", JIFFY_OPT_STRING, false, nullptr, "declared without a default"),
    jiffy::option("read_nodefault", JIFFY_OPT_BOOL, false, "false",
                  "also read nodefault with optionString (the plugin bug the accessors name)"),
};

std::string seen(const jiffy::Host& host)
{
    std::string s = "word=" + host.optionString("word") + " count=" + std::to_string(host.optionInt("count", 0, 100)) +
                    " flag=" + (host.optionBool("flag") ? "true" : "false") + " words=" + host.optionJson("words") +
                    " file=" + host.optionString("file");
    if (host.optionBool("read_nodefault")) s += " nodefault=" + host.optionString("nodefault");
    return s;
}

class OptionDefaults : public jiffy::RouteHandler {
public:
    OptionDefaults(const jiffy::Host& host, std::string_view) : seen_(seen(host)) {}
    static void check(const jiffy::Host& host, std::string_view) { jiffy::fail(JIFFY_INVALID, "saw " + seen(host)); }
    std::vector<jiffy::Route> routes() override { return {{"GET", "/defaults", "", JIFFY_ROUTE_OPEN, 1}}; }
    void handle(uint32_t, const jiffy::Request&, jiffy::Response& resp) override { resp.status(200).write(seen_); }

private:
    std::string seen_;
};

} // namespace

JIFFY_ROUTES_PLUGIN(OptionDefaults, "defaults", "0.0.1", JIFFY_CAP_THREAD_SAFE, kOptions)
