// SPDX-License-Identifier: MIT
// The RAPL zones of Linux powercap: /sys/class/powercap/intel-rapl:P[:S] (Intel and AMD
// alike), amd-rapl:* where a kernel names them so, and intel-rapl-mmio:* (the same package
// counter read through MMIO on some Intel client parts).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace benchlab::rapl {

struct PowercapZone {
  std::string entry;         // directory name, e.g. "intel-rapl:0:1"
  std::string dir;           // its full path
  std::string name;          // the zone's `name`: "package-0", "core", "uncore", "dram", "psys"
  std::string parent_entry;  // the zone it sits in, e.g. "intel-rapl:0"; "" at the top
  std::int64_t max_energy_range_uj = 0;  // where energy_uj wraps; 0 when unknown
  std::int64_t power_limit_uw = 0;       // constraint_0_power_limit_uw (long term); 0 none
};

// [main] Every zone under `powercap_dir` with a `name` and an `energy_uj` entry: intel-rapl
// zones first, then amd-rapl, then the intel-rapl-mmio mirrors, each in natural order
// (intel-rapl:0, intel-rapl:0:0, intel-rapl:0:1, intel-rapl:1). Empty when there is none.
std::vector<PowercapZone> find_rapl_zones(const std::string& powercap_dir);

}  // namespace benchlab::rapl
