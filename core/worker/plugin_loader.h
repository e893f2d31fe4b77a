/* SPDX-License-Identifier: MIT */
// Loading one plugin file: dlopen, the entry symbol, ABI negotiation and a check of the
// descriptor, so that nothing later trusts a malformed plugin. The descriptor is copied
// into C++ values (PluginInfo). Only benchlab-worker loads plugins: a trial's process,
// and `--describe`, which hands the PluginInfo to discovery in the core (plugin_check.cpp).
#pragma once

#include <benchlab/plugin.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <stdexcept>

#include "plugin_info.h"

namespace benchlab {

// Copies a size-prefixed struct of a plugin into a zero-filled local: min(size, sizeof(T))
// bytes, and fields beyond the plugin's struct_size read as zero, the "old behaviour" of
// every field (plugin.h).
template <class T>
T read_sized(const void* p, std::uint32_t size) {
  T out;
  std::memset(&out, 0, sizeof out);
  std::memcpy(&out, p, std::min<std::size_t>(size, sizeof out));
  return out;
}

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
