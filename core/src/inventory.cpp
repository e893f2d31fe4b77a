// SPDX-License-Identifier: MIT
// System inventory from /proc and /sys under a root directory. Sources and formats of every
// field: docs/inventory.md.
#include "inventory.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <benchlab_common/text.hpp>
#include <boost/json.hpp>
#include <cctype>
#include <charconv>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <system_error>
#include <tuple>
#include <utility>

#include "subprocess.h"

namespace benchlab {
namespace {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------
// Small text helpers

// A copy of `s` without surrounding whitespace (the plugins' shared trim).
std::string trim(std::string_view s) { return std::string(common::trim(s)); }

// Trims and folds runs of blanks: some CPU model names are padded inside ("CPU  @").
std::string squeeze(std::string_view s) {
  std::string out;
  bool blank = false;
  for (char c : trim(s)) {
    if (std::isspace(static_cast<unsigned char>(c)) != 0) {
      blank = true;
      continue;
    }
    if (blank && !out.empty()) out += ' ';
    blank = false;
    out += c;
  }
  return out;
}

std::optional<long long> to_integer(std::string_view s, int base = 10) {
  std::string t = trim(s);
  std::string_view v = t;
  if (base == 16 && v.size() > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
    v.remove_prefix(2);
  }
  long long value = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), value, base);
  if (ec != std::errc() || end != v.data() + v.size() || v.empty()) return std::nullopt;
  return value;
}

// The whole file, or nullopt when it is missing or unreadable (sysfs attributes that need
// privileges fail on read, not on open, so both count as "not there").
std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return std::move(text).str();
}

std::string read_value(const fs::path& path) { return trim(read_file(path).value_or("")); }

std::optional<long long> read_integer(const fs::path& path) {
  const auto text = read_file(path);
  if (!text) return std::nullopt;
  return to_integer(*text);
}

// Kernel cpulist format ("0-11,16"). Malformed pieces are skipped: a partial list is more
// useful in an inventory than none.
std::vector<int> parse_cpulist(std::string_view text) {
  std::set<int> cpus;
  std::string list = trim(text);
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t comma = std::min(list.find(',', start), list.size());
    const std::string piece = trim(std::string_view(list).substr(start, comma - start));
    start = comma + 1;
    if (piece.empty()) continue;
    const std::size_t dash = piece.find('-');
    const auto first = to_integer(piece.substr(0, dash));
    const auto last = dash == std::string::npos ? first : to_integer(piece.substr(dash + 1));
    if (!first || !last || *first < 0 || *last < *first || *last > 1'000'000) continue;
    for (long long cpu = *first; cpu <= *last; ++cpu) cpus.insert(static_cast<int>(cpu));
  }
  return {cpus.begin(), cpus.end()};
}

// ---------------------------------------------------------------------------------------
// Arm MIDR_EL1 identification. Sources: Linux arch/arm64/include/asm/cputype.h and
// util-linux sys-utils/lscpu-arm.c.

struct ArmPart {
  int implementer;
  int part;
  const char* name;
};

