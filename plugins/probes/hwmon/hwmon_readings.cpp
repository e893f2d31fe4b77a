// SPDX-License-Identifier: MIT
#include "hwmon_readings.hpp"

#include <algorithm>
#include <array>
#include <benchlab_common/sysfs_file.hpp>
#include <benchlab_common/sysroot.hpp>
#include <map>
#include <optional>
#include <set>
#include <tuple>

namespace benchlab::hwmon {

namespace {

struct TypeInfo {
  SensorType type;
  std::string_view prefix;
  double scale;        // of its readings
  double limit_scale;  // of its limit files
};

constexpr std::array<TypeInfo, 5> kTypes = {{
    {SensorType::power, "power", 1e-6, 1e-6},  // µW
    {SensorType::energy, "energy", 1e-6, 0},   // µJ
    {SensorType::temp, "temp", 1e-3, 1e-3},    // m°C
    {SensorType::in, "in", 1e-3, 0},           // mV
    {SensorType::curr, "curr", 1e-3, 0},       // mA
}};

// "temp2_crit" -> (temp, 2, "crit"); nullopt for other names ("fan1_input", "intrusion0_alarm").
struct FileName {
  const TypeInfo* type;
  int index;
  std::string_view item;
};

std::optional<FileName> parse_file_name(std::string_view name) {
  for (const auto& t : kTypes) {
    if (!name.starts_with(t.prefix)) continue;
    std::string_view rest = name.substr(t.prefix.size());
    std::size_t digits = 0;
    while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
    if (digits == 0 || digits > 6 || digits >= rest.size() || rest[digits] != '_') continue;
    const auto index = common::parse_integer(rest.substr(0, digits));
    if (!index) continue;
    return FileName{&t, static_cast<int>(*index), rest.substr(digits + 1)};
  }
  return std::nullopt;
}

}  // namespace

std::vector<Reading> find_readings(const std::string& dir) {
  // (type, index) -> the items present
  std::map<std::pair<int, int>, std::set<std::string, std::less<>>> sensors;
  for (const auto& name : common::list_directory(dir))
    if (const auto f = parse_file_name(name))
      sensors[{static_cast<int>(f->type - kTypes.data()), f->index}].emplace(f->item);

  std::vector<Reading> readings;
  for (const auto& [key, items] : sensors) {
    const TypeInfo& t = kTypes[static_cast<std::size_t>(key.first)];
    const std::string base = std::string(t.prefix) + std::to_string(key.second);
    const std::string prefix = dir + "/" + base + "_";
    std::string label = common::read_text_file(prefix + "label").value_or("");
    if (label.empty() && t.type == SensorType::power)
      label = common::read_text_file(prefix + "oem_info").value_or("");
    double limit = 0;
    if (t.type == SensorType::temp) {
      auto raw = common::read_integer_file(prefix + "crit");
      if (!raw || *raw <= 0) raw = common::read_integer_file(prefix + "max");
      if (raw && *raw > 0) limit = static_cast<double>(*raw) * t.limit_scale;
    } else if (t.type == SensorType::power) {
      if (const auto cap = common::read_integer_file(prefix + "cap"); cap && *cap > 0)
        limit = static_cast<double>(*cap) * t.limit_scale;
    }
    const bool has_input = items.count("input") > 0;
    const bool has_average = t.type == SensorType::power && items.count("average") > 0;
    const auto add = [&](bool average) {
      Reading r;
      r.type = t.type;
      r.index = key.second;
      r.average = average;
      r.sensor = average && has_input ? base + "_average" : base;
      r.path = prefix + (average ? "average" : "input");
      r.label = label;
      r.scale = t.scale;
      r.limit = limit;
      readings.push_back(std::move(r));
    };
    if (has_input) add(false);
    if (has_average) add(true);
  }
  return readings;
}

bool has_readings(const std::string& dir) {
  for (const auto& name : common::list_directory(dir))
    if (const auto f = parse_file_name(name); f && (f->item == "input" || f->item == "average"))
      return true;
  return false;
}

}  // namespace benchlab::hwmon
