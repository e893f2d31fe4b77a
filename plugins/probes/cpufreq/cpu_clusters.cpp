// SPDX-License-Identifier: MIT
#include "cpu_clusters.hpp"

#include <algorithm>
#include <benchlab_common/sysfs_file.hpp>
#include <benchlab_common/sysroot.hpp>
#include <benchlab_common/text.hpp>
#include <charconv>
#include <map>
#include <optional>
#include <string_view>
#include <utility>

#include "cpu_list.hpp"

namespace benchlab::cpufreq {

namespace {

struct CpuDesign {
  int implementer = -1, part = -1;  // Arm MIDR fields; -1 when not Arm or unknown
};

std::optional<long> parse_hex(std::string_view text) {
  text = common::trim(text);
  if (text.starts_with("0x") || text.starts_with("0X")) text.remove_prefix(2);
  long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// /proc/cpuinfo's "CPU implementer" and "CPU part" per processor (Arm only has them).
std::map<int, CpuDesign> read_cpuinfo_designs(const std::string& text,
                                              std::vector<int>* processors) {
  std::map<int, CpuDesign> designs;
  CpuDesign* current = nullptr;
  std::string_view rest = text;
  while (!rest.empty()) {
    const auto newline = rest.find('\n');
    const std::string_view line = rest.substr(0, newline);
    rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const auto key = common::trim(line.substr(0, colon));
    const auto value = common::trim(line.substr(colon + 1));
    if (key == "processor") {
      if (const auto id = common::parse_integer(value); id && *id >= 0 && *id < (1 << 20)) {
        current = &designs[static_cast<int>(*id)];
        processors->push_back(static_cast<int>(*id));
      }
    } else if (current && key == "CPU implementer") {
      current->implementer = static_cast<int>(parse_hex(value).value_or(-1));
    } else if (current && key == "CPU part") {
      current->part = static_cast<int>(parse_hex(value).value_or(-1));
    }
  }
  return designs;
}

std::string cpu_dir(const std::string& root, int cpu) {
  return root + "/sys/devices/system/cpu/cpu" + std::to_string(cpu);
}

struct Draft {
  Cluster cluster;
  std::int64_t capacity = -1;
};

}  // namespace

std::vector<int> online_cpus(const std::string& root) {
  const std::string cpu_root = root + "/sys/devices/system/cpu";
  std::vector<int> cpus;
  if (const auto online = common::read_text_file(cpu_root + "/online"))
    cpus = parse_cpu_list(*online);
  if (cpus.empty()) {
    read_cpuinfo_designs(common::read_text_file(root + "/proc/cpuinfo").value_or(""), &cpus);
    std::sort(cpus.begin(), cpus.end());
  }
  if (cpus.empty()) {
    for (const auto& name : common::list_directory(cpu_root)) {
      if (name.size() <= 3 || !name.starts_with("cpu")) continue;
      if (const auto id = common::parse_integer(std::string_view(name).substr(3));
          id && *id >= 0 && *id < (1 << 20))
        cpus.push_back(static_cast<int>(*id));
    }
  }
  return cpus;
}

std::vector<Cluster> find_clusters(const std::string& root, const std::vector<int>& cpus) {
  if (cpus.empty()) return {};
  std::vector<int> processors;
  auto designs = read_cpuinfo_designs(common::read_text_file(root + "/proc/cpuinfo").value_or(""),
                                      &processors);
  bool arm = false;
  for (const int cpu : cpus) {
    CpuDesign& d = designs[cpu];
    if (d.implementer < 0 || d.part < 0) {
      // MIDR_EL1: implementer [31:24], part [15:4].
      const auto midr =
          parse_hex(common::read_text_file(cpu_dir(root, cpu) + "/regs/identification/midr_el1")
                        .value_or(""));
      if (midr) {
        d.implementer = static_cast<int>((*midr >> 24) & 0xff);
        d.part = static_cast<int>((*midr >> 4) & 0xfff);
      }
    }
    arm = arm || d.implementer >= 0;
  }
  const auto max_khz = [&](int cpu) {
    return common::read_integer_file(cpu_dir(root, cpu) + "/cpufreq/cpuinfo_max_freq").value_or(0);
  };
  const auto capacity = [&](int cpu) {
    return common::read_integer_file(cpu_dir(root, cpu) + "/cpu_capacity").value_or(-1);
  };
  const auto online_of = [&](const std::vector<int>& listed) {
    std::vector<int> members;
    for (const int cpu : cpus)
      if (std::binary_search(listed.begin(), listed.end(), cpu)) members.push_back(cpu);
    return members;
  };

  std::vector<Draft> drafts;
  if (!arm) {
    const auto p = online_of(
        parse_cpu_list(common::read_text_file(root + "/sys/devices/cpu_core/cpus").value_or("")));
    const auto e = online_of(
        parse_cpu_list(common::read_text_file(root + "/sys/devices/cpu_atom/cpus").value_or("")));
    if (!p.empty() && !e.empty()) {
      drafts.push_back({{"P-core", p, 0}});
      drafts.push_back({{"E-core", e, 0}});
    } else {
      drafts.push_back({{"", cpus, 0}});
    }
  } else {
    std::vector<std::pair<int, int>> order;  // designs in order of their first CPU
    for (const int cpu : cpus) {
      const std::pair design{designs[cpu].implementer, designs[cpu].part};
      if (std::find(order.begin(), order.end(), design) == order.end()) order.push_back(design);
    }
    for (const auto& design : order) {
      Draft d;
      for (const int cpu : cpus)
        if (std::pair{designs[cpu].implementer, designs[cpu].part} == design)
          d.cluster.cpus.push_back(cpu);
      drafts.push_back(std::move(d));
    }
  }
  for (auto& d : drafts) {
    for (const int cpu : d.cluster.cpus) {
      d.cluster.max_khz = std::max(d.cluster.max_khz, max_khz(cpu));
      d.capacity = std::max(d.capacity, capacity(cpu));
    }
  }
  if (arm && drafts.size() > 1) {
    const auto speed = [](const Draft& d) { return std::pair{d.cluster.max_khz, d.capacity}; };
    std::stable_sort(drafts.begin(), drafts.end(),
                     [&](const Draft& a, const Draft& b) { return speed(a) > speed(b); });
    bool ordered = true;
    for (std::size_t i = 1; i < drafts.size(); ++i)
      ordered = ordered && speed(drafts[i - 1]) > speed(drafts[i]);
    if (ordered)
      for (std::size_t i = 0; i < drafts.size(); ++i)
        drafts[i].cluster.kind = i == 0 ? "big" : i + 1 == drafts.size() ? "little" : "medium";
  }
  std::vector<Cluster> clusters;
  for (auto& d : drafts) clusters.push_back(std::move(d.cluster));
  return clusters;
}

}  // namespace benchlab::cpufreq
