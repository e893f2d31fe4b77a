// SPDX-License-Identifier: MIT
#include "hwmon_chips.hpp"

#include <benchlab_common/probe_channels.hpp>
#include <benchlab_common/sysfs_file.hpp>
#include <benchlab_common/sysroot.hpp>
#include <map>

#include "hwmon_readings.hpp"

namespace benchlab::hwmon {

std::vector<Chip> find_chips(const std::string& class_dir) {
  std::vector<Chip> chips;
  for (const auto& entry : common::list_directory(class_dir)) {
    if (!entry.starts_with("hwmon")) continue;
    Chip chip;
    chip.entry = entry;
    const std::string dir = class_dir + "/" + entry;
    if (common::is_directory(dir + "/device")) chip.device_dir = dir + "/device";
    chip.name = common::read_text_file(dir + "/name").value_or("");
    if (chip.name.empty() && !chip.device_dir.empty())
      chip.name = common::read_text_file(chip.device_dir + "/name").value_or("");
    if (chip.name.empty()) chip.name = entry;
    chip.sensor_dir = dir;
    if (!has_readings(dir) && !chip.device_dir.empty() && has_readings(chip.device_dir))
      chip.sensor_dir = chip.device_dir;
    chips.push_back(std::move(chip));
  }
  std::map<std::string, int> count, next;
  for (const auto& chip : chips) ++count[common::channel_id_part(chip.name)];
  for (auto& chip : chips) {
    const std::string part = common::channel_id_part(chip.name);
    chip.id = count[part] > 1 ? part + "-" + std::to_string(next[part]++) : part;
  }
  return chips;
}

}  // namespace benchlab::hwmon
