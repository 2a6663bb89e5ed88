// ConfigLoader::loadText (host/config/) on any text: a valid Config or a
// ConfigError listing the problems; nothing else may escape. The environment
// is a fixed map, so ${VAR} expansion is exercised without the process's.
#include "FuzzSupport.h"

#include "config/ConfigLoader.h"

#include <map>

namespace {

const jiffy::host::ConfigLoader& loader()
{
    static const std::map<std::string, std::string> env{
        {"JIFFY_DATA_DIR", "/tmp/jiffy-fuzz"}, {"PORT", "8080"}, {"EMPTY", ""}, {"JIFFY_PEPPER", "pepper"}};
    static const jiffy::host::ConfigLoader l([](const std::string& name) -> std::optional<std::string> {
        auto it = env.find(name);
        if (it == env.end()) return std::nullopt;
        return it->second;
    });
    return l;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string text(jiffy::fuzz::text(data, size));
    try {
        jiffy::host::Config cfg = loader().loadText(text, "fuzz.config.json", "/tmp/jiffy-fuzz");
        (void)cfg.resolvePath("relative/file");
    } catch (const jiffy::host::ConfigError& e) {
        if (e.issues().empty()) jiffy::fuzz::violated("a ConfigError naming no problem");
    }
    return 0;
}
