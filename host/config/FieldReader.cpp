#include "config/FieldReader.h"

#include "config/SecretFiles.h"

#include <Poco/String.h>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace jiffy::host {

std::string describeJson(const Poco::Dynamic::Var& v)
{
    if (v.isEmpty()) return "null";
    if (v.type() == typeid(Poco::JSON::Object::Ptr)) return "an object";
    if (v.type() == typeid(Poco::JSON::Array::Ptr)) return "an array";
    if (v.type() == typeid(bool)) return v.extract<bool>() ? "true" : "false";
    if (v.isString()) return "string \"" + v.convert<std::string>() + "\"";
    if (v.isNumeric()) return "number " + v.convert<std::string>();
    return v.convert<std::string>();
}

bool integerFromString(const std::string& text, int64_t& out)
{
    size_t start = (!text.empty() && text[0] == '-') ? 1 : 0;
    if (text.size() == start || text.find_first_not_of("0123456789", start) != std::string::npos) return false;
    errno = 0;
    char* end = nullptr;
    long long x = std::strtoll(text.c_str(), &end, 10);
    if (errno == ERANGE || *end != '\0') return false;
    out = static_cast<int64_t>(x);
    return true;
}

bool numberFromString(const std::string& text, double& out)
{
    if (text.empty() || std::isspace(static_cast<unsigned char>(text[0])) || text[0] == '+') return false;
    errno = 0;
    char* end = nullptr;
    double x = std::strtod(text.c_str(), &end);
    if (errno == ERANGE || *end != '\0' || !std::isfinite(x)) return false;
    // strtod also reads hex floats, "inf" and "nan"; a config number is decimal.
    if (text.find_first_not_of("0123456789.eE-+") != std::string::npos) return false;
    out = x;
    return true;
}

bool parseAddress(const std::string& text, Address& out, std::string& why)
{
    std::string host, port;
    if (!text.empty() && text[0] == '[') {
        size_t close = text.find(']');
        if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
            why = "expected \"[ipv6]:port\", got \"" + text + "\"";
            return false;
        }
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        size_t colon = text.rfind(':');
        if (colon == std::string::npos || text.find(':') != colon) {
            why = "expected \"host:port\", got \"" + text + "\"";
            return false;
        }
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    if (host.empty()) {
        why = "expected \"host:port\" with a host, got \"" + text + "\"";
        return false;
    }
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) {
        why = "expected \"host:port\" with a numeric port, got \"" + text + "\"";
        return false;
    }
    unsigned long p = std::stoul(port);
    if (p == 0 || p > 65535) {
        why = "port must be 1-65535, got \"" + text + "\"";
        return false;
    }
    out.host = host;
    out.port = static_cast<uint16_t>(p);
    return true;
}

FieldReader::FieldReader(Poco::JSON::Object::Ptr obj, std::string path, std::vector<ConfigIssue>& issues)
    : obj_(std::move(obj)), path_(std::move(path)), issues_(issues)
{
}

std::string FieldReader::pathOf(const std::string& key) const
{
    if (key.empty()) return path_;
    return path_.empty() ? key : path_ + "." + key;
}

std::string FieldReader::actualKey(const std::string& key) const
{
    if (!obj_) return {};
    if (obj_->has(key)) return key;
    for (const auto& kv : *obj_)
        if (Poco::icompare(kv.first, key) == 0) return kv.first;
    return {};
}

bool FieldReader::has(const std::string& key)
{
    std::string k = actualKey(key);
    if (k.empty()) return false;
    read_.insert(k);
    return true;
}

Poco::Dynamic::Var FieldReader::get(const std::string& key)
{
    std::string k = actualKey(key);
    if (k.empty()) return {};
    read_.insert(k);
    return obj_->get(k);
}

void FieldReader::issue(const std::string& key, const std::string& message)
{
    issues_.push_back({pathOf(key), message});
}

void FieldReader::readString(const std::string& key, std::string& out)
{
    Poco::Dynamic::Var v = get(key);
    if (v.isEmpty()) return;
    if (!v.isString()) return issue(key, "expected a string, got " + describeJson(v));
    out = v.convert<std::string>();
}