constexpr std::array kArmParts = {
    ArmPart{0x41, 0xd01, "Cortex-A32"},   ArmPart{0x41, 0xd03, "Cortex-A53"},
    ArmPart{0x41, 0xd04, "Cortex-A35"},   ArmPart{0x41, 0xd05, "Cortex-A55"},
    ArmPart{0x41, 0xd06, "Cortex-A65"},   ArmPart{0x41, 0xd07, "Cortex-A57"},
    ArmPart{0x41, 0xd08, "Cortex-A72"},   ArmPart{0x41, 0xd09, "Cortex-A73"},
    ArmPart{0x41, 0xd0a, "Cortex-A75"},   ArmPart{0x41, 0xd0b, "Cortex-A76"},
    ArmPart{0x41, 0xd0c, "Neoverse-N1"},  ArmPart{0x41, 0xd0d, "Cortex-A77"},
    ArmPart{0x41, 0xd0e, "Cortex-A76AE"}, ArmPart{0x41, 0xd40, "Neoverse-V1"},
    ArmPart{0x41, 0xd41, "Cortex-A78"},   ArmPart{0x41, 0xd42, "Cortex-A78AE"},
    ArmPart{0x41, 0xd43, "Cortex-A65AE"}, ArmPart{0x41, 0xd44, "Cortex-X1"},
    ArmPart{0x41, 0xd46, "Cortex-A510"},  ArmPart{0x41, 0xd47, "Cortex-A710"},
    ArmPart{0x41, 0xd48, "Cortex-X2"},    ArmPart{0x41, 0xd49, "Neoverse-N2"},
    ArmPart{0x41, 0xd4a, "Neoverse-E1"},  ArmPart{0x41, 0xd4b, "Cortex-A78C"},
    ArmPart{0x41, 0xd4c, "Cortex-X1C"},   ArmPart{0x41, 0xd4d, "Cortex-A715"},
    ArmPart{0x41, 0xd4e, "Cortex-X3"},    ArmPart{0x41, 0xd4f, "Neoverse-V2"},
    ArmPart{0x41, 0xd80, "Cortex-A520"},  ArmPart{0x41, 0xd81, "Cortex-A720"},
    ArmPart{0x41, 0xd82, "Cortex-X4"},    ArmPart{0x41, 0xd83, "Neoverse-V3AE"},
    ArmPart{0x41, 0xd84, "Neoverse-V3"},  ArmPart{0x41, 0xd85, "Cortex-X925"},
    ArmPart{0x41, 0xd87, "Cortex-A725"},  ArmPart{0x41, 0xd89, "Cortex-A720AE"},
    ArmPart{0x41, 0xd8b, "C1-Pro"},       ArmPart{0x41, 0xd8c, "C1-Ultra"},
    ArmPart{0x41, 0xd8e, "Neoverse-N3"},  ArmPart{0x41, 0xd90, "C1-Premium"},
    ArmPart{0x46, 0x001, "A64FX"},        ArmPart{0x48, 0xd01, "Kunpeng-920"},
    ArmPart{0x4e, 0x000, "Denver"},       ArmPart{0x4e, 0x003, "Denver 2"},
    ArmPart{0x4e, 0x004, "Carmel"},       ArmPart{0x4e, 0x010, "Olympus"},
    ArmPart{0x51, 0x001, "Oryon"},        ArmPart{0xc0, 0xac3, "Ampere-1"},
    ArmPart{0xc0, 0xac4, "Ampere-1a"},
};

struct ArmImplementer {
  int id;
  const char* name;
};

constexpr std::array kArmImplementers = {
    ArmImplementer{0x41, "ARM"},       ArmImplementer{0x42, "Broadcom"},
    ArmImplementer{0x43, "Cavium"},    ArmImplementer{0x46, "Fujitsu"},
    ArmImplementer{0x48, "HiSilicon"}, ArmImplementer{0x4e, "NVIDIA"},
    ArmImplementer{0x50, "APM"},       ArmImplementer{0x51, "Qualcomm"},
    ArmImplementer{0x53, "Samsung"},   ArmImplementer{0x56, "Marvell"},
    ArmImplementer{0x61, "Apple"},     ArmImplementer{0x70, "Phytium"},
    ArmImplementer{0xc0, "Ampere"},
};

std::string hex(int value, int digits) {
  std::string digits_text;
  for (int i = digits - 1; i >= 0; --i) digits_text += "0123456789abcdef"[(value >> (4 * i)) & 0xf];
  return "0x" + digits_text;
}

std::string implementer_name(int implementer) {
  for (const auto& i : kArmImplementers) {
    if (i.id == implementer) return i.name;
  }
  return hex(implementer, 2);
}

// Known parts by name; others as "<implementer> part 0x023" so two unknown kinds of core
// still come out as two clusters.
std::string arm_part_name(int implementer, int part) {
  for (const auto& p : kArmParts) {
    if (p.implementer == implementer && p.part == part) return p.name;
  }
  return implementer_name(implementer) + " part " + hex(part, 3);
}

// ---------------------------------------------------------------------------------------
// CPUs

// One logical CPU, merged from /proc/cpuinfo and /sys/devices/system/cpu/cpuN.
struct LogicalCpu {
  int id = 0;
  long long package = -1, die = -1, cluster = -1, core = -1;
  int implementer = -1, part = -1;  // Arm MIDR fields, -1 when not Arm or unknown
  std::string vendor_id, model_name, flags;
  double max_mhz = 0;
  long long capacity = -1;  // sysfs cpu_capacity (relative performance), -1 when absent
};

