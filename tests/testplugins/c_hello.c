/* A routes plugin in plain C, built against sdk/abi/1.0: proves that the
 * contract needs no C++ and that a plugin of ABI 1.0 loads into this host.
 * GET /chello answers {"message":"hello from C","calls":N}. */
#include <jiffy/abi.h>

#include <stdio.h>
#include <stdlib.h>

typedef struct state {
    const jiffy_host_api* api;
    jiffy_host* host;
    long calls; /* not thread-safe on purpose: the descriptor omits JIFFY_CAP_THREAD_SAFE */
} state;

static jiffy_status c_create(const jiffy_host_api* api, jiffy_host* host, const char* cfg, size_t len, void** out,
                             jiffy_error* err)
{
    state* s;
    (void)cfg;
    (void)len;
    s = (state*)calloc(1, sizeof *s);
    if (!s) return jiffy_error_set(err, JIFFY_INTERNAL, "out of memory", 13);
    s->api = api;
    s->host = host;
    if (api->log) api->log(host, JIFFY_LOG_DEBUG, "c plugin created", 16);
    *out = s;
    return JIFFY_OK;
}

static void c_destroy(void* st)
{
    free(st);
}

static jiffy_status c_routes(void* st, const jiffy_route_sink* sink, jiffy_error* err)
{
    jiffy_route r;
    (void)st;
    (void)err;
    r.struct_size = (uint32_t)sizeof r;
    r.method = "GET";
    r.pattern = "/chello";
    r.name = "chello.GET";
    r.flags = JIFFY_ROUTE_OPEN;
    r.id = 7;
    if (sink->add(sink->ctx, &r) != JIFFY_OK) return JIFFY_INTERNAL;
    /* a route that writes a response, then fails with internal detail the
       client must never see: the host discards what was written */
    r.pattern = "/chello/boom";
    r.name = "chello.BOOM";
    r.id = 8;
    return sink->add(sink->ctx, &r);
}

static jiffy_status c_handle(void* st, uint32_t id, const jiffy_request* req, jiffy_response* resp, jiffy_error* err)
{
    state* s = (state*)st;
    char body[96];
    int n;
    (void)req;
    if (id == 8) {
        s->api->response_status(resp, 202);
        s->api->response_header(resp, "X-Partial", 9, "yes", 3);
        s->api->response_write(resp, "partial", 7);
        return jiffy_error_set(err, JIFFY_INTERNAL, "kaboom at /var/lib/secret.db", 28);
    }
    if (id != 7) return jiffy_error_set(err, JIFFY_NOT_FOUND, "unknown route", 13);
    s->calls++;
    n = snprintf(body, sizeof body, "{\"message\":\"hello from C\",\"calls\":%ld}", s->calls);
    s->api->response_status(resp, 200);
    s->api->response_header(resp, "Content-Type", 12, "application/json", 16);
    return s->api->response_write(resp, body, (size_t)n);
}

static const jiffy_routes_vtable c_table = {sizeof(jiffy_routes_vtable), c_routes, c_handle, NULL};

static const jiffy_plugin_descriptor c_descriptor = {sizeof(jiffy_plugin_descriptor),
                                                     JIFFY_ABI_MAJOR,
                                                     JIFFY_ABI_MINOR,
                                                     JIFFY_KIND_ROUTES,
                                                     "chello",
                                                     "1.0.0",
                                                     "plain C test plugin",
                                                     0,
                                                     NULL,
                                                     0,
                                                     c_create,
                                                     c_destroy,
                                                     &c_table};

JIFFY_EXPORT const jiffy_plugin_descriptor* jiffy_plugin_query(uint32_t major, uint32_t min_minor, uint32_t max_minor)
{
    (void)major;
    (void)min_minor;
    (void)max_minor;
    return &c_descriptor;
}
