/* A shared object that is not a Jiffy plugin: no jiffy_plugin_query. */
#include <jiffy/abi.h>

JIFFY_EXPORT int some_other_function(void)
{
    return 42;
}
