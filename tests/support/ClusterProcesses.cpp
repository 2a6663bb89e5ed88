#include "support/ClusterProcesses.h"

#include "support/JiffydRunner.h"
#include "support/SluggoTestServer.h"

#include "protocol/Article.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <stdexcept>
#include <thread>

namespace jiffy::test {

const MemberView* View::at(const std::string& address) const
{
    const MemberView* found = nullptr;
    for (const auto& m : members)
        if (m.address == address && (!found || m.pid > found->pid)) found = &m;
    return found;
}

const MemberView* View::byPid(uint64_t pid) const
{
    for (const auto& m : members)
        if (m.pid == pid) return &m;
    return nullptr;
}

size_t View::count(const std::string& status) const
{
    size_t n = 0;
    for (const auto& m : members) n += m.status == status;
    return n;
}

std::optional<View> parseView(const std::string& body)
{
    try {
        auto o = Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
        View v;
        v.self = o->getValue<uint64_t>("self");
        v.leader = o->getValue<uint64_t>("leader");
        v.term = o->getValue<uint64_t>("term");
        auto a = o->getArray("members");
        for (unsigned i = 0; i < a->size(); ++i) {
            auto m = a->getObject(i);
            v.members.push_back({m->getValue<uint64_t>("pid"), m->getValue<std::string>("address"),
                                 m->getValue<std::string>("status"), m->getValue<uint64_t>("incarnation")});
        }
        return v;
    } catch (const Poco::Exception&) {
        return std::nullopt;
    }
}

bool eventually(const std::function<bool()>& ok, int timeoutMs)
{
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (std::chrono::steady_clock::now() < end) {
        if (ok()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return ok();
}

namespace {

class RedisKvs : public ClusterKvs {
public:
    std::string name() const override { return "redis"; }
    void start() override { server_.start(); }
    void stop() override { server_.stop(); }
    std::string get(const std::string& key) override
    {
        std::string cmd = findProgram("redis-cli") + " -h 127.0.0.1 -p " + std::to_string(server_.port()) +
                          " --raw GET " + key + " 2>/dev/null";
        std::string out = commandOutput(cmd);
        while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
        return out;
    }
    std::string groupLeaderKvs() const override
    {
        return "{\"local_standalone\": {\"active\": false}, \"redis\": {\"active\": true, \"redis_address\": \"" +
               server_.address() + "\"}}";
    }

private:
    RedisServer server_;
};

class SluggoKvs : public ClusterKvs {
public:
    std::string name() const override { return "jiffy-sluggo"; }
    void start() override { server_.start(); }
    void stop() override { server_.stop(); }
    std::string get(const std::string& key) override
    {
        try {
            const std::string q = jiffy::sluggo::encodeArticle({key, "G", false, "", ""});
            WsReply r = goExchange(server_.port(), "/get", &q);
            if (!r.received) return "";
            return jiffy::sluggo::decodeArticle(r.data).value;
        } catch (const std::exception&) {
            return "";
        }
    }
    std::string groupLeaderKvs() const override
    {
        return "{\"local_standalone\": {\"active\": false}, \"sluggo\": {\"active\": true, \"sluggo_address\": \"" +
               server_.address() + "\"}}";
    }

private:
    SluggoTestServer server_;
};

} // namespace

std::unique_ptr<ClusterKvs> redisClusterKvs()
{
    return std::make_unique<RedisKvs>();
}

std::unique_ptr<ClusterKvs> sluggoClusterKvs()
{
    return std::make_unique<SluggoKvs>();
}

ClusterInstance::ClusterInstance(const TempDir& dir, std::string host, std::string configBody)
    : dir_(dir), host_(std::move(host)), httpPort_(freePort(host_)), busPort_(freePort(host_)),
      body_(std::move(configBody))
{
    config_ = dir_.file("jiffyd-" + host_ + ".config.json");
    writeFile(config_, "{\"external_address\": \"" + host_ + ":" + std::to_string(httpPort_) +
                           "\", \"internal_address\": \"" + busAddress() + "\", " + body_ + "}");
}

ClusterInstance::~ClusterInstance()
{
    if (proc_) proc_->signal(SIGCONT); // a paused process cannot take the SIGTERM of ChildProcess' destructor
}

void ClusterInstance::start()
{
    proc_.reset();
    proc_ = std::make_unique<ChildProcess>(jiffydBinary(), std::vector<std::string>{"--config", config_},
                                           dir_.file("jiffyd-" + host_ + "-" + std::to_string(++runs_) + ".log"));
    if (!waitForHttp(host_, httpPort_, "/healthz", 200, 20000)) {
        std::string log = proc_->log();
        proc_.reset();
        throw std::runtime_error("jiffyd on " + host_ + " did not start:\n" + log);
    }
}

void ClusterInstance::signal(int sig)
{
    if (proc_) proc_->signal(sig);
}

void ClusterInstance::kill()
{
    if (!proc_) return;
    proc_->signal(SIGKILL);
    proc_->wait(10000);
}

void ClusterInstance::stop()
{
    if (!proc_) return;
    proc_->signal(SIGCONT);
    proc_->signal(SIGTERM);
    proc_->wait(15000);
    proc_.reset();
}

bool ClusterInstance::running()
{
    return proc_ && proc_->running();
}

pid_t ClusterInstance::osPid() const
{
    return proc_ ? proc_->pid() : 0;
}

std::string ClusterInstance::log() const
{
    return proc_ ? proc_->log() : std::string();
}

HttpResult ClusterInstance::request(const std::string& method, const std::string& path, const std::string& body,
                                    const std::string& token)
{
    std::map<std::string, std::string> headers;
    if (!token.empty()) headers["Authorization"] = "Bearer " + token;
    return http(method, host_, httpPort_, path, body, headers);
}

std::optional<View> ClusterInstance::view(const std::string& token)
{
    HttpResult r = request("GET", "/cluster", "", token);
    if (r.status != 200) return std::nullopt;
    return parseView(r.body);
}

std::string ClusterInstance::login(const std::string& email, const std::string& password)
{
    HttpResult r = request("POST", "/usr/login", "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}");
    if (r.status != 200)
        throw std::runtime_error(host_ + ": login " + email + ": " + std::to_string(r.status) + " " + r.body);
    return Poco::JSON::Parser().parse(r.body).extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("token");
}

uint64_t ClusterInstance::metric(const std::string& name, const std::string& labels)
{
    std::string body = request("GET", "/metrics").body;
    std::string prefix = "\n" + name + (labels.empty() ? "" : "{" + labels + "}") + " ";
    size_t at = body.find(prefix);
    if (at == std::string::npos) return 0;
    return std::stoull(body.substr(at + prefix.size()));
}

uint64_t ClusterInstance::dropped(const std::string& reason)
{
    return metric("jiffy_cluster_frames_dropped_total", "reason=\"" + reason + "\"");
}

std::string clusterConfigBody(const TempDir& dir, const std::string& groupLeaderKvs, int failureThreshold)
{
    return "\"ping_cycle\": 1, \"failure_threshold\": " + std::to_string(failureThreshold) + ", \"hmac_Key\": \"" +
           std::string(kClusterKey) + "\", \"database\": {\"db_dialect\": \"sqlite\", \"name\": \"" +
           dir.file("shared.db") + "\"}, \"group_leader_kvs\": " + groupLeaderKvs +
           ", \"logging\": {\"colorMsgTypes\": false, \"requests\": false}, \"ecdsa384_priv_key_file\": \"" +
           dir.file("ec384.priv.pem") + "\", \"ecdsa384_pub_key_file\": \"" + dir.file("ec384.pub.pem") +
           "\", \"jwt_sign_method\": \"ES384\", \"auth\": {\"bcrypt_cost\": 10, \"cache_refresh_s\": 600}, "
           "\"routes\": [{\"plugin\": \"models\", \"model_files\": [\"" +
           sourceDir() + "/config/models/library.json\"]}, {\"plugin\": \"" + testPluginFile("routes", "leadership") +
           "\"}]";
}

ClusterGroup::ClusterGroup(const TempDir& dir, ClusterKvs& kvs, size_t size, int failureThreshold)
{
    const std::string body = clusterConfigBody(dir, kvs.groupLeaderKvs(), failureThreshold);
    for (size_t i = 0; i < size; ++i)
        nodes_.push_back(std::make_unique<ClusterInstance>(dir, "127.0.0." + std::to_string(2 + i), body));
    // The same signing keys for all (a token from one is good on every one).
    std::string out;
    int code = runJiffydToEnd({"--config", dir.file("jiffyd-127.0.0.2.config.json"), "--generate-keys"},
                              dir.file("keys.log"), out);
    if (code != 0) throw std::runtime_error("jiffyd --generate-keys exited " + std::to_string(code) + ": " + out);
}

ClusterGroup::~ClusterGroup()
{
    stopAll();
}

void ClusterGroup::startAll()
{
    for (auto& n : nodes_) n->start();
}

void ClusterGroup::stopAll()
{
    for (auto& n : nodes_) n->stop();
}

View ClusterGroup::waitForAgreement(const std::string& token, size_t n, int timeoutMs)
{
    View last;
    std::string seen;
    bool agreed = eventually(
        [&] {
            std::optional<View> first;
            seen.clear();
            for (auto& node : nodes_) {
                if (!node->running()) continue;
                std::optional<View> v = node->view(token);
                if (!v) return false;
                seen += node->host() + ": leader " + std::to_string(v->leader) + " term " + std::to_string(v->term) +
                        " alive " + std::to_string(v->count("ALIVE")) + " of " + std::to_string(v->members.size()) +
                        "; ";
                if (v->count("ALIVE") != n || v->members.size() != n || v->leader == 0) return false;
                if (first && (first->leader != v->leader || first->term != v->term)) return false;
                if (!first) first = v;
            }
            if (!first) return false;
            last = *first;
            return true;
        },
        timeoutMs);
    if (!agreed) throw std::runtime_error("the instances do not agree: " + seen + "\n" + nodes_[0]->log());
    return last;
}

size_t ClusterGroup::indexOfPid(const View& v, uint64_t pid)
{
    if (const MemberView* m = v.byPid(pid))
        for (size_t i = 0; i < nodes_.size(); ++i)
            if (nodes_[i]->busAddress() == m->address) return i;
    throw std::runtime_error("pid " + std::to_string(pid) + " is no instance of the group");
}

} // namespace jiffy::test