using CpuinfoBlocks = std::map<int, std::map<std::string, std::string>>;

// /proc/cpuinfo as "processor N" blocks of "key : value" lines.
CpuinfoBlocks parse_cpuinfo(const std::string& text) {
  CpuinfoBlocks blocks;
  std::map<std::string, std::string>* current = nullptr;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) {
      if (trim(line).empty()) current = nullptr;
      continue;
    }
    const std::string key = trim(std::string_view(line).substr(0, colon));
    const std::string value = trim(std::string_view(line).substr(colon + 1));
    if (key == "processor") {
      if (const auto id = to_integer(value); id && *id >= 0 && *id <= INT_MAX) {
        current = &blocks[static_cast<int>(*id)];
        continue;
      }
    }
    if (current != nullptr) (*current)[key] = value;
  }
  return blocks;
}

std::string field(const CpuinfoBlocks& blocks, int cpu, const std::string& key) {
  const auto block = blocks.find(cpu);
  if (block == blocks.end()) return {};
  const auto value = block->second.find(key);
  return value == block->second.end() ? std::string() : value->second;
}

std::vector<int> cpu_dirs(const fs::path& cpu_root) {
  std::vector<int> ids;
  std::error_code ec;
  for (fs::directory_iterator it(cpu_root, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() > 3 && name.starts_with("cpu")) {
      if (const auto id = to_integer(std::string_view(name).substr(3)); id && *id <= INT_MAX) {
        ids.push_back(static_cast<int>(*id));
      }
    }
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::vector<LogicalCpu> read_cpus(const fs::path& root) {
  const fs::path cpu_root = root / "sys/devices/system/cpu";
  const CpuinfoBlocks cpuinfo = parse_cpuinfo(read_file(root / "proc/cpuinfo").value_or(""));

  // Online CPUs are the ones a benchmark can run on; offline ones still have sysfs dirs.
  std::vector<int> ids;
  if (const auto online = read_file(cpu_root / "online")) ids = parse_cpulist(*online);
  if (ids.empty()) {
    for (const auto& [id, block] : cpuinfo) ids.push_back(id);
  }
  if (ids.empty()) ids = cpu_dirs(cpu_root);

  std::vector<LogicalCpu> cpus;
  for (const int id : ids) {
    LogicalCpu cpu;
    cpu.id = id;
    const fs::path dir = cpu_root / ("cpu" + std::to_string(id));
    cpu.vendor_id = field(cpuinfo, id, "vendor_id");
    cpu.model_name = squeeze(field(cpuinfo, id, "model name"));
    cpu.flags = field(cpuinfo, id, "flags");

    if (const auto impl = to_integer(field(cpuinfo, id, "CPU implementer"), 16)) {
      cpu.implementer = static_cast<int>(*impl);
    }
    if (const auto part = to_integer(field(cpuinfo, id, "CPU part"), 16)) {
      cpu.part = static_cast<int>(*part);
    }
    if (cpu.implementer < 0 || cpu.part < 0) {
      // MIDR_EL1: implementer [31:24], variant [23:20], architecture [19:16], part [15:4].
      const auto midr = to_integer(read_value(dir / "regs/identification/midr_el1"), 16);
      if (midr) {
        cpu.implementer = static_cast<int>((*midr >> 24) & 0xff);
        cpu.part = static_cast<int>((*midr >> 4) & 0xfff);
      }
    }

    const fs::path topology = dir / "topology";
    cpu.package = read_integer(topology / "physical_package_id").value_or(-1);
    cpu.die = read_integer(topology / "die_id").value_or(-1);
    cpu.cluster = read_integer(topology / "cluster_id").value_or(-1);
    cpu.core = read_integer(topology / "core_id").value_or(-1);
    if (cpu.package < 0) cpu.package = to_integer(field(cpuinfo, id, "physical id")).value_or(-1);
    if (cpu.core < 0) cpu.core = to_integer(field(cpuinfo, id, "core id")).value_or(-1);

    if (const auto khz = read_integer(dir / "cpufreq/cpuinfo_max_freq"); khz && *khz > 0) {
      cpu.max_mhz = static_cast<double>(*khz) / 1000.0;
    }
    cpu.capacity = read_integer(dir / "cpu_capacity").value_or(-1);
    cpus.push_back(std::move(cpu));
  }
  return cpus;
}

// CPUs share a physical core when package, die, cluster and core ids all match: on Arm
// device-tree systems core_id restarts in every cluster, so core_id alone is not enough.
using CoreKey = std::tuple<long long, long long, long long, long long, int>;

CoreKey core_key(const LogicalCpu& cpu) {
  if (cpu.core < 0) return {-1, -1, -1, -1, cpu.id};  // unknown: count as its own core
  return {cpu.package, cpu.die, cpu.cluster, cpu.core, -1};
}

int count_cores(const std::vector<const LogicalCpu*>& cpus) {
  std::set<CoreKey> cores;
  for (const auto* cpu : cpus) cores.insert(core_key(*cpu));
  return static_cast<int>(cores.size());
}

struct ClusterDraft {
  CpuCluster cluster;
  std::vector<const LogicalCpu*> members;
  long long capacity = -1;
};

void finish(ClusterDraft& draft) {
  CpuCluster& c = draft.cluster;
  for (const auto* cpu : draft.members) {
    c.cpus.push_back(cpu->id);
    c.max_mhz = std::max(c.max_mhz, cpu->max_mhz);
    draft.capacity = std::max(draft.capacity, cpu->capacity);
  }
  std::sort(c.cpus.begin(), c.cpus.end());
  c.cores = count_cores(draft.members);
}

std::string plural(int n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

void fill_cpu(const fs::path& root, Inventory& inv) {
  const std::vector<LogicalCpu> cpus = read_cpus(root);
  if (cpus.empty()) return;

  std::vector<const LogicalCpu*> all;
  std::set<long long> packages;
  for (const auto& cpu : cpus) {
    all.push_back(&cpu);
    if (cpu.package >= 0) packages.insert(cpu.package);
  }
  inv.threads = static_cast<int>(cpus.size());
  inv.cores = count_cores(all);
  inv.sockets = packages.empty() ? 1 : static_cast<int>(packages.size());

  const LogicalCpu& first = cpus.front();
  const auto arm_cpu = std::find_if(cpus.begin(), cpus.end(),
                                    [](const LogicalCpu& c) { return c.implementer >= 0; });
  const bool arm = arm_cpu != cpus.end();
  inv.cpu_vendor = arm ? implementer_name(arm_cpu->implementer) : first.vendor_id;

  std::vector<ClusterDraft> drafts;
  const fs::path devices = root / "sys/devices";
  const auto p_cpus = parse_cpulist(read_file(devices / "cpu_core/cpus").value_or(""));
  const auto e_cpus = parse_cpulist(read_file(devices / "cpu_atom/cpus").value_or(""));
  const auto members_of = [&](const std::vector<int>& ids) {
    std::vector<const LogicalCpu*> members;
    for (const auto& cpu : cpus) {
      if (std::binary_search(ids.begin(), ids.end(), cpu.id)) members.push_back(&cpu);
    }
    return members;
  };

  if (!arm) {
    inv.cpu_model = first.model_name;
    auto p_members = members_of(p_cpus);
    auto e_members = members_of(e_cpus);
    if (!p_members.empty() && !e_members.empty()) {
      // Intel hybrid: the PMU devices cpu_core / cpu_atom list the P- and E-cores.
      const auto add = [&](const std::string& kind, std::vector<const LogicalCpu*> members) {
        ClusterDraft d;
        d.cluster.kind = kind;
        d.cluster.name = inv.cpu_model.empty() ? kind : inv.cpu_model + " " + kind;
        d.members = std::move(members);
        drafts.push_back(std::move(d));
      };
      add("P-core", std::move(p_members));
      add("E-core", std::move(e_members));
    } else {
      ClusterDraft d;
      d.cluster.name = inv.cpu_model;
      d.members = all;
      drafts.push_back(std::move(d));
    }
  } else {
    // Arm: one cluster per core design (implementer, part), in order of first CPU.
    std::vector<std::pair<int, int>> designs;
    for (const auto& cpu : cpus) {
      const std::pair design{cpu.implementer, cpu.part};
      if (std::find(designs.begin(), designs.end(), design) == designs.end()) {
        designs.push_back(design);
      }
    }
    for (const auto& [implementer, part] : designs) {
      ClusterDraft d;
      if (implementer >= 0 && part >= 0) {
        d.cluster.name = arm_part_name(implementer, part);
        d.cluster.arm_part = hex(part, 3);
      }
      for (const auto& cpu : cpus) {
        if (cpu.implementer == implementer && cpu.part == part) d.members.push_back(&cpu);
      }
      drafts.push_back(std::move(d));
    }
  }
  for (auto& d : drafts) finish(d);

  if (arm && drafts.size() > 1) {
    // Fastest first: max frequency, then the kernel's capacity when frequencies tie.
    const auto speed = [](const ClusterDraft& d) {
      return std::pair{d.cluster.max_mhz, d.capacity};
    };
    std::stable_sort(drafts.begin(), drafts.end(),
                     [&](const auto& a, const auto& b) { return speed(a) > speed(b); });
    // Kinds only when every step down is a real difference; otherwise we cannot tell.
    bool ordered = true;
    for (std::size_t i = 1; i < drafts.size(); ++i) {
      ordered = ordered && speed(drafts[i - 1]) > speed(drafts[i]);
    }
    if (ordered) {
      for (std::size_t i = 0; i < drafts.size(); ++i) {
        drafts[i].cluster.kind = i == 0 ? "big" : i + 1 == drafts.size() ? "little" : "medium";
      }
    }
  }

  for (auto& d : drafts) inv.clusters.push_back(d.cluster);

  // Summary, documented in docs/inventory.md.
  std::string summary;
  if (arm) {
    std::string model;
    for (const auto& c : inv.clusters) {
      const std::string name = c.name.empty() ? "unknown" : c.name;
      summary += (summary.empty() ? "" : " + ") + std::to_string(c.cores) + "x " + name;
      model += (model.empty() ? "" : " + ") + name;
    }
    inv.cpu_model = model;
    if (inv.threads != inv.cores) summary += ", " + plural(inv.threads, "thread");
  } else {
    std::string cores;
    if (inv.clusters.size() > 1) {
      for (const auto& c : inv.clusters) {
        cores += (cores.empty() ? "" : " + ") + std::to_string(c.cores) + " " + c.kind;
      }
    } else {
      cores = plural(inv.cores, "core");
    }
    summary = (inv.cpu_model.empty() ? "" : inv.cpu_model + ": ") + cores + ", " +
              plural(inv.threads, "thread");
  }
  if (inv.sockets > 1) summary += " (" + std::to_string(inv.sockets) + " sockets)";
  inv.cpu_summary = summary;

  // For a fixture tree there is no uname; the cpuinfo format tells the architecture.
  if (inv.arch.empty()) {
    if (arm) {
      inv.arch = "aarch64";
    } else if (!first.vendor_id.empty()) {
      const std::string flags = " " + first.flags + " ";
      inv.arch = flags.find(" lm ") != std::string::npos ? "x86_64" : "i686";
    }
  }
}

// ---------------------------------------------------------------------------------------
// Memory, OS, firmware, storage

std::uint64_t read_mem_total(const fs::path& root) {
  std::istringstream lines(read_file(root / "proc/meminfo").value_or(""));
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("MemTotal:")) continue;
    std::istringstream fields(line.substr(9));
    std::uint64_t kib = 0;
    if (fields >> kib) return kib * 1024;  // the kernel's "kB" is KiB
  }
  return 0;
}

// os-release values are shell-quoted strings (os-release(5)).
std::string os_release_value(const std::string& text, std::string_view key) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    const std::size_t eq = line.find('=');
    if (eq == std::string::npos || trim(std::string_view(line).substr(0, eq)) != key) continue;
    std::string value = trim(std::string_view(line).substr(eq + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
      const char quote = value.front();
      value = value.substr(1, value.size() - 2);
      if (quote == '"') {
        std::string unescaped;
        for (std::size_t i = 0; i < value.size(); ++i) {
          if (value[i] == '\\' && i + 1 < value.size()) ++i;
          unescaped += value[i];
        }
        value = std::move(unescaped);
      }
    }
    return value;
  }
  return {};
}

