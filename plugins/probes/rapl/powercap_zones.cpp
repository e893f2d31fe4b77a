// SPDX-License-Identifier: MIT
#include "powercap_zones.hpp"

#include <algorithm>
#include <array>
#include <benchlab_common/sysfs_file.hpp>
#include <benchlab_common/sysroot.hpp>
#include <filesystem>
#include <string_view>
#include <system_error>

namespace benchlab::rapl {

namespace {

// Control types in the order their zones are taken: a later zone of a name already seen
// is a mirror (rapl_channels.cpp drops it), so the MSR-backed intel-rapl zones win.
constexpr std::array<std::string_view, 3> kFamilies = {"intel-rapl", "amd-rapl", "intel-rapl-mmio"};

// The family rank of `entry` ("intel-rapl:0:1" -> 0), or -1 when it is no zone: a zone is
// "<family>:<n>[:<n>...]"; "intel-rapl" alone is the control type's own directory.
int family_of(std::string_view entry) {
  const auto colon = entry.find(':');
  if (colon == std::string_view::npos || colon + 1 == entry.size()) return -1;
  for (std::size_t i = colon + 1; i < entry.size(); ++i) {
    const char c = entry[i];
    if (!((c >= '0' && c <= '9') || (c == ':' && entry[i - 1] != ':'))) return -1;
  }
  if (entry.back() == ':') return -1;
  const auto family = entry.substr(0, colon);
  for (std::size_t i = 0; i < kFamilies.size(); ++i)
    if (family == kFamilies[i]) return static_cast<int>(i);
  return -1;
}

bool exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

}  // namespace

std::vector<PowercapZone> find_rapl_zones(const std::string& powercap_dir) {
  std::vector<std::pair<int, std::string>> entries;
  for (auto& entry : common::list_directory(powercap_dir))
    if (const int family = family_of(entry); family >= 0) entries.emplace_back(family, entry);
  // list_directory's natural order within each family.
  std::stable_sort(entries.begin(), entries.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });

  std::vector<PowercapZone> zones;
  for (const auto& [family, entry] : entries) {
    PowercapZone zone;
    zone.entry = entry;
    zone.dir = powercap_dir + "/" + entry;
    const auto name = common::read_text_file(zone.dir + "/name");
    if (!name || name->empty() || !exists(zone.dir + "/energy_uj")) continue;
    zone.name = *name;
    if (const auto last = entry.rfind(':'); entry.find(':') != last)
      zone.parent_entry = entry.substr(0, last);
    zone.max_energy_range_uj =
        common::read_integer_file(zone.dir + "/max_energy_range_uj").value_or(0);
    zone.power_limit_uw =
        common::read_integer_file(zone.dir + "/constraint_0_power_limit_uw").value_or(0);
    zones.push_back(std::move(zone));
  }
  return zones;
}

}  // namespace benchlab::rapl
