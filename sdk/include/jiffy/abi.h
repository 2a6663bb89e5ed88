/*
 * jiffy/abi.h — the Jiffy C++ plugin contract (ABI 1.1).
 *
 * This header is the whole boundary between the host daemon `jiffyd` and a
 * plugin shared object. It is plain C on purpose: no C++ object, exception,
 * STL type or allocator crosses it. Read it top to bottom:
 *
 *   1. versions and export macros
 *   2. status codes and the caller-owned error struct
 *   3. value types shared by every kind (sinks, typed values)
 *   4. the host API table handed to every plugin instance
 *   5. the per-kind function tables (KVS, DB, routes)
 *   6. the plugin descriptor and the one exported entry symbol
 *
 * Rules that hold everywhere
 * --------------------------
 * - Every struct that may grow starts with `uint32_t struct_size`, set by the
 *   side that fills the struct to `sizeof` as that side was compiled. Structs
 *   only grow at the end; each later addition is marked with the minor version
 *   that added it. A reader copies min(struct_size, own sizeof) into a zeroed
 *   struct, so a field the other side does not know reads as 0 / NULL, which
 *   always means "not supported".
 * - Arrays of such structs (jiffy_value, jiffy_option) have the stride of the
 *   producer's sizeof; walk them with jiffy_value_at() / jiffy_option_at().
 * - Strings and byte buffers passed *into* a call are borrowed views
 *   (pointer + length, not NUL-terminated unless stated) valid only for the
 *   duration of that call. Copy what you keep.
 * - Data coming *out* of a call is written through a sink provided by the
 *   caller (jiffy_sink, jiffy_row_sink, jiffy_route_sink), so each side frees
 *   only what it allocated.
 * - Every fallible call returns a jiffy_status and, on failure, writes a
 *   message into the caller-owned jiffy_error (see jiffy_error_set()).
 * - Handles (plugin state, connections, transactions) are created and
 *   destroyed by the side that defines them.
 * - Unless a descriptor's capabilities say otherwise, the host calls a plugin
 *   instance from many threads at once.
 */
#ifndef JIFFY_ABI_H
#define JIFFY_ABI_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* 1. Versions and export macros                                            */
/* ------------------------------------------------------------------------ */

/** Major version: a host refuses a plugin whose descriptor names another major. */
#define JIFFY_ABI_MAJOR 1
/** Minor version: grows when a struct grows at its end; older minors keep working. */
#define JIFFY_ABI_MINOR 1

/** Name of the one symbol every plugin exports (see jiffy_plugin_query_fn). */
#define JIFFY_PLUGIN_ENTRY_SYMBOL "jiffy_plugin_query"

#if defined(__GNUC__) || defined(__clang__)
/** Marks the entry symbol visible; plugins build everything else hidden. */
#define JIFFY_EXPORT __attribute__((visibility("default")))
#else
#define JIFFY_EXPORT
#endif