std::string read_os_name(const fs::path& root) {
  for (const char* path : {"etc/os-release", "usr/lib/os-release"}) {
    if (const auto text = read_file(root / path)) return os_release_value(*text, "PRETTY_NAME");
  }
  return {};
}

void fill_storage(const fs::path& root, Inventory& inv) {
  std::error_code ec;
  for (fs::directory_iterator it(root / "sys/block", ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    // Virtual devices say nothing about the machine's disks.
    if (name.starts_with("loop") || name.starts_with("ram") || name.starts_with("zram") ||
        name.starts_with("dm-")) {
      continue;
    }
    Inventory::Disk disk;
    disk.name = name;
    disk.model = squeeze(read_value(it->path() / "device/model"));
    // sysfs "size" counts 512-byte sectors whatever the device's block size.
    const auto sectors = read_integer(it->path() / "size").value_or(0);
    if (sectors <= 0) continue;  // empty card readers, optical drives without a disc
    disk.bytes = static_cast<std::uint64_t>(sectors) * 512;
    disk.rotational = read_value(it->path() / "queue/rotational") == "1";
    inv.storage.push_back(std::move(disk));
  }
  std::sort(inv.storage.begin(), inv.storage.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
}

// ---------------------------------------------------------------------------------------
// Memory devices: `dmidecode -t 17`

// dmidecode's placeholders for a field the firmware left blank.
bool placeholder(std::string_view v) {
  return v.empty() || v == "Unknown" || v == "Not Specified" || v == "Not Provided" ||
         v == "None" || v == "Other" || v == "<OUT OF SPEC>" || v == "<BAD INDEX>";
}

// "16 GB", "8192 MB", "1 TB", "512 kB" (binary units, as dmidecode prints them); 0 for "No
// Module Installed", "Unknown" and anything else.
std::uint64_t module_size(std::string_view v) {
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end == v.data()) return 0;
  const std::string unit = trim(std::string_view(end, v.data() + v.size() - end));
  static const std::map<std::string, std::uint64_t> units{{"bytes", 1},       {"kB", 1ULL << 10},
                                                          {"KB", 1ULL << 10}, {"MB", 1ULL << 20},
                                                          {"GB", 1ULL << 30}, {"TB", 1ULL << 40}};
  const auto it = units.find(unit);
  return it == units.end() ? 0 : n * it->second;
}

// "4800 MT/s", or the "2133 MHz" of dmidecode before 3.0 (which was MT/s all along, as the
// SMBIOS field is); 0 for "Unknown".
int module_speed(std::string_view v) {
  int n = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end == v.data() || n <= 0) return 0;
  const std::string unit = trim(std::string_view(end, v.data() + v.size() - end));
  return unit.starts_with("MT/s") || unit.starts_with("MHz") ? n : 0;
}

