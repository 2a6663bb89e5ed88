// Entry point of libjiffy-kvs-sluggo.so: the option table and the export.
#include "client/SluggoKvs.h"

namespace {

const jiffy_option kOptions[] = {
    jiffy::option("sluggo_address", JIFFY_OPT_ADDRESS, false, "\"127.0.0.1:4444\"",
                  "host:port of sluggo or jiffy-sluggo (jiffy's own default, 127.0.0.1:7070, is Go sluggo's)"),
    jiffy::option("timeout_ms", JIFFY_OPT_INT, false, "3000", "connect, send and receive timeout of one request"),
    jiffy::option("origin", JIFFY_OPT_STRING, false, "\"http://localhost/\"",
                  "Origin header of the WebSocket handshake (sluggo refuses none)"),
    jiffy::option("connections", JIFFY_OPT_INT, false, "2",
                  "persistent connections kept to jiffy-sluggo's extension path"),
};

} // namespace

// Capabilities are those with jiffy-sluggo's extensions; against a server
// without them the instance says so in the log and refuses TTLs.
JIFFY_KVS_PLUGIN(jiffy::sluggo::SluggoKvs, "sluggo", "1.0.0",
                 JIFFY_CAP_THREAD_SAFE | JIFFY_CAP_TTL | JIFFY_CAP_ATOMIC_CAS | JIFFY_CAP_INCR | JIFFY_CAP_SHARED,
                 kOptions)
