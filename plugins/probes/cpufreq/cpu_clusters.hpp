// SPDX-License-Identifier: MIT
// The machine's CPU clusters by the rule of the core's inventory (core/src/inventory.cpp,
// docs/inventory.md), re-implemented here because a plugin sees only abi/: cluster K of
// this probe is cluster K of the inventory.
//  - x86 with Intel's hybrid PMU devices (/sys/devices/cpu_core/cpus and cpu_atom/cpus
//    both listing online CPUs): two clusters, "P-core" then "E-core".
//  - Arm: one cluster per core design (MIDR implementer and part, from /proc/cpuinfo or
//    regs/identification/midr_el1), fastest first by (highest cpuinfo_max_freq, highest
//    cpu_capacity); named big / medium / little when every step down is a real difference.
//  - Anything else: one cluster of every online CPU.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace benchlab::cpufreq {

struct Cluster {
  std::string kind;          // "P-core", "E-core", "big", "medium", "little", or ""
  std::vector<int> cpus;     // sorted
  std::int64_t max_khz = 0;  // the highest cpuinfo_max_freq of its CPUs; 0 unknown
};

// [main] The online CPUs under `root` (the sysroot): /sys/devices/system/cpu/online, else the
// processors of /proc/cpuinfo, else the cpu<N> directories.
std::vector<int> online_cpus(const std::string& root);

// [main] The clusters of `cpus` (online_cpus), in the inventory's order.
std::vector<Cluster> find_clusters(const std::string& root, const std::vector<int>& cpus);

}  // namespace benchlab::cpufreq
