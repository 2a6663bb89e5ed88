/* For test plugins whose descriptor is wrong on purpose (a foreign ABI
   major, a table missing required entries): the entry point answers it
   whatever range the host offers, so the host's own checks meet it. */
#ifndef JIFFY_TEST_ANSWER_ALWAYS_H
#define JIFFY_TEST_ANSWER_ALWAYS_H

#include <jiffy/abi.h>

#define JIFFY_TEST_ANSWER_ALWAYS(descriptor)                                                                           \
    JIFFY_EXPORT const jiffy_plugin_descriptor* jiffy_plugin_query(uint32_t major, uint32_t lo, uint32_t hi)           \
    {                                                                                                                  \
        (void)major;                                                                                                   \
        (void)lo;                                                                                                      \
        (void)hi;                                                                                                      \
        return &(descriptor);                                                                                          \
    }

#endif
