#include "support/JiffydRunner.h"

#include <Poco/JSON/Parser.h>
#include <cppunit/TestAssert.h>

#include <csignal>
#include <cstdio>

namespace jiffy::test {

int runJiffydToEnd(const std::vector<std::string>& args, const std::string& logFile, std::string& output)
{
    std::remove(logFile.c_str());
    ChildProcess p(jiffydBinary(), args, logFile);
    int code = p.wait(30000);
    output = p.log();
    return code;
}

void JiffydRunner::writeConfig(const std::string& config)
{
    size_t brace = config.find('{');
    CPPUNIT_ASSERT_MESSAGE("config must be a JSON object", brace != std::string::npos);
    port_ = freePort();
    configFile_ = dir_.file("jiffyd" + std::to_string(++runs_) + ".config.json");
    // The cluster bus on a free port too, unless the test chose one: instances
    // of different tests run at once.
    std::string internal;
    bool chosen = false;
    try {
        auto root = Poco::JSON::Parser().parse(config).extract<Poco::JSON::Object::Ptr>();
        chosen = root && root->has("internal_address");
    } catch (const Poco::Exception&) {
        // not JSON: jiffyd's own message says so
    }
    if (!chosen) internal = "\n  \"internal_address\": \"127.0.0.1:" + std::to_string(freePort()) + "\",";
    writeFile(configFile_, config.substr(0, brace + 1) + "\n  \"external_address\": \"127.0.0.1:" +
                               std::to_string(port_) + "\"," + internal + config.substr(brace + 1));
}

void JiffydRunner::start(const std::string& config, const std::vector<std::string>& args)
{
    stop();
    writeConfig(config);
    std::vector<std::string> all{"--config", configFile_};
    all.insert(all.end(), args.begin(), args.end());
    proc_ = std::make_unique<ChildProcess>(jiffydBinary(), all, dir_.file("jiffyd" + std::to_string(runs_) + ".log"));
    if (!waitForHttp("127.0.0.1", port_, "/healthz", 200, 20000)) {
        std::string log = proc_->log();
        proc_.reset();
        CPPUNIT_FAIL("jiffyd did not start:\n" + log);
    }
}

int JiffydRunner::run(const std::string& config, const std::vector<std::string>& args, std::string& log)
{
    stop();
    writeConfig(config);
    std::vector<std::string> all{"--config", configFile_};
    all.insert(all.end(), args.begin(), args.end());
    ChildProcess p(jiffydBinary(), all, dir_.file("jiffyd" + std::to_string(runs_) + ".log"));
    int code = p.wait(30000);
    log = p.log();
    return code;
}

void JiffydRunner::stop()
{
    if (!proc_) return;
    proc_->signal(SIGTERM);
    proc_->wait(15000);
    proc_.reset();
}

HttpResult JiffydRunner::get(const std::string& path, const std::map<std::string, std::string>& headers)
{
    return http("GET", "127.0.0.1", port_, path, "", headers);
}

HttpResult JiffydRunner::post(const std::string& path, const std::string& body,
                              const std::map<std::string, std::string>& headers)
{
    return http("POST", "127.0.0.1", port_, path, body, headers);
}

HttpResult JiffydRunner::put(const std::string& path, const std::string& body,
                             const std::map<std::string, std::string>& headers)
{
    return http("PUT", "127.0.0.1", port_, path, body, headers);
}

HttpResult JiffydRunner::del(const std::string& path, const std::map<std::string, std::string>& headers)
{
    return http("DELETE", "127.0.0.1", port_, path, "", headers);
}

} // namespace jiffy::test