// ---------------------------------------------------------------------------------------
// `cc --version`, without a shell and with a deadline

// Stdout of `argv` (found on PATH, run without a shell, its first 64 KiB), or nullopt when
// it cannot start, exits non-zero, or is still running at `timeout`: then its whole
// process group is killed, so a wrapper script's children die with it.
std::optional<std::string> capture_stdout(const std::vector<std::string>& argv,
                                          std::chrono::milliseconds timeout) {
  SpawnSpec spec;
  spec.argv = argv;
  spec.new_process_group = true;
  spec.timeout = timeout;
  spec.kill_grace = std::chrono::milliseconds(100);
  std::string out;
  constexpr std::size_t kMaxOutput = 64 * 1024;
  try {
    const ExitInfo x = run_process(
        spec,
        [&](std::string_view d) {
          if (out.size() < kMaxOutput) out.append(d.substr(0, kMaxOutput - out.size()));
        },
        nullptr);
    if (x.timed_out || x.exit_code != 0) return std::nullopt;
  } catch (const SpawnError&) {
    return std::nullopt;  // no compiler here
  }
  return out;
}

// "cc (Debian 12.2.0-14) 12.2.0" -> "GCC 12.2.0"; "Debian clang version 14.0.6" ->
// "Clang 14.0.6"; any other compiler keeps its first line as printed.
std::string compiler_name(const std::string& first_line) {
  static const std::regex clang(R"(clang version (\d+(\.\d+)+))");
  static const std::regex gcc(R"(^\S*(gcc|g\+\+|cc|c\+\+)(-\d+)? \([^)]*\) (\d+(\.\d+)+))");
  std::smatch m;
  if (std::regex_search(first_line, m, clang)) return "Clang " + m[1].str();
  if (std::regex_search(first_line, m, gcc)) return "GCC " + m[3].str();
  return first_line;
}

