#include "MemcachedConfig.h"

#include <HostPort.h>

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

namespace jiffy::memcache {
namespace {

ServerAddress splitAddress(const std::string& key, const std::string& text)
{
    support::HostPort hp = support::splitHostPort(key, text);
    ServerAddress a;
    a.text = text;
    a.host = hp.host;
    a.port = hp.port;
    return a;
}

std::vector<ServerAddress> readServers(const jiffy::Host& host)
{
    const char* key = "memcached_addresses";
    std::string json = host.optionJson(key);
    Poco::JSON::Array::Ptr list;
    try {
        list = Poco::JSON::Parser().parse(json).extract<Poco::JSON::Array::Ptr>();
    } catch (const Poco::Exception&) {
        fail(JIFFY_INVALID, std::string(key) + ": expected an array of \"host:port\", got " + json);
    }
    std::vector<ServerAddress> out;
    for (unsigned i = 0; i < list->size(); ++i) {
        std::string where = std::string(key) + "[" + std::to_string(i) + "]";
        if (!list->get(i).isString()) fail(JIFFY_INVALID, where + ": expected \"host:port\"");
        out.push_back(splitAddress(where, list->getElement<std::string>(i)));
    }
    if (out.empty()) fail(JIFFY_INVALID, std::string(key) + ": needs at least one \"host:port\"");
    return out;
}

} // namespace

std::string MemcachedConfig::describe() const
{
    std::string s;
    for (const auto& a : servers) s += (s.empty() ? "" : ", ") + a.text;
    return s;
}

MemcachedConfig MemcachedConfig::read(const jiffy::Host& host)
{
    MemcachedConfig c;
    c.servers = readServers(host);
    c.connectTimeout = std::chrono::milliseconds(host.optionInt("connect_timeout_ms", 1, 600000));
    c.timeout = std::chrono::milliseconds(host.optionInt("timeout_ms", 1, 600000));
    c.poolWait = std::chrono::milliseconds(host.optionInt("pool_wait_ms", 1, 600000));
    c.retryTimeoutS = host.optionInt("retry_timeout_s", 0, 3600);
    c.poolSize = static_cast<size_t>(host.optionInt("pool_size", 1, 1024));
    return c;
}

} // namespace jiffy::memcache
