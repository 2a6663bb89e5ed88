// The jiffy_host_api table: the only place that turns the opaque handles of
// abi.h back into host objects. Every function is noexcept in effect: it
// catches everything and reports a status.
#include "plugins/HostApi.h"

#include "cache/CacheBus.h"
#include "cluster/ClusterState.h"
#include "config/Config.h"
#include "metrics/MetricsRegistry.h"
#include "plugins/DbInstance.h"
#include "plugins/HostContext.h"
#include "plugins/KvsInstance.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/String.h>

#include <sstream>

namespace jiffy::host {
namespace {

jiffy_status fail(jiffy_error* err, jiffy_status s, const std::string& msg)
{
    return jiffy_error_set(err, s, msg.data(), msg.size());
}

template <class F> jiffy_status protect(jiffy_error* err, F&& f) noexcept
{
    try {
        return f();
    } catch (const Poco::Exception& e) {
        return fail(err, JIFFY_INTERNAL, e.displayText());
    } catch (const std::exception& e) {
        return fail(err, JIFFY_INTERNAL, e.what());
    } catch (...) {
        return fail(err, JIFFY_INTERNAL, "unknown exception in the host");
    }
}

Poco::Message::Priority priority(int32_t level)
{
    switch (level) {
    case JIFFY_LOG_TRACE:
        return Poco::Message::PRIO_TRACE;
    case JIFFY_LOG_DEBUG:
        return Poco::Message::PRIO_DEBUG;
    case JIFFY_LOG_INFO:
        return Poco::Message::PRIO_INFORMATION;
    case JIFFY_LOG_WARNING:
        return Poco::Message::PRIO_WARNING;
    default:
        return Poco::Message::PRIO_ERROR;
    }
}

void apiLog(jiffy_host* h, int32_t level, const char* msg, size_t len)
{
    try {
        Poco::Logger& log = h->logger ? *h->logger : Poco::Logger::root();
        Poco::Message::Priority p = priority(level);
        if (log.getLevel() < p) return;
        log.log(Poco::Message(log.name(), std::string(msg, len), p));
    } catch (...) {
    }
}

int32_t apiLogEnabled(jiffy_host* h, int32_t level)
{
    Poco::Logger& log = h->logger ? *h->logger : Poco::Logger::root();
    return log.getLevel() >= priority(level) ? 1 : 0;
}

/// Walks a dot-separated path; numeric parts index arrays. Keys match
/// exactly, else case-insensitively (as jiffy's Go decoder).
bool lookup(Poco::Dynamic::Var v, const std::string& path, Poco::Dynamic::Var& out)
{
    std::istringstream parts(path);
    std::string part;
    while (!path.empty() && std::getline(parts, part, '.')) {
        if (v.type() == typeid(Poco::JSON::Object::Ptr)) {
            auto obj = v.extract<Poco::JSON::Object::Ptr>();
            if (obj->has(part)) {
                v = obj->get(part);
                continue;
            }
            bool found = false;
            for (const auto& kv : *obj)
                if (Poco::icompare(kv.first, part) == 0) {
                    v = kv.second;
                    found = true;
                    break;
                }
            if (!found) return false;
        } else if (v.type() == typeid(Poco::JSON::Array::Ptr)) {
            auto arr = v.extract<Poco::JSON::Array::Ptr>();
            if (part.empty() || part.find_first_not_of("0123456789") != std::string::npos) return false;
            size_t i = std::stoul(part);
            if (i >= arr->size()) return false;
            v = arr->get(static_cast<unsigned>(i));
        } else {
            return false;
        }
    }
    out = v;
    return true;
}

jiffy_status configValue(jiffy_host* h, int32_t scope, const char* path, size_t pathLen, Poco::Dynamic::Var& out,
                         jiffy_error* err)
{
    Poco::Dynamic::Var root;
    if (scope == JIFFY_CONFIG_ROOT) {
        if (!h->services || !h->services->config || !h->services->config->root)
            return fail(err, JIFFY_NOT_FOUND, "no config file");
        root = h->services->config->root;
    } else {
        if (!h->config) return fail(err, JIFFY_NOT_FOUND, "plugin has no config");
        root = h->config;
    }
    std::string p(path ? path : "", path ? pathLen : 0);
    if (!lookup(root, p, out) || out.isEmpty()) return fail(err, JIFFY_NOT_FOUND, "config key \"" + p + "\" not found");
    return JIFFY_OK;
}

jiffy_status writeSink(const jiffy_sink* out, const std::string& s, jiffy_error* err)
{
    jiffy_status st = out->write(out->ctx, s.data(), s.size());
    if (st != JIFFY_OK) return fail(err, st, "the output sink refused the data");
    return JIFFY_OK;
}

jiffy_status apiConfigJson(jiffy_host* h, int32_t scope, const char* path, size_t len, const jiffy_sink* out,
                           jiffy_error* err)
{
    return protect(err, [&]() -> jiffy_status {
        Poco::Dynamic::Var v;
        jiffy_status s = configValue(h, scope, path, len, v, err);
        if (s != JIFFY_OK) return s;
        std::ostringstream os;
        Poco::JSON::Stringifier::condense(v, os);
        return writeSink(out, os.str(), err);
    });
}

jiffy_status apiConfigScalar(jiffy_host* h, int32_t scope, const char* path, size_t len, const jiffy_sink* out,
                             jiffy_error* err)
{
    return protect(err, [&]() -> jiffy_status {
        Poco::Dynamic::Var v;
        jiffy_status s = configValue(h, scope, path, len, v, err);
        if (s != JIFFY_OK) return s;
        if (v.type() == typeid(Poco::JSON::Object::Ptr) || v.type() == typeid(Poco::JSON::Array::Ptr))
            return fail(err, JIFFY_INVALID, "config key \"" + std::string(path, len) + "\" is not a scalar");
        if (v.type() == typeid(bool)) return writeSink(out, v.extract<bool>() ? "true" : "false", err);
        return writeSink(out, v.convert<std::string>(), err);
    });
}

DbInstance* dbOf(jiffy_host* h)
{
    return h->services ? h->services->db : nullptr;
}
KvsInstance* kvsOf(jiffy_host* h)
{
    return h->services ? h->services->kvs : nullptr;
}

jiffy_status noDb(jiffy_error* err)
{
    return fail(err, JIFFY_UNAVAILABLE, "no database plugin is running");
}
jiffy_status noKvs(jiffy_error* err)
{
    return fail(err, JIFFY_UNAVAILABLE, "no KVS plugin is running");
}

jiffy_status apiDbDialect(jiffy_host* h, jiffy_db_dialect* out, jiffy_error* err)
{
    DbInstance* db = dbOf(h);
    if (!db) return noDb(err);
    uint32_t want = out->struct_size;
    const jiffy_db_dialect& d = db->dialect();
    std::memcpy(out, &d, want < sizeof d ? want : sizeof d);
    out->struct_size = want;
    return JIFFY_OK;
}

jiffy_status apiDbExecute(jiffy_host* h, jiffy_txn* txn, const char* sql, size_t sqlLen, const jiffy_value* params,
                          size_t count, const jiffy_row_sink* rows, jiffy_exec_info* info, jiffy_error* err)
{
    DbInstance* db = txn ? txn->db : dbOf(h);
    if (!db) return noDb(err);
    return db->execute(txn ? txn->conn : nullptr, std::string_view(sql, sqlLen), params, count, rows, info, err);
}

jiffy_status apiDbBegin(jiffy_host* h, jiffy_txn** out, jiffy_error* err)
{
    return protect(err, [&]() -> jiffy_status {
        DbInstance* db = dbOf(h);
        if (!db) return noDb(err);
        jiffy_db_conn* conn = nullptr;
        jiffy_status s = db->begin(&conn, err);
        if (s != JIFFY_OK) return s;
        *out = new jiffy_txn{db, conn};
        return JIFFY_OK;
    });
}

jiffy_status apiDbCommit(jiffy_host*, jiffy_txn* txn, jiffy_error* err)
{
    if (!txn) return fail(err, JIFFY_INVALID, "no transaction");
    jiffy_status s = txn->db->commit(txn->conn, err);
    delete txn;
    return s;
}

jiffy_status apiDbRollback(jiffy_host*, jiffy_txn* txn, jiffy_error* err)
{
    if (!txn) return fail(err, JIFFY_INVALID, "no transaction");
    jiffy_status s = txn->db->rollback(txn->conn, err);
    delete txn;
    return s;
}

std::string_view sv(const void* p, size_t n)
{
    return p ? std::string_view(static_cast<const char*>(p), n) : std::string_view();
}

jiffy_status apiKvsGet(jiffy_host* h, const char* k, size_t kn, const jiffy_sink* out, jiffy_error* err)
{
    KvsInstance* kvs = kvsOf(h);
    return kvs ? kvs->get(sv(k, kn), out, err) : noKvs(err);
}

jiffy_status apiKvsSet(jiffy_host* h, const char* k, size_t kn, const void* v, size_t vn, int64_t ttl, jiffy_error* err)
{
    KvsInstance* kvs = kvsOf(h);
    return kvs ? kvs->set(sv(k, kn), sv(v, vn), ttl, err) : noKvs(err);
}

jiffy_status apiKvsAdd(jiffy_host* h, const char* k, size_t kn, const void* v, size_t vn, int64_t ttl, jiffy_error* err)
{
    KvsInstance* kvs = kvsOf(h);
    return kvs ? kvs->add(sv(k, kn), sv(v, vn), ttl, err) : noKvs(err);
}

jiffy_status apiKvsCas(jiffy_host* h, const char* k, size_t kn, const void* e, size_t en, const void* v, size_t vn,
                       int64_t ttl, jiffy_error* err)
{
    KvsInstance* kvs = kvsOf(h);
    return kvs ? kvs->compareAndSet(sv(k, kn), sv(e, en), sv(v, vn), ttl, err) : noKvs(err);
}

jiffy_status apiKvsRemove(jiffy_host* h, const char* k, size_t kn, jiffy_error* err)
{
    KvsInstance* kvs = kvsOf(h);
    return kvs ? kvs->remove(sv(k, kn), err) : noKvs(err);
}

jiffy_status apiKvsIncr(jiffy_host* h, const char* k, size_t kn, int64_t delta, int64_t* result, jiffy_error* err)
{
    KvsInstance* kvs = kvsOf(h);
    return kvs ? kvs->incr(sv(k, kn), delta, result, err) : noKvs(err);
}

jiffy_status apiCacheInvalidate(jiffy_host* h, const char* c, size_t cn, const char* k, size_t kn, jiffy_error* err)
{
    return protect(err, [&]() -> jiffy_status {
        if (!h->services || !h->services->cache) return fail(err, JIFFY_UNSUPPORTED, "no cache bus");
        h->services->cache->invalidate(std::string(c, cn), std::string(sv(k, kn)));
        return JIFFY_OK;
    });
}

jiffy_status apiCacheSubscribe(jiffy_host* h, const char* c, size_t cn, void (*fn)(void*, const char*, size_t),
                               void* ctx, jiffy_error* err)
{
    return protect(err, [&]() -> jiffy_status {
        if (!h->services || !h->services->cache) return fail(err, JIFFY_UNSUPPORTED, "no cache bus");
        if (!fn) return fail(err, JIFFY_INVALID, "no callback");
        h->services->cache->subscribe(std::string(c, cn), fn, ctx, h);
        return JIFFY_OK;
    });
}

void apiMetricAdd(jiffy_host* h, const char* name, size_t len, double delta)
{
    try {
        if (h->services && h->services->metrics) h->services->metrics->add(std::string(name, len), delta);
    } catch (...) {
    }
}

void apiMetricSet(jiffy_host* h, const char* name, size_t len, double value)
{
    try {
        if (h->services && h->services->metrics) h->services->metrics->set(std::string(name, len), value);
    } catch (...) {
    }
}

uint64_t apiClusterTerm(jiffy_host* h)
{
    return h && h->services && h->services->cluster ? h->services->cluster->term() : 0;
}

int32_t apiIsLeader(jiffy_host* h)
{
    return h && h->services && h->services->cluster && h->services->cluster->isLeader() ? 1 : 0;
}

jiffy_status apiRequestGet(const jiffy_request* req, int32_t what, const char** data, size_t* len)
{
    if (!req || what < 0 || what >= static_cast<int32_t>(sizeof req->parts / sizeof req->parts[0]))
        return JIFFY_INVALID;
    *data = req->parts[what].data();
    *len = req->parts[what].size();
    return JIFFY_OK;
}

jiffy_status apiRequestParam(const jiffy_request* req, const char* name, size_t nameLen, const char** data, size_t* len)
{
    if (!req) return JIFFY_INVALID;
    std::string_view n(name, nameLen);
    for (const auto& [k, v] : req->params)
        if (k == n) {
            *data = v.data();
            *len = v.size();
            return JIFFY_OK;
        }
    return JIFFY_NOT_FOUND;
}

jiffy_status apiRequestHeader(const jiffy_request* req, const char* name, size_t nameLen, const char** data,
                              size_t* len)
{
    if (!req || !req->headers) return JIFFY_INVALID;
    try {
        auto it = req->headers->find(std::string(name, nameLen));
        if (it == req->headers->end()) return JIFFY_NOT_FOUND;
        *data = it->second.data();
        *len = it->second.size();
        return JIFFY_OK;
    } catch (...) {
        return JIFFY_INTERNAL;
    }
}

jiffy_status apiResponseStatus(jiffy_response* resp, int32_t status)
{
    if (!resp || status < 100 || status > 999) return JIFFY_INVALID;
    resp->status = status;
    return JIFFY_OK;
}

bool headerSafe(std::string_view s)
{
    for (char c : s)
        if (c == '\r' || c == '\n' || c == '\0') return false;
    return true;
}

jiffy_status apiResponseHeader(jiffy_response* resp, const char* name, size_t nameLen, const char* value,
                               size_t valueLen)
{
    if (!resp || nameLen == 0) return JIFFY_INVALID;
    try {
        std::string n(name, nameLen), v(value ? value : "", value ? valueLen : 0);
        if (!headerSafe(n) || !headerSafe(v)) return JIFFY_INVALID;
        for (auto& [k, old] : resp->headers)
            if (Poco::icompare(k, n) == 0) {
                old = v;
                return JIFFY_OK;
            }
        resp->headers.emplace_back(std::move(n), std::move(v));
        return JIFFY_OK;
    } catch (...) {
        return JIFFY_INTERNAL;
    }
}

jiffy_status apiResponseWrite(jiffy_response* resp, const void* data, size_t len)
{
    if (!resp) return JIFFY_INVALID;
    try {
        resp->body.append(static_cast<const char*>(data), len);
        return JIFFY_OK;
    } catch (...) {
        return JIFFY_INTERNAL;
    }
}

jiffy_host_api makeApi()
{
    jiffy_host_api a{};
    a.struct_size = sizeof a;
    a.abi_major = JIFFY_ABI_MAJOR;
    a.abi_minor = JIFFY_ABI_MINOR;
    a.log = apiLog;
    a.log_enabled = apiLogEnabled;
    a.config_json = apiConfigJson;
    a.config_scalar = apiConfigScalar;
    a.db_dialect = apiDbDialect;
    a.db_execute = apiDbExecute;
    a.db_begin = apiDbBegin;
    a.db_commit = apiDbCommit;
    a.db_rollback = apiDbRollback;
    a.kvs_get = apiKvsGet;
    a.kvs_set = apiKvsSet;
    a.kvs_add = apiKvsAdd;
    a.kvs_compare_and_set = apiKvsCas;
    a.kvs_remove = apiKvsRemove;
    a.kvs_incr = apiKvsIncr;
    a.cache_invalidate = apiCacheInvalidate;
    a.cache_subscribe = apiCacheSubscribe;
    a.metric_add = apiMetricAdd;
    a.metric_set = apiMetricSet;
    a.request_get = apiRequestGet;
    a.request_param = apiRequestParam;
    a.request_header = apiRequestHeader;
    a.response_status = apiResponseStatus;
    a.response_header = apiResponseHeader;
    a.response_write = apiResponseWrite;
    a.cluster_term = apiClusterTerm;
    a.is_leader = apiIsLeader;
    return a;
}

} // namespace

const jiffy_host_api* hostApi()
{
    static const jiffy_host_api api = makeApi();
    return &api;
}

} // namespace jiffy::host