std::string read_compiler() {
  const auto out = capture_stdout({"cc", "--version"}, std::chrono::seconds(5));
  if (!out) return {};
  return compiler_name(trim(out->substr(0, out->find('\n'))));
}

// The text of `dmidecode -t 17`, once per process: SMBIOS does not change while we run,
// and dmidecode takes tens of milliseconds. Empty when not root (dmidecode needs to read
// the firmware tables), when dmidecode is missing, fails or hangs past 5 s.
const std::string& live_dmidecode_memory() {
  static const std::string text = [] {
    if (::geteuid() != 0) return std::string();
    // sbin is often not on a user's PATH even when it runs as root through sudo -E.
    std::string program = "dmidecode";
    const char* env_path = std::getenv("PATH");
    const std::string path = env_path != nullptr ? env_path : "";
    bool on_path = false;
    for (std::size_t start = 0; start <= path.size() && !on_path;) {
      const std::size_t colon = std::min(path.find(':', start), path.size());
      const std::string dir = path.substr(start, colon - start);
      on_path = !dir.empty() && ::access((fs::path(dir) / program).c_str(), X_OK) == 0;
      start = colon + 1;
    }
    if (!on_path) program = "/usr/sbin/dmidecode";
    return capture_stdout({program, "-t", "17"}, std::chrono::seconds(5)).value_or("");
  }();
  return text;
}

