// Loading one plugin file: dlopen, the entry symbol, ABI negotiation and a check of the
// descriptor, so that nothing later trusts a malformed plugin. The descriptor is copied
// into C++ values (PluginInfo). Only benchlab-worker loads plugins: a trial's process,
// and `--describe`, which hands the PluginInfo to discovery in the core (plugin_check.cpp).
#pragma once

#include <benchlab/plugin.h>

#include <filesystem>
#include <memory>
#include <stdexcept>

#include "plugin_info.h"

namespace benchlab {

// "PATH: reason", e.g. "/x/foo.so: not a benchlab plugin (no symbol benchlab_plugin_entry)".
class PluginError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A loaded plugin: keeps the .so mapped while the descriptor is in use.
class LoadedPlugin {
 public:
  LoadedPlugin(const LoadedPlugin&) = delete;
  LoadedPlugin& operator=(const LoadedPlugin&) = delete;
  ~LoadedPlugin();

  const bl_plugin& descriptor() const { return *desc_; }
  const PluginInfo& info() const { return info_; }

  // Throws PluginError naming the file and the reason.
  static std::unique_ptr<LoadedPlugin> load(const std::filesystem::path& file);

 private:
  LoadedPlugin() = default;
  void* handle_ = nullptr;
  const bl_plugin* desc_ = nullptr;
  PluginInfo info_;
};

}  // namespace benchlab
