// One live plugin instance: the library it came from, the state create()
// returned, and its host context. Destroying it calls the plugin's destroy();
// the library stays loaded while any instance holds it.
#pragma once

#include "plugins/HostContext.h"
#include "plugins/PluginLibrary.h"

#include <memory>
#include <mutex>
#include <string>

namespace jiffy::host {

class PluginInstance {
public:
    /// Calls the plugin's create() with `configJson`; throws PluginLoadError
    /// naming the plugin and the reason when it fails.
    PluginInstance(std::shared_ptr<PluginLibrary> lib, std::unique_ptr<jiffy_host> ctx, const std::string& configJson);
    virtual ~PluginInstance();
    PluginInstance(const PluginInstance&) = delete;
    PluginInstance& operator=(const PluginInstance&) = delete;

    const PluginLibrary& library() const { return *lib_; }
    const std::string& label() const { return ctx_->label; }
    jiffy_host* context() const { return ctx_.get(); }

protected:
    /// Holds the instance's lock while a call runs, unless it is thread-safe.
    std::unique_lock<std::mutex> serialize() const
    {
        return serial_ ? std::unique_lock<std::mutex>(*serial_) : std::unique_lock<std::mutex>();
    }
    void* state() const { return state_; }

    std::shared_ptr<PluginLibrary> lib_;

private:
    std::unique_ptr<jiffy_host> ctx_;
    std::unique_ptr<std::mutex> serial_;
    void* state_ = nullptr;
};

} // namespace jiffy::host
