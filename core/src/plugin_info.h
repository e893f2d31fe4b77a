/* SPDX-License-Identifier: MIT */
// What the core knows of one plugin file: its descriptor (id, version, options, metrics,
// requirements) as plain C++ values, and the SHA-256 of the file it came from. Filled by
// the worker that loaded the file (benchlab-worker --describe) or by the plugin cache;
// the core itself never loads a plugin (catalog.h).
#pragma once

#include <benchlab/plugin.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace benchlab {

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
  bool optional = false;  // BL_METRIC_OPTIONAL (ABI 1.1): a trial may end without it
};

struct RequirementInfo {
  int32_t kind = 0;
  std::string name;
  std::uint64_t amount = 0;
  std::string hint;
};

struct PluginInfo {
  std::filesystem::path path;  // as found in its plugin directory (absolute)
  std::string sha256;          // of the file's bytes, lowercase hex: which code a result ran
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

}  // namespace benchlab
