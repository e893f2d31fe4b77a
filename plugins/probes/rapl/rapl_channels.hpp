// SPDX-License-Identifier: MIT
// RAPL zones as channels: ids, domains and the containment the host needs so that nothing
// is counted twice. sysfs nests zones as the registers are laid out, which is not always
// what contains what: core and uncore are inside their package, but DRAM is not (the
// package counter leaves memory out), and psys, where present, covers the whole platform.
#pragma once

#include <benchlab_common/probe_channels.hpp>
#include <string>
#include <vector>

#include "powercap_zones.hpp"

namespace benchlab::rapl {

struct RaplChannel {
  common::ChannelSpec spec;  // ENERGY, COUNTER, in J
  std::string energy_path;   // the zone's energy_uj
  std::string zone_dir;      // the zone's directory
};

struct RaplPlan {
  std::vector<RaplChannel> channels;
  std::vector<std::string> skipped;  // "intel-rapl-mmio:0 (package-0): ..." for the log
};

// [main] Channel ids: a top-level zone by its name ("package-0", "psys"), a sub-zone as
// "<package id>.<name>" ("package-0.core", "package-0.dram"). A zone whose id is already
// taken is a mirror (intel-rapl-mmio) and is skipped. Parents: core, uncore and other
// sub-zones -> their package; dram and every package -> "psys" when a psys zone exists,
// else none; psys none. counter_range = max_energy_range_uj in J; limit = the zone's
// long-term power cap in W (0 when none).
RaplPlan plan_rapl_channels(const std::vector<PowercapZone>& zones);

}  // namespace benchlab::rapl
