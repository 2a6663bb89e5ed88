// The loader opens good plugins, refuses every kind of bad one with a clear
// message (never a crash), and keeps a library loaded while it is in use.
#include "plugins/PluginErrors.h"
#include "plugins/PluginLibrary.h"
#include "plugins/PluginLoader.h"
#include "support/TestSupport.h"

#include <cppunit/extensions/HelperMacros.h>

#include <jiffy/abi.h>

#include <jiffy/kvs.hpp>

#include <set>

using jiffy::test::contains;

using jiffy::host::PluginLibrary;
using jiffy::host::PluginLoader;
using jiffy::host::PluginLoadError;
using jiffy::test::pluginFile;
using jiffy::test::testPluginFile;

/// The ABI version this host speaks, as messages print it ("1.1").
const std::string kAbi = std::to_string(JIFFY_ABI_MAJOR) + "." + std::to_string(JIFFY_ABI_MINOR);

namespace {

/// The message of the PluginLoadError that opening `file` throws.
std::string refusal(const std::string& file, int32_t kind = 0)
{
    try {
        PluginLibrary::open(file, kind);
    } catch (const PluginLoadError& e) {
        return e.message();
    }
    return "(loaded)";
}

} // namespace

class PluginLoaderTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(PluginLoaderTest);
    CPPUNIT_TEST(testGoodPluginLoads);
    CPPUNIT_TEST(testPlainCPluginBuiltAgainstFrozenAbiServes);
    CPPUNIT_TEST(testPluginWithoutOptionsLoads);
    CPPUNIT_TEST(testHealthNotImplementedSaysUnknown);
    CPPUNIT_TEST(testPluginNeedingANewerHostIsRefused);
    CPPUNIT_TEST(testLoaderRequiresExactlyWhatTheHeaderMarksRequired);
    CPPUNIT_TEST(testMissingFileIsRefused);
    CPPUNIT_TEST(testNonSharedObjectIsRefused);
    CPPUNIT_TEST(testMissingEntrySymbolIsRefused);
    CPPUNIT_TEST(testForeignAbiMajorIsRefused);
    CPPUNIT_TEST(testIncompleteTableIsRefused);
    CPPUNIT_TEST(testWrongKindIsRefused);
    CPPUNIT_TEST(testFailingCreateIsReported);
    CPPUNIT_TEST(testLocateSearchesDirectoriesInOrder);
    CPPUNIT_TEST(testLibraryStaysLoadedWhileAnInstanceLives);
    CPPUNIT_TEST(testScanListsPluginsAndRefusals);
    CPPUNIT_TEST_SUITE_END();