void FieldReader::readBool(const std::string& key, bool& out)
{
    Poco::Dynamic::Var v = get(key);
    if (v.isEmpty()) return;
    if (v.type() != typeid(bool)) return issue(key, "expected true or false, got " + describeJson(v));
    out = v.extract<bool>();
}

bool FieldReader::integral(const std::string& key, const Poco::Dynamic::Var& v, int64_t& out)
{
    // Containers set numbers through the environment ("port": "${PGPORT:-5432}"):
    // after expansion a string holding a whole integer counts as that integer.
    if (v.isString()) {
        if (integerFromString(v.convert<std::string>(), out)) return true;
        issue(key, "expected an integer, got " + describeJson(v));
        return false;
    }
    if (!v.isNumeric() || v.type() == typeid(bool) || !v.isInteger()) {
        issue(key, "expected an integer, got " + describeJson(v));
        return false;
    }
    if (v.isSigned()) {
        out = v.convert<int64_t>();
        return true;
    }
    uint64_t u = v.convert<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        issue(key, "integer " + v.convert<std::string>() + " is too large");
        return false;
    }
    out = static_cast<int64_t>(u);
    return true;
}

void FieldReader::readInt(const std::string& key, int64_t& out, int64_t min, int64_t max)
{
    Poco::Dynamic::Var v = get(key);
    if (v.isEmpty()) return;
    int64_t x = 0;
    if (!integral(key, v, x)) return;
    if (x < min || x > max)
        return issue(key, "expected an integer from " + std::to_string(min) + " to " + std::to_string(max) + ", got " +
                              std::to_string(x));
    out = x;
}

void FieldReader::readNumber(const std::string& key, double& out, double min, double max)
{
    if (!has(key)) return;
    Poco::Dynamic::Var v = get(key);
    bool number = v.isNumeric() && !v.isBoolean();
    double d = number ? v.convert<double>() : 0;
    if (!number || d < min || d > max) {
        std::ostringstream range;
        range << "expected a number from " << min << " to " << max << ", got ";
        return issue(key, range.str() + describeJson(v));
    }
    out = d;
}

void FieldReader::readAddress(const std::string& key, Address& out)
{
    Poco::Dynamic::Var v = get(key);
    if (v.isEmpty()) return;
    if (!v.isString()) return issue(key, "expected \"host:port\", got " + describeJson(v));
    std::string why;
    if (!parseAddress(v.convert<std::string>(), out, why)) issue(key, why);
}

void FieldReader::readSecret(const std::string& key, const std::string& fileKey, std::string& out, Config& cfg)
{
    std::string file;
    readString(fileKey, file);
    if (file.empty()) {
        readString(key, out);
        return;
    }
    if (has(key)) return issue(fileKey, "give either " + key + " or " + fileKey + ", not both");
    file = cfg.resolvePath(file);
    try {
        out = readSecretFile("", file);
    } catch (const std::runtime_error& e) {
        return issue(fileKey, e.what());
    }
    if (auto w = secretPermissionWarning(pathOf(fileKey), file)) cfg.warnings.push_back(*w);
}

Poco::Dynamic::Var FieldReader::readOfType(const std::string& key, const std::type_info& type, const char* what)
{
    Poco::Dynamic::Var v = get(key);
    if (v.isEmpty() || v.type() == type) return v;
    issue(key, std::string("expected ") + what + ", got " + describeJson(v));
    return {};
}

Poco::JSON::Object::Ptr FieldReader::readObject(const std::string& key)
{
    Poco::Dynamic::Var v = readOfType(key, typeid(Poco::JSON::Object::Ptr), "an object");
    return v.isEmpty() ? nullptr : v.extract<Poco::JSON::Object::Ptr>();
}

Poco::JSON::Array::Ptr FieldReader::readArray(const std::string& key)
{
    Poco::Dynamic::Var v = readOfType(key, typeid(Poco::JSON::Array::Ptr), "an array");
    return v.isEmpty() ? nullptr : v.extract<Poco::JSON::Array::Ptr>();
}

std::vector<std::string> FieldReader::unreadKeys() const
{
    std::vector<std::string> out;
    if (!obj_) return out;
    for (const auto& kv : *obj_)
        if (!read_.count(kv.first)) out.push_back(kv.first);
    return out;
}

} // namespace jiffy::host