void fill_memory_devices(const fs::path& root, bool live, Inventory& inv) {
  const std::string text =
      live ? live_dmidecode_memory() : read_file(root / "dmidecode-t17.txt").value_or("");
  MemoryDevices devices = parse_dmidecode_memory(text);
  inv.memory_type = std::move(devices.type);
  inv.memory_speed_mts = devices.speed_mts;
  inv.memory_modules = std::move(devices.modules);
}

// JSON numbers: whole MHz as integers, so "3900" rather than Boost.JSON's "3.9E3"; null
// for a non-finite reading, which Boost.JSON would write as NaN (not JSON).
boost::json::value number(double v) {
  if (!std::isfinite(v)) return nullptr;
  if (v == std::floor(v) && std::fabs(v) < 9e15) {
    return static_cast<std::int64_t>(v);
  }
  return v;
}

}  // namespace

MemoryDevices parse_dmidecode_memory(std::string_view text) {
  MemoryDevices out;
  std::optional<MemoryModule> module;  // the Memory Device record being read
  const auto close = [&] {
    if (!module || module->size_bytes == 0) {
      module.reset();
      return;
    }
    // SMBIOS has no code for LPDDR5X: it is reported as LPDDR5, whose JEDEC speeds end at
    // 6400 MT/s. Anything faster is LPDDR5X.
    if (module->type == "LPDDR5" &&
        std::max(module->speed_mts, module->configured_speed_mts) > 6400) {
      module->type = "LPDDR5X";
    }
    out.modules.push_back(std::move(*module));
    module.reset();
  };
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t eol = std::min(text.find('\n', start), text.size());
    std::string_view line = text.substr(start, eol - start);
    start = eol + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const bool indented = !line.empty() && (line[0] == '\t' || line[0] == ' ');
    if (!indented) {
      // A record's title ("Memory Device") follows its "Handle 0x..., DMI type 17" line;
      // any other unindented line (a blank, the next handle) ends the record.
      close();
      if (trim(line) == "Memory Device") module.emplace();
      continue;
    }
    if (!module) continue;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;  // a list item under a nested field
    const std::string key = trim(line.substr(0, colon));
    std::string value = trim(line.substr(colon + 1));
    if (key == "Size") {
      module->size_bytes = module_size(value);
    } else if (key == "Speed") {
      module->speed_mts = module_speed(value);
    } else if (key == "Configured Memory Speed" || key == "Configured Clock Speed") {
      module->configured_speed_mts = module_speed(value);
    } else if (placeholder(value)) {
      continue;
    } else if (key == "Locator") {
      module->locator = std::move(value);
    } else if (key == "Type") {
      module->type = std::move(value);
    } else if (key == "Manufacturer") {
      module->manufacturer = std::move(value);
    } else if (key == "Part Number") {
      module->part_number = std::move(value);
    } else if (key == "Form Factor") {
      module->form_factor = std::move(value);
    }
  }
  close();

  std::set<std::string> types;
  for (const auto& m : out.modules) {
    if (!m.type.empty()) types.insert(m.type);
    if (m.configured_speed_mts > 0 &&
        (out.speed_mts == 0 || m.configured_speed_mts < out.speed_mts)) {
      out.speed_mts = m.configured_speed_mts;
    }
  }
  if (!types.empty()) {
    out.type.clear();
    for (const auto& t : types) out.type += (out.type.empty() ? "" : "/") + t;
  }
  return out;
}

