// SPDX-License-Identifier: MIT
#include "plugin_info.h"

namespace benchlab {

const OptionInfo* PluginInfo::option(std::string_view name) const {
  for (const auto& o : options)
    if (o.name == name) return &o;
  return nullptr;
}

const MetricInfo* PluginInfo::metric(std::string_view name) const {
  for (const auto& m : metrics)
    if (m.name == name) return &m;
  return nullptr;
}

}  // namespace benchlab
