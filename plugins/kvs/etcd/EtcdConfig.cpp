#include "EtcdConfig.h"

#include <HostPort.h>

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

namespace jiffy::etcd {
namespace {

std::vector<Endpoint> readEndpoints(const jiffy::Host& host)
{
    const std::string key = "endpoints";
    std::string json = host.optionJson(key);
    Poco::JSON::Array::Ptr list;
    try {
        list = Poco::JSON::Parser().parse(json).extract<Poco::JSON::Array::Ptr>();
    } catch (const Poco::Exception&) {
        fail(JIFFY_INVALID, key + ": expected an array of \"host:port\", got " + json);
    }
    std::vector<Endpoint> out;
    for (unsigned i = 0; i < list->size(); ++i) {
        std::string where = key + "[" + std::to_string(i) + "]";
        if (!list->get(i).isString()) fail(JIFFY_INVALID, where + ": expected \"host:port\"");
        std::string text = list->getElement<std::string>(i);
        support::HostPort hp = support::splitHostPort(where, text);
        out.push_back(Endpoint{text, hp.host, hp.port});
    }
    if (out.empty()) fail(JIFFY_INVALID, key + ": needs at least one \"host:port\"");
    return out;
}

} // namespace

std::string EtcdConfig::describe() const
{
    std::string s;
    for (const auto& e : endpoints) s += (s.empty() ? "" : ", ") + e.text;
    return s;
}

EtcdConfig EtcdConfig::read(const jiffy::Host& host)
{
    EtcdConfig c;
    c.endpoints = readEndpoints(host);
    c.prefix = host.optionString("prefix");
    c.user = host.configString("user").value_or("");
    c.password = host.configString("password").value_or("");
    if (c.user.empty() && !c.password.empty()) fail(JIFFY_INVALID, "password: is set but user is empty");
    if (!c.user.empty() && c.password.empty())
        fail(JIFFY_INVALID, "user: is set but password is empty (etcd authentication needs both)");
    c.caFile = host.configString("ca_file").value_or("");
    c.certFile = host.configString("cert_file").value_or("");
    c.keyFile = host.configString("key_file").value_or("");
    if (c.certFile.empty() != c.keyFile.empty())
        fail(JIFFY_INVALID, std::string(c.certFile.empty() ? "key_file" : "cert_file") +
                                ": a client certificate needs both cert_file and key_file");
    c.tls = host.optionBool("tls") || !c.caFile.empty() || !c.certFile.empty();
    c.connectTimeout = std::chrono::milliseconds(host.optionInt("connect_timeout_ms", 1, 600000));
    c.timeout = std::chrono::milliseconds(host.optionInt("timeout_ms", 1, 600000));
    c.idlePerEndpoint = static_cast<size_t>(host.optionInt("max_idle", 0, 1024));
    return c;
}

} // namespace jiffy::etcd
