// SPDX-License-Identifier: MIT
// The kernel's CPU list format ("0-3,8,10-11"), as in /sys/devices/system/cpu/online.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace benchlab::cpufreq {

// [any] The CPUs `text` lists, sorted, without repeats; an unreadable part is skipped.
std::vector<int> parse_cpu_list(std::string_view text);

// [any] `cpus` (sorted) in the same format, ranges folded: {0,1,2,3,8} -> "0-3,8".
std::string format_cpu_list(const std::vector<int>& cpus);

}  // namespace benchlab::cpufreq