Inventory collect_inventory(const std::filesystem::path& root) {
  Inventory inv;
  const bool live = root.lexically_normal() == "/";
  if (live) {
    utsname u{};
    if (::uname(&u) == 0) {
      inv.hostname = u.nodename;
      inv.kernel = u.release;
      inv.arch = u.machine;
    }
    inv.compiler = read_compiler();
  } else {
    inv.hostname = read_value(root / "proc/sys/kernel/hostname");
    inv.kernel = read_value(root / "proc/sys/kernel/osrelease");
    inv.arch = read_value(root / "proc/sys/kernel/arch");
  }

  fill_cpu(root, inv);
  inv.memory_bytes = read_mem_total(root);
  inv.os_name = read_os_name(root);

  const fs::path dmi = root / "sys/class/dmi/id";
  inv.bios_vendor = read_value(dmi / "bios_vendor");
  inv.bios_version = read_value(dmi / "bios_version");
  inv.bios_date = read_value(dmi / "bios_date");
  inv.board = read_value(dmi / "board_name");
  inv.product = read_value(dmi / "product_name");

  fill_storage(root, inv);
  fill_memory_devices(root, live, inv);
  return inv;
}

std::string inventory_to_json(const Inventory& inv) {
  namespace json = boost::json;
  json::array clusters;
  for (const auto& c : inv.clusters) {
    json::array cpus;
    for (const int cpu : c.cpus) cpus.push_back(cpu);
    clusters.push_back(json::object{{"name", c.name},
                                    {"kind", c.kind},
                                    {"arm_part", c.arm_part},
                                    {"cpus", std::move(cpus)},
                                    {"cores", c.cores},
                                    {"max_mhz", number(c.max_mhz)}});
  }
  json::array storage;
  for (const auto& d : inv.storage) {
    storage.push_back(json::object{
        {"name", d.name}, {"model", d.model}, {"bytes", d.bytes}, {"rotational", d.rotational}});
  }
  json::array modules;
  for (const auto& m : inv.memory_modules) {
    modules.push_back(json::object{{"locator", m.locator},
                                   {"size_bytes", m.size_bytes},
                                   {"type", m.type},
                                   {"speed_mts", m.speed_mts},
                                   {"configured_speed_mts", m.configured_speed_mts},
                                   {"manufacturer", m.manufacturer},
                                   {"part_number", m.part_number},
                                   {"form_factor", m.form_factor}});
  }
  json::array gpus;
  for (const auto& g : inv.gpus)
    gpus.push_back(json::object{{"id", g.id},
                                {"probe", g.probe},
                                {"name", g.name},
                                {"driver", g.driver},
                                {"memory_bytes", g.memory_bytes},
                                {"unified", g.unified}});
  const json::object out{{"hostname", inv.hostname},
                         {"arch", inv.arch},
                         {"cpu_vendor", inv.cpu_vendor},
                         {"cpu_model", inv.cpu_model},
                         {"cpu_summary", inv.cpu_summary},
                         {"clusters", std::move(clusters)},
                         {"sockets", inv.sockets},
                         {"cores", inv.cores},
                         {"threads", inv.threads},
                         {"memory_bytes", inv.memory_bytes},
                         {"memory_type", inv.memory_type},
                         {"memory_speed_mts", inv.memory_speed_mts},
                         {"memory_modules", std::move(modules)},
                         {"os_name", inv.os_name},
                         {"kernel", inv.kernel},
                         {"compiler", inv.compiler},
                         {"bios_vendor", inv.bios_vendor},
                         {"bios_version", inv.bios_version},
                         {"bios_date", inv.bios_date},
                         {"board", inv.board},
                         {"product", inv.product},
                         {"storage", std::move(storage)},
                         {"gpus", std::move(gpus)}};
  return json::serialize(out);
}

}  // namespace benchlab
