// SPDX-License-Identifier: MIT
#include "rapl_channels.hpp"

#include <algorithm>
#include <map>
#include <string_view>

namespace benchlab::rapl {

namespace {

int32_t domain_of(std::string_view name) {
  if (name.starts_with("package")) return BL_DOMAIN_PACKAGE;  // also package-0-die-1
  if (name == "core") return BL_DOMAIN_CORE;
  if (name == "uncore") return BL_DOMAIN_UNCORE;
  if (name == "dram") return BL_DOMAIN_DRAM;
  if (name == "psys") return BL_DOMAIN_PSYS;
  return BL_DOMAIN_OTHER;
}

std::string what_it_measures(int32_t domain, const std::string& name) {
  switch (domain) {
    case BL_DOMAIN_PACKAGE:
      return "CPU package";
    case BL_DOMAIN_CORE:
      return "CPU cores";
    case BL_DOMAIN_UNCORE:
      return "uncore (integrated GPU)";
    case BL_DOMAIN_DRAM:
      return "DRAM";
    case BL_DOMAIN_PSYS:
      return "platform (psys)";
    default:
      return name;
  }
}

}  // namespace

RaplPlan plan_rapl_channels(const std::vector<PowercapZone>& zones) {
  RaplPlan plan;
  const bool has_psys = std::any_of(zones.begin(), zones.end(), [](const PowercapZone& z) {
    return z.parent_entry.empty() && z.name == "psys";
  });
  std::map<std::string, std::string> id_of_entry;  // zone entry -> its channel id
  std::map<std::string, std::string> entry_of_id;  // channel id -> the zone that has it
  for (const auto& zone : zones) {
    const std::string part = common::channel_id_part(zone.name);
    std::string id = part;
    std::string parent_id;
    if (!zone.parent_entry.empty()) {
      // A sub-zone of a mirror gets its mirror parent's id and so is a mirror too.
      const auto parent = id_of_entry.find(zone.parent_entry);
      if (parent == id_of_entry.end()) {
        plan.skipped.push_back(zone.entry + " (" + zone.name + "): its parent zone " +
                               zone.parent_entry + " has no name or energy counter");
        continue;
      }
      parent_id = parent->second;
      id = parent_id + "." + part;
    }
    id_of_entry[zone.entry] = id;
    if (const auto seen = entry_of_id.find(id); seen != entry_of_id.end()) {
      plan.skipped.push_back(zone.entry + " (" + zone.name + "): the same counter as " +
                             seen->second);
      continue;
    }
    entry_of_id[id] = zone.entry;

    common::ChannelSpec spec;
    spec.id = id;
    spec.quantity = BL_QUANTITY_ENERGY;
    spec.kind = BL_CHANNEL_COUNTER;
    spec.domain = domain_of(zone.name);
    spec.label = "RAPL " + id + ": " + what_it_measures(spec.domain, zone.name);
    spec.counter_range = static_cast<double>(zone.max_energy_range_uj) / 1e6;
    spec.limit = zone.power_limit_uw > 0 ? static_cast<double>(zone.power_limit_uw) / 1e6 : 0;
    switch (spec.domain) {
      case BL_DOMAIN_PSYS:
        break;
      case BL_DOMAIN_DRAM:  // beside the package, not in it
        if (has_psys) spec.parent = "psys";
        break;
      case BL_DOMAIN_PACKAGE:
        if (!parent_id.empty())
          spec.parent = parent_id;  // a die inside its package
        else if (has_psys)
          spec.parent = "psys";
        break;
      default:  // core, uncore, and sub-zones we do not know: inside their package
        spec.parent = parent_id;
        break;
    }
    plan.channels.push_back({std::move(spec), zone.dir + "/energy_uj", zone.dir});
  }
  return plan;
}

}  // namespace benchlab::rapl