public:
    void testGoodPluginLoads()
    {
        auto lib = PluginLibrary::open(pluginFile("kvs", "standalone"), JIFFY_KIND_KVS);
        CPPUNIT_ASSERT_EQUAL(std::string("standalone"), lib->name());
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_KIND_KVS}, static_cast<int>(lib->kind()));
        CPPUNIT_ASSERT_EQUAL(std::string("1.0.0"), lib->version());
        CPPUNIT_ASSERT_EQUAL(uint32_t(JIFFY_ABI_MAJOR), lib->descriptor().abi_major);
        CPPUNIT_ASSERT(lib->threadSafe());
        CPPUNIT_ASSERT(lib->kvs().compare_and_set != nullptr);
        CPPUNIT_ASSERT_EQUAL(size_t(2), lib->options().size());
    }

    void testPlainCPluginBuiltAgainstFrozenAbiServes()
    {
        jiffy::test::PluginHarness h;
        auto routes = h.routes(testPluginFile("routes", "chello"), "{}");
        CPPUNIT_ASSERT(!routes->library().threadSafe());
        CPPUNIT_ASSERT_EQUAL(size_t(2), routes->routes().size());
        CPPUNIT_ASSERT_EQUAL(std::string("/chello"), routes->routes()[0].pattern);
        jiffy_request req;
        jiffy_response resp;
        jiffy::host::CallError err;
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_OK}, static_cast<int>(routes->handle(7, &req, &resp, err.get())));
        CPPUNIT_ASSERT_EQUAL(std::string("{\"message\":\"hello from C\",\"calls\":1}"), resp.body);
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_INTERNAL}, static_cast<int>(routes->handle(8, &req, &resp, err.get())));
        CPPUNIT_ASSERT_EQUAL(int{JIFFY_NOT_FOUND}, static_cast<int>(routes->handle(9, &req, &resp, err.get())));
    }

    void testLoaderRequiresExactlyWhatTheHeaderMarksRequired()
    {
        // Reads abi.h: the function-pointer members of each table whose doc
        // comment says "Required." must be the loader's list, entry by entry.
        const std::string h = jiffy::test::readFile(jiffy::test::sourceDir() + "/sdk/include/jiffy/abi.h");
        auto marked = [&h](const std::string& table) {
            std::set<std::string> out;
            size_t begin = h.find("typedef struct " + table + " {"), end = h.find("} " + table + ";", begin);
            CPPUNIT_ASSERT_MESSAGE(table, begin != std::string::npos && end != std::string::npos);
            std::string body = h.substr(begin, end - begin);
            size_t at = 0;
            while ((at = body.find("(*", at)) != std::string::npos) {
                size_t close = body.find(')', at);
                std::string name = body.substr(at + 2, close - at - 2);
                // The doc comment right before this member (nothing but white space between).
                size_t comment = body.rfind("/**", at);
                size_t commentEnd = comment == std::string::npos ? std::string::npos : body.find("*/", comment);
                bool adjacent = commentEnd != std::string::npos && commentEnd < at && body.find(';', commentEnd) > at;
                bool required =
                    adjacent && body.substr(comment, commentEnd - comment).find("Required.") != std::string::npos;
                if (required) out.insert(name);
                at = close;
            }
            return out;
        };
        auto loader = [](int32_t kind) {
            std::set<std::string> out;
            for (const auto& e : jiffy::host::PluginLibrary::requiredEntries(kind)) out.insert(e.name);
            return out;
        };
        CPPUNIT_ASSERT(marked("jiffy_kvs_vtable") == loader(JIFFY_KIND_KVS));
        CPPUNIT_ASSERT(marked("jiffy_db_vtable") == loader(JIFFY_KIND_DB));
        CPPUNIT_ASSERT(marked("jiffy_routes_vtable") == loader(JIFFY_KIND_ROUTES));
        CPPUNIT_ASSERT_EQUAL(size_t(7), loader(JIFFY_KIND_KVS).size());
        CPPUNIT_ASSERT(!marked("jiffy_routes_vtable").count("openapi"));
    }

    void testPluginNeedingANewerHostIsRefused()
    {
        std::string m = refusal(testPluginFile("routes", "needsnewer"));
        CPPUNIT_ASSERT_MESSAGE(
            m, contains(m, "the plugin declined this host's plugin ABI " + kAbi + ": it needs a newer jiffyd"));
    }

    void testHealthNotImplementedSaysUnknown()
    {
        // A plugin that forgets health() must not make /readyz claim "ok".
        struct Forgetful : jiffy::KvsStore {
            std::optional<std::string> get(std::string_view) override { return std::nullopt; }
            void set(std::string_view, std::string_view, std::chrono::milliseconds) override {}
            bool add(std::string_view, std::string_view, std::chrono::milliseconds) override { return true; }
            jiffy::CasResult compareAndSet(std::string_view, std::string_view, std::string_view,
                                           std::chrono::milliseconds) override
            {
                return jiffy::CasResult::NotFound;
            }
            bool remove(std::string_view) override { return false; }
            int64_t incr(std::string_view, int64_t) override { return 0; }
        } kvs;
        try {
            kvs.health();
            CPPUNIT_FAIL("the default health() claimed the backend answers");
        } catch (const jiffy::Error& e) {
            CPPUNIT_ASSERT_EQUAL(int{JIFFY_UNSUPPORTED}, static_cast<int>(e.status()));
        }
    }

    void testPluginWithoutOptionsLoads()
    {
        jiffy::test::PluginHarness h;
        auto routes = h.routes(testPluginFile("routes", "nooptions"), "{}");
        CPPUNIT_ASSERT(routes->library().options().empty());
        CPPUNIT_ASSERT_EQUAL(std::string("/nooptions"), routes->routes().at(0).pattern);
    }

    void testMissingFileIsRefused()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("/nonexistent/libx.so: plugin file does not exist"),
                             refusal("/nonexistent/libx.so"));
    }

    void testNonSharedObjectIsRefused()
    {
        std::string m = refusal(testPluginFile("kvs", "notelf"));
        CPPUNIT_ASSERT_MESSAGE(m, contains(m, "not a loadable shared object"));
        CPPUNIT_ASSERT_MESSAGE(m, contains(m, "libjiffy-kvs-notelf.so"));
    }

    void testMissingEntrySymbolIsRefused()
    {
        std::string m = refusal(testPluginFile("kvs", "noentry"));
        CPPUNIT_ASSERT_MESSAGE(m, contains(m, "not a Jiffy plugin: it does not export jiffy_plugin_query"));
    }

    void testForeignAbiMajorIsRefused()
    {
        std::string m = refusal(testPluginFile("kvs", "wrongabi"));
        CPPUNIT_ASSERT_MESSAGE(m, contains(m, "built for plugin ABI 2.3, but this jiffyd speaks ABI " + kAbi));
    }

    void testIncompleteTableIsRefused()
    {
        std::string m = refusal(testPluginFile("kvs", "incomplete"));
        CPPUNIT_ASSERT_MESSAGE(m, contains(m, "kvs plugin incomplete lacks required functions: get, set, add"));
    }

    void testWrongKindIsRefused()
    {
        std::string m = refusal(pluginFile("db", "sqlite"), JIFFY_KIND_KVS);
        CPPUNIT_ASSERT_MESSAGE(m, contains(m, "plugin sqlite is a db plugin, expected a kvs plugin"));
    }

    void testFailingCreateIsReported()
    {
        jiffy::test::PluginHarness h;
        try {
            h.kvs(testPluginFile("kvs", "createfails"), "{}");
            CPPUNIT_FAIL("create() failure not reported");
        } catch (const PluginLoadError& e) {
            CPPUNIT_ASSERT_MESSAGE(e.message(), contains(e.message(), "kvs plugin createfails"));
            CPPUNIT_ASSERT_MESSAGE(e.message(),
                                   contains(e.message(), "failed to start: cannot reach the backend at 127.0.0.1:1"));
        }
    }

    void testLocateSearchesDirectoriesInOrder()
    {
        PluginLoader loader({"/nonexistent", JIFFY_TEST_TESTPLUGIN_DIR, JIFFY_TEST_PLUGIN_DIR});
        CPPUNIT_ASSERT_EQUAL(testPluginFile("routes", "chello"), loader.locate(JIFFY_KIND_ROUTES, "chello", ""));
        CPPUNIT_ASSERT_EQUAL(pluginFile("routes", "hello"), loader.locate(JIFFY_KIND_ROUTES, "hello", ""));
        CPPUNIT_ASSERT_EQUAL(std::string("/base/dir/lib.so"), loader.locate(JIFFY_KIND_KVS, "dir/lib.so", "/base"));
        CPPUNIT_ASSERT_EQUAL(std::string("/abs/x.so"), loader.locate(JIFFY_KIND_KVS, "/abs/x.so", "/base"));
        CPPUNIT_ASSERT_THROW(loader.locate(JIFFY_KIND_DB, "nosuch", ""), PluginLoadError);
    }

    void testLibraryStaysLoadedWhileAnInstanceLives()
    {
        jiffy::test::PluginHarness h;
        auto kvs = h.kvs(pluginFile("kvs", "standalone"), "{}");
        // Nobody but the instance holds the library now.
        std::weak_ptr<PluginLibrary> lib = h.loader().load(JIFFY_KIND_KVS, pluginFile("kvs", "standalone"), "");
        CPPUNIT_ASSERT(!lib.expired());
        kvs->set("k", "v");
        CPPUNIT_ASSERT_EQUAL(std::string("v"), kvs->get("k").value_or("<none>"));
        kvs.reset();
        CPPUNIT_ASSERT(lib.expired());
    }

    void testScanListsPluginsAndRefusals()
    {
        PluginLoader loader({JIFFY_TEST_PLUGIN_DIR, JIFFY_TEST_TESTPLUGIN_DIR});
        auto found = loader.scan();
        int good = 0, refused = 0;
        for (const auto& f : found) (f.library ? good : refused)++;
        CPPUNIT_ASSERT(good >= 4);    // standalone, sqlite, hello, chello, createfails
        CPPUNIT_ASSERT(refused >= 4); // notelf, noentry, wrongabi, incomplete
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PluginLoaderTest);
