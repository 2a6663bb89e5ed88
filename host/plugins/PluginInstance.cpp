#include "plugins/PluginInstance.h"

#include "cache/CacheBus.h"
#include "plugins/HostApi.h"
#include "plugins/PluginErrors.h"

namespace jiffy::host {

PluginInstance::PluginInstance(std::shared_ptr<PluginLibrary> lib, std::unique_ptr<jiffy_host> ctx,
                               const std::string& configJson)
    : lib_(std::move(lib)), ctx_(std::move(ctx))
{
    if (!lib_->threadSafe()) serial_ = std::make_unique<std::mutex>();
    CallError err;
    jiffy_status s =
        lib_->descriptor().create(hostApi(), ctx_.get(), configJson.data(), configJson.size(), &state_, err.get());
    if (s != JIFFY_OK) {
        if (ctx_->services && ctx_->services->cache) ctx_->services->cache->unsubscribeAll(ctx_.get());
        throw PluginLoadError(std::string(kindName(lib_->kind())) + " plugin " + lib_->name() + " (" + lib_->file() +
                                  ") failed to start: " + err.message(s),
                              s);
    }
}

PluginInstance::~PluginInstance()
{
    if (ctx_->services && ctx_->services->cache) ctx_->services->cache->unsubscribeAll(ctx_.get());
    lib_->descriptor().destroy(state_);
}

} // namespace jiffy::host