#ifdef __cplusplus
#define JIFFY_EXTERN_C extern "C"
extern "C" {
#else
#define JIFFY_EXTERN_C
#endif

/* ------------------------------------------------------------------------ */
/* 2. Status codes and errors                                               */
/* ------------------------------------------------------------------------ */

/** Result of every fallible call. Values are fixed for the major version. */
typedef int32_t jiffy_status;

enum {
    JIFFY_OK = 0,          /**< success */
    JIFFY_NOT_FOUND = 1,   /**< key, row or route does not exist */
    JIFFY_CONFLICT = 2,    /**< compare-and-set lost, key exists, unique violation */
    JIFFY_INVALID = 3,     /**< bad argument or input; retrying will not help */
    JIFFY_UNAVAILABLE = 4, /**< backend unreachable or overloaded; retry later */
    JIFFY_TIMEOUT = 5,     /**< backend did not answer in time; retry later */
    JIFFY_UNSUPPORTED = 6, /**< operation not offered by this plugin or backend */
    JIFFY_INTERNAL = 7,    /**< bug or unexpected failure inside the callee */
    JIFFY_TOO_LARGE = 8    /**< value, body or store over its configured limit */
};

/** Capacity of jiffy_error.message including the terminating NUL. */
#define JIFFY_ERROR_MESSAGE_MAX 512

/**
 * Caller-owned error report. The caller allocates it (usually on its stack),
 * sets struct_size = sizeof(jiffy_error) and passes a pointer; the callee
 * fills it on failure with jiffy_error_set(). It never holds a pointer, so
 * nothing has to be freed. The message is UTF-8, NUL-terminated, truncated
 * to fit. On success its content is unspecified.
 */
typedef struct jiffy_error {
    uint32_t struct_size;                  /**< sizeof(jiffy_error) as compiled by the caller */
    jiffy_status status;                   /**< same value the call returned */
    char message[JIFFY_ERROR_MESSAGE_MAX]; /**< human-readable, names what and where */
} jiffy_error;

/** Prepares an error struct for a call. */
static inline void jiffy_error_init(jiffy_error* err)
{
    memset(err, 0, sizeof *err);
    err->struct_size = (uint32_t)sizeof *err;
}

/**
 * Fills `err` (may be NULL) with `status` and the first `len` bytes of `msg`,
 * truncated to the caller's capacity. Returns `status` so a callee can write
 * `return jiffy_error_set(err, JIFFY_INVALID, m, n);`.
 */
static inline jiffy_status jiffy_error_set(jiffy_error* err, jiffy_status status, const char* msg, size_t len)
{
    size_t cap;
    if (err == NULL) return status;
    err->status = status;
    if (err->struct_size <= offsetof(jiffy_error, message)) return status;
    cap = err->struct_size - offsetof(jiffy_error, message);
    if (cap > JIFFY_ERROR_MESSAGE_MAX) cap = JIFFY_ERROR_MESSAGE_MAX;
    if (msg == NULL) len = 0;
    if (len >= cap) len = cap - 1;
    if (len > 0) memcpy(err->message, msg, len);
    err->message[len] = '\0';
    return status;
}

/**
 * True when the struct at `ptr` (of type `type`, starting with struct_size)
 * was filled by a side that knows `field`, i.e. the field lies inside
 * ptr->struct_size. A field added by a later minor reads as absent when the
 * other side is older: test with this before reading any field marked
 * "since ABI 1.x" (the C++ wrappers do it for every host API entry).
 */
#define JIFFY_HAS_FIELD(ptr, type, field)                                                                              \
    ((ptr) != NULL && (ptr)->struct_size >= offsetof(type, field) + sizeof((ptr)->field))

/** Short English name of a status ("ok", "not found", ...); never NULL. */
static inline const char* jiffy_status_name(jiffy_status s)
{
    switch (s) {
    case JIFFY_OK:
        return "ok";
    case JIFFY_NOT_FOUND:
        return "not found";
    case JIFFY_CONFLICT:
        return "conflict";
    case JIFFY_INVALID:
        return "invalid";
    case JIFFY_UNAVAILABLE:
        return "unavailable";
    case JIFFY_TIMEOUT:
        return "timeout";
    case JIFFY_UNSUPPORTED:
        return "unsupported";
    case JIFFY_INTERNAL:
        return "internal error";
    case JIFFY_TOO_LARGE:
        return "too large";
    default:
        return "unknown status";
    }
}

/* ------------------------------------------------------------------------ */
/* 3. Value types shared by every kind                                      */
/* ------------------------------------------------------------------------ */

/**
 * Byte sink provided by the caller to receive output. The callee calls
 * write() zero or more times; the pieces are appended in order. write()
 * returns JIFFY_OK to continue or another status (e.g. JIFFY_TOO_LARGE) to
 * ask the callee to stop and return that status.
 */
typedef struct jiffy_sink {
    uint32_t struct_size;
    void* ctx; /**< passed back unchanged */
    jiffy_status (*write)(void* ctx, const void* data, size_t len);
} jiffy_sink;

/** Type tag of a jiffy_value. */
enum {
    JIFFY_TYPE_NULL = 0,   /**< SQL NULL; no payload */
    JIFFY_TYPE_INT = 1,    /**< 64-bit signed integer in `i` */
    JIFFY_TYPE_DOUBLE = 2, /**< IEEE double in `d` */
    JIFFY_TYPE_TEXT = 3,   /**< UTF-8 text in `data`/`size` (not NUL-terminated) */
    JIFFY_TYPE_BLOB = 4,   /**< bytes in `data`/`size` */
    JIFFY_TYPE_BOOL = 5    /**< boolean in `i` (0 or 1) */
};

/**
 * A typed value: a SQL parameter or a result cell. `data` is borrowed for
 * the duration of the call that received it.
 */
typedef struct jiffy_value {
    uint32_t struct_size; /**< sizeof(jiffy_value) of the producer; also the array stride */
    int32_t type;         /**< JIFFY_TYPE_* */
    int64_t i;            /**< INT and BOOL */
    double d;             /**< DOUBLE */
    const char* data;     /**< TEXT and BLOB */
    size_t size;          /**< TEXT and BLOB length in bytes */
} jiffy_value;

/** Element `i` of an array of jiffy_value whose stride is base->struct_size. */
static inline const jiffy_value* jiffy_value_at(const jiffy_value* base, size_t i)
{
    return (const jiffy_value*)(const void*)((const char*)base + i * base->struct_size);
}

/**
 * Receives the rows of a query. columns() is called once before the first
 * row (also for an empty result) with one TEXT value per column name; row()
 * once per row. Values are borrowed for the duration of the callback.
 * Returning anything but JIFFY_OK stops the query, which then returns that
 * status.
 */
typedef struct jiffy_row_sink {
    uint32_t struct_size;
    void* ctx;
    jiffy_status (*columns)(void* ctx, const jiffy_value* names, size_t count);
    jiffy_status (*row)(void* ctx, const jiffy_value* values, size_t count);
} jiffy_row_sink;

/** What a statement did, filled by execute() when the caller passes one. */
typedef struct jiffy_exec_info {
    uint32_t struct_size;
    int64_t rows_affected;  /**< INSERT/UPDATE/DELETE count; -1 if unknown */
    int64_t last_insert_id; /**< rowid of the last INSERT where the backend knows it, else 0 */
} jiffy_exec_info;

/** Placeholder style of a SQL dialect. */
enum {
    JIFFY_PLACEHOLDER_QUESTION = 1, /**< `?` (SQLite) */
    JIFFY_PLACEHOLDER_DOLLAR = 2    /**< `$1`, `$2`, ... (PostgreSQL) */
};

/** Dialect feature bits. */
enum {
    JIFFY_DB_RETURNING = 1u << 0,        /**< INSERT ... RETURNING works */
    JIFFY_DB_ADD_COLUMN = 1u << 1,       /**< ALTER TABLE ... ADD COLUMN works */
    JIFFY_DB_TRANSACTIONAL_DDL = 1u << 2 /**< DDL can be rolled back */
};

/**
 * What SQL to write for a database. Strings are static for the life of the
 * plugin. Type names are column types for DDL.
 */
typedef struct jiffy_db_dialect {
    uint32_t struct_size;
    const char* name;           /**< "sqlite", "postgres", ... */
    int32_t placeholder;        /**< JIFFY_PLACEHOLDER_* */
    uint32_t flags;             /**< JIFFY_DB_* */
    const char* type_int;       /**< 64-bit integer, e.g. "INTEGER" / "BIGINT" */
    const char* type_double;    /**< e.g. "REAL" / "DOUBLE PRECISION" */
    const char* type_text;      /**< unbounded text, e.g. "TEXT" */
    const char* type_bool;      /**< e.g. "INTEGER" / "BOOLEAN" */
    const char* type_blob;      /**< e.g. "BLOB" / "BYTEA" */
    const char* type_timestamp; /**< e.g. "TEXT" / "TIMESTAMPTZ" */
    const char* primary_key;    /**< an auto-increment 64-bit primary key column type,
                                     e.g. "INTEGER PRIMARY KEY AUTOINCREMENT" / "BIGSERIAL PRIMARY KEY" */
} jiffy_db_dialect;

/* ------------------------------------------------------------------------ */
/* 4. The host API                                                          */
/* ------------------------------------------------------------------------ */

/** Opaque: the host's context for one plugin instance (its name, config, log prefix). */
typedef struct jiffy_host jiffy_host;
/** Opaque: a database transaction opened through the host API. */
typedef struct jiffy_txn jiffy_txn;
/** Opaque: an HTTP request being handled (valid during routes.handle only). */
typedef struct jiffy_request jiffy_request;
/** Opaque: the HTTP response being built (valid during routes.handle only). */
typedef struct jiffy_response jiffy_response;

/** Log levels for jiffy_host_api.log. */
enum { JIFFY_LOG_TRACE = 0, JIFFY_LOG_DEBUG = 1, JIFFY_LOG_INFO = 2, JIFFY_LOG_WARNING = 3, JIFFY_LOG_ERROR = 4 };

/** Which config a lookup reads: the plugin's own object or the whole file. */
enum {
    JIFFY_CONFIG_PLUGIN = 0, /**< the plugin's own config object, defaults applied */
    JIFFY_CONFIG_ROOT = 1    /**< the whole expanded config file */
};

/** Parts of a request readable with jiffy_host_api.request_get. */
enum {
    JIFFY_REQ_METHOD = 0,      /**< "GET", "POST", ... */
    JIFFY_REQ_PATH = 1,        /**< URL-decoded path, no query */
    JIFFY_REQ_QUERY = 2,       /**< raw query string without '?', may be empty */
    JIFFY_REQ_BODY = 3,        /**< whole request body (already size-checked) */
    JIFFY_REQ_ROUTE_NAME = 4,  /**< name of the matched route, may be empty */
    JIFFY_REQ_BASE_URL = 5,    /**< "http://host:port" as the client addressed us */
    JIFFY_REQ_REMOTE_ADDR = 6, /**< client address "ip:port" */
    JIFFY_REQ_REQUEST_ID = 7,  /**< id the host gave this request (also in logs) */
    JIFFY_REQ_RAW_PATH = 8     /**< path as received, still percent-encoded */
};

/**
 * Functions the host offers to every plugin instance. Passed to create();
 * valid until destroy() returns. Every function takes the `jiffy_host*`
 * given to create() (or a request/response/txn handle derived from it).
 * A NULL entry means "not offered by this host": test before calling.
 */
typedef struct jiffy_host_api {
    uint32_t struct_size;
    uint32_t abi_major; /**< the host's JIFFY_ABI_MAJOR */
    uint32_t abi_minor; /**< the host's JIFFY_ABI_MINOR */

    /* --- logging --- */
    /** Writes one log line at `level`, prefixed with the plugin's name. */
    void (*log)(jiffy_host* host, int32_t level, const char* msg, size_t len);
    /** Non-zero when a line at `level` would be written (skip formatting otherwise). */
    int32_t (*log_enabled)(jiffy_host* host, int32_t level);

    /* --- configuration --- */
    /**
     * Writes the JSON text of the value at `path` to `out`. `path` is a
     * dot-separated list of object keys ("" = the whole object) read in the
     * scope JIFFY_CONFIG_PLUGIN or JIFFY_CONFIG_ROOT. JIFFY_NOT_FOUND when a
     * key is absent or its value is null.
     */
    jiffy_status (*config_json)(jiffy_host* host, int32_t scope, const char* path, size_t path_len,
                                const jiffy_sink* out, jiffy_error* err);
    /**
     * Like config_json for a scalar: strings are written without quotes,
     * numbers in decimal, booleans as "true"/"false". JIFFY_INVALID when the
     * value is an object or array; JIFFY_NOT_FOUND when absent or null.
     */
    jiffy_status (*config_scalar)(jiffy_host* host, int32_t scope, const char* path, size_t path_len,
                                  const jiffy_sink* out, jiffy_error* err);

    /* --- database (the active DB plugin) --- */
    /** Copies the active database's dialect into `*out` (caller sets out->struct_size). */
    jiffy_status (*db_dialect)(jiffy_host* host, jiffy_db_dialect* out, jiffy_error* err);
    /**
     * Runs one SQL statement with typed, bound parameters. `txn` NULL runs it
     * on its own (autocommit). `rows` and `info` may be NULL. Identifiers
     * must never come from user input; values always go in `params`.
     * JIFFY_CONFLICT on a unique/foreign-key violation, JIFFY_INVALID on a
     * NOT NULL or syntax error, JIFFY_UNAVAILABLE when the server is down.
     */
    jiffy_status (*db_execute)(jiffy_host* host, jiffy_txn* txn, const char* sql, size_t sql_len,
                               const jiffy_value* params, size_t param_count, const jiffy_row_sink* rows,
                               jiffy_exec_info* info, jiffy_error* err);
    /**
     * Opens a transaction on a pooled connection; `*out` stays valid until
     * commit/rollback. A transaction may move between threads, but its calls
     * must not overlap: it is one connection.
     */
    jiffy_status (*db_begin)(jiffy_host* host, jiffy_txn** out, jiffy_error* err);
    /** Commits and releases `txn` (released also when the commit fails). */
    jiffy_status (*db_commit)(jiffy_host* host, jiffy_txn* txn, jiffy_error* err);
    /** Rolls back and releases `txn`. */
    jiffy_status (*db_rollback)(jiffy_host* host, jiffy_txn* txn, jiffy_error* err);

    /* --- key/value store (the active KVS plugin) ---
     * Each entry calls the same function of the active KVS plugin's
     * jiffy_kvs_vtable (see there for keys, TTLs, NOT_FOUND and CONFLICT),
     * serialised by the host when that plugin is not thread-safe.
     * JIFFY_UNAVAILABLE when no KVS plugin is running. */
    /** Writes the value of `key` to `out`; JIFFY_NOT_FOUND if absent. */
    jiffy_status (*kvs_get)(jiffy_host* host, const char* key, size_t key_len, const jiffy_sink* out, jiffy_error* err);
    /** Stores `value` under `key` (ttl_ms <= 0: no expiry). */
    jiffy_status (*kvs_set)(jiffy_host* host, const char* key, size_t key_len, const void* value, size_t value_len,
                            int64_t ttl_ms, jiffy_error* err);
    /** Stores only if `key` is absent; JIFFY_CONFLICT if present. */
    jiffy_status (*kvs_add)(jiffy_host* host, const char* key, size_t key_len, const void* value, size_t value_len,
                            int64_t ttl_ms, jiffy_error* err);
    /** Replaces the value only if it equals `expected`; JIFFY_CONFLICT / JIFFY_NOT_FOUND otherwise. */
    jiffy_status (*kvs_compare_and_set)(jiffy_host* host, const char* key, size_t key_len, const void* expected,
                                        size_t expected_len, const void* value, size_t value_len, int64_t ttl_ms,
                                        jiffy_error* err);
    /** Deletes `key`; JIFFY_NOT_FOUND if it was absent. */
    jiffy_status (*kvs_remove)(jiffy_host* host, const char* key, size_t key_len, jiffy_error* err);
    /** Adds `delta` to the integer at `key` (absent = 0) and writes the result to `*result`. */
    jiffy_status (*kvs_incr)(jiffy_host* host, const char* key, size_t key_len, int64_t delta, int64_t* result,
                             jiffy_error* err);

    /* --- caches kept coherent across the cluster --- */
    /**
     * Announces that entry `key` of cache `cache` changed. The host calls
     * every local subscriber and, in a cluster, every other instance's.
     * JIFFY_UNSUPPORTED when the host runs no cache bus.
     */
    jiffy_status (*cache_invalidate)(jiffy_host* host, const char* cache, size_t cache_len, const char* key,
                                     size_t key_len, jiffy_error* err);
    /**
     * Registers `fn(ctx, key, key_len)` to run on every invalidation of
     * `cache` (key_len 0 = everything). Dropped when the instance is destroyed.
     * `fn` runs on the thread that called cache_invalidate (for a local
     * change) or on a host thread (for one from another instance), possibly
     * on several threads at once; it must return quickly and must not throw.
     * JIFFY_INVALID for a NULL `fn`; JIFFY_UNSUPPORTED without a cache bus.
     */
    jiffy_status (*cache_subscribe)(jiffy_host* host, const char* cache, size_t cache_len,
                                    void (*fn)(void* ctx, const char* key, size_t key_len), void* ctx,
                                    jiffy_error* err);

    /* --- metrics (Prometheus text on /metrics) --- */
    /**
     * Adds `delta` to counter `name` (created on first use). A name that is
     * not [a-zA-Z_:][a-zA-Z0-9_:]* is dropped, and the host logs a warning
     * naming it once (for the first 100 such names).
     */
    void (*metric_add)(jiffy_host* host, const char* name, size_t name_len, double delta);
    /** Sets gauge `name` to `value` (names as metric_add). */
    void (*metric_set)(jiffy_host* host, const char* name, size_t name_len, double value);

    /* --- HTTP request and response (only inside jiffy_routes_vtable.handle) --- */
    /**
     * Borrowed view of one part of the request (JIFFY_REQ_*); valid until
     * handle returns. JIFFY_INVALID for an unknown `what` or a NULL request.
     */
    jiffy_status (*request_get)(const jiffy_request* req, int32_t what, const char** data, size_t* len);
    /** Value of path parameter `name` (from "{name}" in the pattern); JIFFY_NOT_FOUND if none. */
    jiffy_status (*request_param)(const jiffy_request* req, const char* name, size_t name_len, const char** data,
                                  size_t* len);
    /** Value of header `name` (case-insensitive); JIFFY_NOT_FOUND if absent. */
    jiffy_status (*request_header)(const jiffy_request* req, const char* name, size_t name_len, const char** data,
                                   size_t* len);
    /** Sets the status code (default 200); JIFFY_INVALID outside 100-999. */
    jiffy_status (*response_status)(jiffy_response* resp, int32_t status);
    /**
     * Sets a response header, replacing one of the same name (compared
     * case-insensitively). JIFFY_INVALID for an empty name or a CR, LF or
     * NUL in the name or value.
     */
    jiffy_status (*response_header)(jiffy_response* resp, const char* name, size_t name_len, const char* value,
                                    size_t value_len);
    /** Appends to the response body; JIFFY_INTERNAL when out of memory. */
    jiffy_status (*response_write)(jiffy_response* resp, const void* data, size_t len);

    /* ---- added in ABI 1.1 (absent from a 1.0 host's table: check struct_size) ---- */
    /* --- the cluster (multi-instance; a lone instance is its own leader) --- */
    /**
     * Since 1.1. The highest leadership term this instance has seen: 0 before
     * the first election, then only growing (a takeover increments it). A
     * fencing token: a plugin that must not let a deposed leader's writes
     * through stores the term with them and refuses older ones. Any thread.
     */
    uint64_t (*cluster_term)(jiffy_host* host);
    /**
     * Since 1.1. 1 while this instance holds the leader lease at the moment
     * of the call, else 0 (also when it runs without a KVS, so without a
     * cluster). The lease may end right after the call: work that must
     * happen on one instance only uses cluster_term as its fencing token
     * too. Any thread.
     */
    int32_t (*is_leader)(jiffy_host* host);
} jiffy_host_api;

/* ------------------------------------------------------------------------ */
/* 5. Per-kind function tables                                              */
/* ------------------------------------------------------------------------ */

/** Plugin kinds. */
enum {
    JIFFY_KIND_KVS = 1,   /**< key/value store: group leader, counters (jiffy_kvs_vtable) */
    JIFFY_KIND_DB = 2,    /**< SQL database (jiffy_db_vtable) */
    JIFFY_KIND_ROUTES = 3 /**< HTTP routes (jiffy_routes_vtable) */
};

/** Capability bits in jiffy_plugin_descriptor.capabilities. */
#define JIFFY_CAP_THREAD_SAFE (1ull << 0)  /**< instance may be called from many threads at once */
#define JIFFY_CAP_TTL (1ull << 1)          /**< KVS: honours ttl_ms */
#define JIFFY_CAP_ATOMIC_CAS (1ull << 2)   /**< KVS: compare_and_set and add are atomic */
#define JIFFY_CAP_INCR (1ull << 3)         /**< KVS: incr is atomic */
#define JIFFY_CAP_PERSISTENT (1ull << 4)   /**< KVS/DB: data survives a restart of the process */
#define JIFFY_CAP_SHARED (1ull << 5)       /**< KVS: visible to several jiffyd processes */
#define JIFFY_CAP_TRANSACTIONS (1ull << 6) /**< DB: begin/commit/rollback work */

/**
 * Key/value store. Keys are 1 to 250 bytes of any value (empty or longer
 * keys: JIFFY_INVALID); values are bytes. ttl_ms <= 0 means "no expiry";
 * a store with coarser expiry rounds up (documented per plugin). A backend
 * that cannot be reached answers JIFFY_UNAVAILABLE or JIFFY_TIMEOUT within
 * the plugin's configured timeout, never hangs.
 */
typedef struct jiffy_kvs_vtable {
    uint32_t struct_size;
    /** Required. Writes the value of `key` to `out`; JIFFY_NOT_FOUND if absent or expired. */
    jiffy_status (*get)(void* state, const char* key, size_t key_len, const jiffy_sink* out, jiffy_error* err);
    /** Required. Stores `value` under `key`, replacing any value. */
    jiffy_status (*set)(void* state, const char* key, size_t key_len, const void* value, size_t value_len,
                        int64_t ttl_ms, jiffy_error* err);
    /** Required. Stores `value` only if `key` is absent; JIFFY_CONFLICT if present. */
    jiffy_status (*add)(void* state, const char* key, size_t key_len, const void* value, size_t value_len,
                        int64_t ttl_ms, jiffy_error* err);
    /**
     * Required. Replaces the value of `key` with `value` only if it currently
     * equals `expected`; JIFFY_CONFLICT if it differs, JIFFY_NOT_FOUND if absent.
     */
    jiffy_status (*compare_and_set)(void* state, const char* key, size_t key_len, const void* expected,
                                    size_t expected_len, const void* value, size_t value_len, int64_t ttl_ms,
                                    jiffy_error* err);
    /** Required. Deletes `key`; JIFFY_NOT_FOUND if it was absent. */
    jiffy_status (*remove)(void* state, const char* key, size_t key_len, jiffy_error* err);
    /**
     * Required. Adds `delta` to the decimal integer stored at `key` (absent = 0, kept
     * without expiry) and writes the new value to `*result`. JIFFY_INVALID if
     * the stored value is not an integer.
     */
    jiffy_status (*incr)(void* state, const char* key, size_t key_len, int64_t delta, int64_t* result,
                         jiffy_error* err);
    /**
     * Required. JIFFY_OK when the backend answers now; JIFFY_UNSUPPORTED when
     * the plugin cannot tell (/readyz then shows "unknown").
     */
    jiffy_status (*health)(void* state, jiffy_error* err);
} jiffy_kvs_vtable;

/** Opaque: one pooled connection of a DB plugin, held for a transaction. */
typedef struct jiffy_db_conn jiffy_db_conn;

/** SQL database. Statements follow the dialect's placeholder style. */
typedef struct jiffy_db_vtable {
    uint32_t struct_size;
    /** Required. Fills `*out` (out->struct_size set by the caller). */
    jiffy_status (*dialect)(void* state, jiffy_db_dialect* out, jiffy_error* err);
    /**
     * Required. Runs one statement. `conn` NULL: any pooled connection, autocommit.
     * Status mapping as jiffy_host_api.db_execute.
     */
    jiffy_status (*execute)(void* state, jiffy_db_conn* conn, const char* sql, size_t sql_len,
                            const jiffy_value* params, size_t param_count, const jiffy_row_sink* rows,
                            jiffy_exec_info* info, jiffy_error* err);
    /** Required. Takes a connection from the pool and starts a transaction on it. */
    jiffy_status (*begin)(void* state, jiffy_db_conn** out, jiffy_error* err);
    /** Required. Commits and returns the connection to the pool (also on failure). */
    jiffy_status (*commit)(void* state, jiffy_db_conn* conn, jiffy_error* err);
    /** Required. Rolls back and returns the connection to the pool. */
    jiffy_status (*rollback)(void* state, jiffy_db_conn* conn, jiffy_error* err);
    /**
     * Required. JIFFY_OK when the database answers now; JIFFY_UNSUPPORTED when
     * the plugin cannot tell (/readyz then shows "unknown").
     */
    jiffy_status (*health)(void* state, jiffy_error* err);
} jiffy_db_vtable;

/** Route flags. */
enum {
    JIFFY_ROUTE_OPEN = 1u << 0 /**< served without authentication */
};

/**
 * One HTTP route. `pattern` is a path of '/'-separated segments; a segment
 * is literal text, or `{name}` (any non-empty segment), `{name:int}` (digits
 * only), optionally between a literal prefix and suffix, e.g. `${cmd}` or
 * `name({expr})`. Literal segments win over patterned ones; among patterned
 * ones, the one with more literal text wins.
 */
typedef struct jiffy_route {
    uint32_t struct_size;
    const char* method;  /**< "GET", "POST", "PUT", "DELETE", "PATCH" */
    const char* pattern; /**< e.g. "/library/{id:int}" */
    const char* name;    /**< authorization name, e.g. "library.GET_ID"; NULL or "" = none
                              (then only JIFFY_ROUTE_OPEN makes the route reachable when auth is on) */
    uint32_t flags;      /**< JIFFY_ROUTE_* */
    uint32_t id;         /**< chosen by the plugin; passed back to handle() */
} jiffy_route;

/** Receives routes from jiffy_routes_vtable.routes(); the host copies every string. */
typedef struct jiffy_route_sink {
    uint32_t struct_size;
    void* ctx;
    jiffy_status (*add)(void* ctx, const jiffy_route* route);
} jiffy_route_sink;

/** HTTP route handlers. */
typedef struct jiffy_routes_vtable {
    uint32_t struct_size;
    /** Required. Announces every route once, after create(). */
    jiffy_status (*routes)(void* state, const jiffy_route_sink* sink, jiffy_error* err);
    /**
     * Required. Handles a request matched to route `route_id`. Writes the response
     * through the host API. On a non-OK status the host discards whatever
     * was written and answers with a status code derived from the status
     * (NOT_FOUND 404, INVALID 400, CONFLICT 409, TOO_LARGE 413, UNSUPPORTED
     * 501, UNAVAILABLE 503, TIMEOUT 504, other 500): 4xx answers carry
     * `{"error":"<message>"}`; 5xx answers carry only the request id, and
     * the message is logged with it.
     */
    jiffy_status (*handle)(void* state, uint32_t route_id, const jiffy_request* req, jiffy_response* resp,
                           jiffy_error* err);
    /**
     * Optional (NULL: the routes appear undescribed): writes a JSON object of OpenAPI 3 "paths"
     * entries describing the routes, merged into GET /openapi.json. Called at most once per
     * instance, when that document is first requested (on a request thread, serialised with
     * the instance's other calls unless it is JIFFY_CAP_THREAD_SAFE), never during start-up.
     */
    jiffy_status (*openapi)(void* state, const jiffy_sink* out, jiffy_error* err);
} jiffy_routes_vtable;

/* ------------------------------------------------------------------------ */
/* 6. Descriptor and entry symbol                                           */
/* ------------------------------------------------------------------------ */

/** Type of a config option. */
enum {
    JIFFY_OPT_STRING = 1,       /**< JSON string */
    JIFFY_OPT_INT = 2,          /**< integer (a string of digits, e.g. from ${VAR}, is converted) */
    JIFFY_OPT_BOOL = 3,         /**< true/false (the strings "true"/"false" are converted) */
    JIFFY_OPT_DOUBLE = 4,       /**< number (a numeric string is converted) */
    JIFFY_OPT_STRING_LIST = 5,  /**< array of strings */
    JIFFY_OPT_OBJECT = 6,       /**< JSON object, passed through */
    JIFFY_OPT_ANY = 7,          /**< any JSON value, not checked */
    JIFFY_OPT_ADDRESS = 8,      /**< string "host:port"; the host checks the form */
    JIFFY_OPT_ADDRESS_LIST = 9, /**< array of "host:port" strings */
    JIFFY_OPT_PATH = 10,        /**< file path; the host makes a relative path absolute against the
                                     config file's directory (values starting with ':' are left alone) */
    JIFFY_OPT_PATH_LIST = 11    /**< array of file paths, each resolved as JIFFY_OPT_PATH */
};

/**
 * One key of the plugin's config object. The host checks types, applies
 * defaults (a key given as null counts as absent) and refuses a missing
 * required key (naming its JSON path) before create() runs, and before
 * check() (ABI 1.1); it prints the table in `jiffyd --list-plugins`. The
 * default stated here is the only one: the plugin reads the value as given.
 */
typedef struct jiffy_option {
    uint32_t struct_size;     /**< also the stride of the options array */
    const char* name;         /**< key in the plugin's config object */
    int32_t type;             /**< JIFFY_OPT_* */
    int32_t required;         /**< non-zero: must be present (then default_json is never used) */
    const char* default_json; /**< JSON text of the default, NULL = none */
    const char* help;         /**< one line for --list-plugins */
} jiffy_option;

/** Element `i` of an options array whose stride is base->struct_size. */
static inline const jiffy_option* jiffy_option_at(const jiffy_option* base, size_t i)
{
    return (const jiffy_option*)(const void*)((const char*)base + i * base->struct_size);
}

/**
 * What a plugin is and how to make an instance. Static for the life of the
 * library. The first three fields are frozen for every major version so a
 * host can always read them and refuse a foreign major politely.
 */
typedef struct jiffy_plugin_descriptor {
    uint32_t struct_size;
    uint32_t abi_major;          /**< JIFFY_ABI_MAJOR the plugin was built with */
    uint32_t abi_minor;          /**< JIFFY_ABI_MINOR the plugin was built with */
    int32_t kind;                /**< JIFFY_KIND_* */
    const char* name;            /**< short name, e.g. "redis" (also the config key) */
    const char* version;         /**< plugin version, e.g. "1.0.0" */
    const char* build_info;      /**< free text for diagnostics (compiler, date); may be NULL */
    uint64_t capabilities;       /**< JIFFY_CAP_* */
    const jiffy_option* options; /**< option table; may be NULL */
    size_t option_count;
    /**
     * Required. Makes an instance from its config (JSON object text, defaults applied).
     * `api` and `host` stay valid until destroy(). On success stores the
     * instance in `*state`; on failure fills `err` and leaves nothing to free.
     */
    jiffy_status (*create)(const jiffy_host_api* api, jiffy_host* host, const char* config_json, size_t config_len,
                           void** state, jiffy_error* err);
    /** Required. Destroys an instance made by create(); never fails. */
    void (*destroy)(void* state);
    /** Required. The kind's table: jiffy_kvs_vtable, jiffy_db_vtable or jiffy_routes_vtable. */
    const void* vtable;
    /* ---- added in ABI 1.1 ---- */
    /**
     * Optional (1.1). Validates a config the way create() would — files it
     * names read and parsed, values checked — without connecting to a server,
     * starting a thread or writing anything; `jiffyd --check-config` calls it
     * (create() is never called in that run). `api`/`host` are valid for the
     * call only. The config entries of the host API answer as for create();
     * for a routes plugin, the db_* entries reach the configured database
     * opened read-only when the DB plugin offers a `read_only` option, and
     * answer JIFFY_UNAVAILABLE otherwise (check what needs no database then).
     * Returns JIFFY_OK, or JIFFY_INVALID with `err` naming what is wrong and
     * where. NULL: only the option table is checked.
     */
    jiffy_status (*check)(const jiffy_host_api* api, jiffy_host* host, const char* config_json, size_t config_len,
                          jiffy_error* err);
} jiffy_plugin_descriptor;

/**
 * The one exported symbol, named JIFFY_PLUGIN_ENTRY_SYMBOL. The host offers
 * its major version and the range of minors it understands; the plugin
 * returns its static descriptor (the host refuses it when abi_major
 * differs) or NULL when it cannot serve that range.
 */
typedef const jiffy_plugin_descriptor* (*jiffy_plugin_query_fn)(uint32_t host_abi_major, uint32_t host_min_minor,
                                                                uint32_t host_max_minor);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* JIFFY_ABI_H */
