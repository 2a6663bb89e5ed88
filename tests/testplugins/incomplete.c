/* A KVS plugin whose table lacks get(): refused at load. */
#include "answer_always.h"

static jiffy_status c_create(const jiffy_host_api* a, jiffy_host* h, const char* c, size_t n, void** s, jiffy_error* e)
{
    (void)a;
    (void)h;
    (void)c;
    (void)n;
    (void)e;
    *s = NULL;
    return JIFFY_OK;
}
static void c_destroy(void* s)
{
    (void)s;
}

static const jiffy_kvs_vtable t = {sizeof(jiffy_kvs_vtable), NULL, NULL, NULL, NULL, NULL, NULL, NULL};
static const jiffy_plugin_descriptor d = {sizeof(jiffy_plugin_descriptor),
                                          JIFFY_ABI_MAJOR,
                                          JIFFY_ABI_MINOR,
                                          JIFFY_KIND_KVS,
                                          "incomplete",
                                          "0.0.1",
                                          NULL,
                                          0,
                                          NULL,
                                          0,
                                          c_create,
                                          c_destroy,
                                          &t,
                                          NULL};

JIFFY_TEST_ANSWER_ALWAYS(d)
