// SPDX-License-Identifier: MIT
// The chips of /sys/class/hwmon: one hwmon<N> directory each, its `name`, where its
// attribute files are, and a chip id unique within the probe.
#pragma once

#include <string>
#include <vector>

namespace benchlab::hwmon {

struct Chip {
  std::string entry;       // "hwmon3"
  std::string name;        // the driver's `name`: "amdgpu", "coretemp", "nct6775"
  std::string id;          // channel id prefix: the name, with "-K" (K = 0, 1, ... in hwmon
                           // order) on every chip whose name more than one chip has
  std::string sensor_dir;  // where the attribute files are: hwmon<N>, or hwmon<N>/device
                           // for drivers that keep them on the device (libsensors does the same)
  std::string device_dir;  // hwmon<N>/device; "" when the chip has no device link
};

// [main] Every hwmon<N> under `class_dir` in natural order (hwmon2 before hwmon10).
std::vector<Chip> find_chips(const std::string& class_dir);

}  // namespace benchlab::hwmon
