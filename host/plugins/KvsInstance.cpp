#include "plugins/KvsInstance.h"

#include "plugins/PluginErrors.h"

#include <jiffy/plugin.hpp>

namespace jiffy::host {

jiffy_status KvsInstance::get(std::string_view key, const jiffy_sink* out, jiffy_error* err) const
{
    auto lock = serialize();
    return lib_->kvs().get(state(), key.data(), key.size(), out, err);
}

jiffy_status KvsInstance::set(std::string_view key, std::string_view value, int64_t ttlMs, jiffy_error* err) const
{
    auto lock = serialize();
    return lib_->kvs().set(state(), key.data(), key.size(), value.data(), value.size(), ttlMs, err);
}

jiffy_status KvsInstance::add(std::string_view key, std::string_view value, int64_t ttlMs, jiffy_error* err) const
{
    auto lock = serialize();
    return lib_->kvs().add(state(), key.data(), key.size(), value.data(), value.size(), ttlMs, err);
}

jiffy_status KvsInstance::compareAndSet(std::string_view key, std::string_view expected, std::string_view value,
                                        int64_t ttlMs, jiffy_error* err) const
{
    auto lock = serialize();
    return lib_->kvs().compare_and_set(state(), key.data(), key.size(), expected.data(), expected.size(), value.data(),
                                       value.size(), ttlMs, err);
}

jiffy_status KvsInstance::remove(std::string_view key, jiffy_error* err) const
{
    auto lock = serialize();
    return lib_->kvs().remove(state(), key.data(), key.size(), err);
}

jiffy_status KvsInstance::incr(std::string_view key, int64_t delta, int64_t* result, jiffy_error* err) const
{
    auto lock = serialize();
    return lib_->kvs().incr(state(), key.data(), key.size(), delta, result, err);
}

jiffy_status KvsInstance::health(jiffy_error* err) const
{
    auto lock = serialize();
    return lib_->kvs().health(state(), err);
}

std::optional<std::string> KvsInstance::get(std::string_view key) const
{
    std::string out;
    jiffy_sink sink = jiffy::stringSink(out);
    CallError err;
    jiffy_status s = get(key, &sink, err.get());
    if (s == JIFFY_NOT_FOUND) return std::nullopt;
    checkStatus(s, err, label() + " get");
    return out;
}

void KvsInstance::set(std::string_view key, std::string_view value, int64_t ttlMs) const
{
    CallError err;
    checkStatus(set(key, value, ttlMs, err.get()), err, label() + " set");
}

bool KvsInstance::add(std::string_view key, std::string_view value, int64_t ttlMs) const
{
    CallError err;
    jiffy_status s = add(key, value, ttlMs, err.get());
    if (s == JIFFY_CONFLICT) return false;
    checkStatus(s, err, label() + " add");
    return true;
}

CasOutcome KvsInstance::compareAndSet(std::string_view key, std::string_view expected, std::string_view value,
                                      int64_t ttlMs) const
{
    CallError err;
    jiffy_status s = compareAndSet(key, expected, value, ttlMs, err.get());
    if (s == JIFFY_CONFLICT) return CasOutcome::Conflict;
    if (s == JIFFY_NOT_FOUND) return CasOutcome::NotFound;
    checkStatus(s, err, label() + " compare_and_set");
    return CasOutcome::Swapped;
}

bool KvsInstance::remove(std::string_view key) const
{
    CallError err;
    jiffy_status s = remove(key, err.get());
    if (s == JIFFY_NOT_FOUND) return false;
    checkStatus(s, err, label() + " remove");
    return true;
}

int64_t KvsInstance::incr(std::string_view key, int64_t delta) const
{
    CallError err;
    int64_t r = 0;
    checkStatus(incr(key, delta, &r, err.get()), err, label() + " incr");
    return r;
}

void KvsInstance::health() const
{
    CallError err;
    checkStatus(health(err.get()), err, label() + " health");
}

} // namespace jiffy::host
