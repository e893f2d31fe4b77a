/* SPDX-License-Identifier: MIT */
// What machine a result was measured on: CPU clusters (heterogeneous cores included),
// memory, OS, kernel, firmware, storage, compiler. Read from /proc and /sys under a
// root directory, so tests use fixture trees.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace benchlab {

// A set of identical cores: all cores of a homogeneous CPU, or one kind of core of a
// big.LITTLE / hybrid CPU (e.g. 10x Cortex-X925, or Intel P-cores).
struct CpuCluster {
  std::string name;       // "Cortex-X925", "Intel(R) Core(TM) Ultra 7 265 P-core"
  std::string kind;       // "big", "little", "P-core", "E-core", or "" when homogeneous
  std::string arm_part;   // Arm MIDR part number ("0xd85"), else ""
  std::vector<int> cpus;  // logical CPU numbers
  int cores = 0;          // physical cores (distinct core ids)
  double max_mhz = 0;     // cpufreq cpuinfo_max_freq, 0 when unknown
};

// One populated memory device (SMBIOS type 17, as `dmidecode -t 17` prints it).
struct MemoryModule {
  std::string locator;           // "DIMM 0", "CHANNEL A DIMM 1"
  std::uint64_t size_bytes = 0;  // "16 GB" -> 16 GiB
  std::string type;              // "DDR5", "LPDDR5X", or "" when not reported
  int speed_mts = 0;             // rated speed, 0 when unknown
  int configured_speed_mts = 0;  // speed it runs at, 0 when unknown
  std::string manufacturer;      // "" when "Unknown" / "Not Specified"
  std::string part_number;       // trimmed; "" when not reported
  std::string form_factor;       // "DIMM", "SODIMM", "Row Of Chips", ...
};

// The memory summary of a machine, derived from its modules.
struct MemoryDevices {
  std::string type = "unknown";       // types of the populated modules: "DDR5", "DDR4/DDR5"
  int speed_mts = 0;                  // lowest configured speed of the populated modules, 0 unknown
  std::vector<MemoryModule> modules;  // populated modules only, in table order
};

// Parses `dmidecode -t 17` output (any dmidecode version: "MT/s" or the older "MHz",
// "Configured Memory Speed" or the older "Configured Clock Speed"). Empty slots ("No Module
// Installed") are left out. Pure: never throws, unknown text gives an empty result.
MemoryDevices parse_dmidecode_memory(std::string_view text);

struct Inventory {
  std::string hostname;
  std::string arch;         // uname machine: "x86_64", "aarch64"
  std::string cpu_vendor;   // "GenuineIntel", "AuthenticAMD", "ARM"/implementer name
  std::string cpu_model;    // marketing name, or the cluster summary on Arm
  std::string cpu_summary;  // "10x Cortex-X925 + 10x Cortex-A725", or model with counts
  std::vector<CpuCluster> clusters;
  int sockets = 0, cores = 0, threads = 0;
  std::uint64_t memory_bytes = 0;                    // MemTotal
  std::string memory_type = "unknown";               // "DDR5", "LPDDR5X", "DDR4/DDR5"
  int memory_speed_mts = 0;                          // lowest configured speed, 0 unknown
  std::vector<MemoryModule> memory_modules;          // populated modules (dmidecode)
  std::string os_name;                               // PRETTY_NAME of os-release
  std::string kernel;                                // release, e.g. "6.1.0-18-amd64"
  std::string compiler;                              // "GCC 12.2.0" of the default `cc`, or ""
  std::string bios_vendor, bios_version, bios_date;  // /sys/class/dmi/id
  std::string board, product;                        // board_name, product_name
  struct Disk {
    std::string name, model;
    std::uint64_t bytes = 0;
    bool rotational = false;
  };
  std::vector<Disk> storage;  // /sys/block, without loop/ram/zram devices
  // GPUs as the probe plugins see them (benchlab.probe.devices/1): name, memory, unified
  // or dedicated. Filled by the runner before a run's inventory is stored (unless its
  // probes are "none"; then when a result needs GPU memory), and by `benchlab inventory`;
  // empty when no probe reports a GPU.
  struct Gpu {
    std::string id, probe, name, driver;
    std::uint64_t memory_bytes = 0;
    bool unified = false;  // uses system memory: memory_bytes is what it can use of it
  };
  std::vector<Gpu> gpus;
  bool gpus_probed = false;  // whether the GPU probes were asked at all
};

// Reads the inventory with every path under `root` ("/" for this machine). Missing files
// leave fields empty; never throws for a missing file. The hostname, kernel and compiler
// come from uname()/`cc --version` only when root is "/" (else from root's
// proc/sys/kernel/{hostname,osrelease} and nothing). Memory modules come from
// `dmidecode -t 17` when root is "/" and this process is root (run once per process), else
// from ROOT/dmidecode-t17.txt when present.
Inventory collect_inventory(const std::filesystem::path& root = "/");

// A JSON object with every field above (stable keys, for the store and --json).
std::string inventory_to_json(const Inventory& inv);

}  // namespace benchlab
