// Loading one plugin file: dlopen, the entry symbol, ABI negotiation and a check of the
// descriptor, so that nothing later trusts a malformed plugin. The descriptor is copied
// into C++ values (PluginInfo) the rest of the core uses.
#pragma once

#include <benchlab/plugin.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace benchlab {

// "PATH: reason", e.g. "/x/foo.so: not a benchlab plugin (no symbol benchlab_plugin_entry)".
class PluginError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct OptionInfo {
  std::string name;
  int32_t type = BL_OPTION_STRING;
  std::uint32_t flags = 0;
  bool has_default = false;
  std::string default_value;
  std::vector<std::string> allowed;
  double min_value = 0, max_value = 0;
  std::string description;
};

struct MetricInfo {
  std::string name, unit;
  int32_t direction = BL_HIGHER_IS_BETTER;
  std::string description;
  std::uint32_t flags = 0;  // BL_METRIC_* (ABI 1.1; 0 from older plugins)
};

struct RequirementInfo {
  int32_t kind = 0;
  std::string name;
  std::uint64_t amount = 0;
  std::string hint;
};

struct PluginInfo {
  std::filesystem::path path;
  std::string id, version, description, vendor;
  int32_t kind = 0;
  std::uint32_t abi_major = 0, abi_minor = 0;
  std::uint32_t workload_flags = 0;
  std::vector<OptionInfo> options;
  std::vector<MetricInfo> metrics;
  std::vector<RequirementInfo> requirements;

  const OptionInfo* option(std::string_view name) const;
  const MetricInfo* metric(std::string_view name) const;
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

// Whether code may be loaded from a file or directory: it must not be writable by others
// (nor by a group other than root's or ours) and must be owned by root or by us, or anyone
// could swap the code benchlab runs. Empty when fine, else the reason.
std::string unsafe_path_reason(const std::filesystem::path& p);

// For a plugin directory: unsafe_path_reason() of the directory, and none of its
// ancestors may be writable by others unless sticky (/tmp), or anyone could rename the
// directory away and put another in its place.
std::string unsafe_dir_reason(const std::filesystem::path& dir);

}  // namespace benchlab
