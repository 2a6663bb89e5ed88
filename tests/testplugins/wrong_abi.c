/* A plugin built for a future ABI major: the host must refuse it politely. */
#include "answer_always.h"

static const jiffy_plugin_descriptor d = {sizeof(jiffy_plugin_descriptor),
                                          JIFFY_ABI_MAJOR + 1,
                                          3,
                                          JIFFY_KIND_KVS,
                                          "wrongabi",
                                          "9.9.9",
                                          NULL,
                                          0,
                                          NULL,
                                          0,
                                          NULL,
                                          NULL,
                                          NULL,
                                          NULL};

JIFFY_TEST_ANSWER_ALWAYS(d)
