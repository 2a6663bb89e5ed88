/*
 * A host as a jiffyd speaking only ABI 1.0 was built: compiled against the
 * frozen header sdk/abi/1.0/jiffy/abi.h, it loads a plugin built with
 * today's SDK, offers minors 0..0 and a 1.0 host table (every entry NULL),
 * reads the descriptor as far as 1.0 knows it and runs the plugin. It proves
 * that a plugin built with a newer SDK still loads into an older host and
 * degrades as abi.h documents: fields added after 1.0 are simply not seen,
 * host entries the old table lacks read as NULL.
 *
 * Usage: host_1_0 PLUGIN.so EXPECTED_PATTERN [unsupported]   (exit 0 = compatible)
 * With "unsupported", the route is also called once and must answer
 * JIFFY_UNSUPPORTED: a plugin needing a host entry added after 1.0 (the
 * leadership test plugin reads cluster_term) says so instead of crashing.
 */
#include <jiffy/abi.h>

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

static int routes_seen = 0;
static const char* expected_path = "";

static jiffy_status on_route(void* ctx, const jiffy_route* r)
{
    (void)ctx;
    if (r->pattern && strcmp(r->pattern, expected_path) == 0) ++routes_seen;
    return JIFFY_OK;
}

static int fail(const char* what)
{
    fprintf(stderr, "host_1_0: %s\n", what);
    return 1;
}

int main(int argc, char** argv)
{
    if (argc != 3 && !(argc == 4 && strcmp(argv[3], "unsupported") == 0))
        return fail("usage: host_1_0 PLUGIN.so EXPECTED_PATTERN [unsupported]");
    expected_path = argv[2];
    void* lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!lib) return fail(dlerror());
    /* POSIX allows dlsym's object pointer to be used as a function pointer;
       the copy through memcpy keeps ISO C's pedantic warning quiet. */
    void* sym = dlsym(lib, JIFFY_PLUGIN_ENTRY_SYMBOL);
    jiffy_plugin_query_fn query = NULL;
    if (sym) memcpy(&query, &sym, sizeof query);
    if (!query) return fail("no entry symbol");
    const jiffy_plugin_descriptor* raw = query(JIFFY_ABI_MAJOR, 0, JIFFY_ABI_MINOR);
    if (!raw) return fail("the plugin declined a 1.0 host");
    if (raw->abi_major != 1) return fail("foreign major");
    if (raw->abi_minor < 1) return fail("expected a plugin built with a newer SDK than 1.0");
    /* What a 1.0 host does: copy min(struct_size, own sizeof) into a zeroed struct. */
    jiffy_plugin_descriptor d;
    memset(&d, 0, sizeof d);
    memcpy(&d, raw, raw->struct_size < sizeof d ? raw->struct_size : sizeof d);
    if (raw->struct_size <= sizeof d) return fail("the plugin's descriptor did not grow: not a 1.1 plugin");
    if (d.kind != JIFFY_KIND_ROUTES || !d.create || !d.destroy || !d.vtable) return fail("descriptor incomplete");

    jiffy_host_api api;
    memset(&api, 0, sizeof api);
    api.struct_size = sizeof api;
    api.abi_major = 1;
    api.abi_minor = 0;
    jiffy_error err;
    jiffy_error_init(&err);
    void* state = NULL;
    static const char config[] = "{}";
    if (d.create(&api, NULL, config, sizeof config - 1, &state, &err) != JIFFY_OK) return fail(err.message);
    const jiffy_routes_vtable* vt = (const jiffy_routes_vtable*)d.vtable;
    jiffy_route_sink sink = {sizeof sink, NULL, on_route};
    jiffy_status s = vt->routes(state, &sink, &err);
    jiffy_status handled = JIFFY_UNSUPPORTED;
    if (s == JIFFY_OK && argc == 4) {
        /* Route id 1; the plugin must refuse before it reads the request or writes the response. */
        jiffy_error_init(&err);
        handled = vt->handle(state, 1, NULL, NULL, &err);
    }
    d.destroy(state);
    if (s != JIFFY_OK) return fail(err.message);
    if (handled != JIFFY_UNSUPPORTED) return fail("the route did not answer JIFFY_UNSUPPORTED in a 1.0 host");
    if (routes_seen != 1) return fail("the plugin's route was not announced");
    printf("host_1_0: %s (built for ABI %u.%u) works in a 1.0 host%s\n", d.name, d.abi_major, d.abi_minor,
           argc == 4 ? " and reports what it cannot do there" : "");
    return 0;
}
