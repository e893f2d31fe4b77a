// SPDX-License-Identifier: MIT
// Which CPUs this process may run on, and pinning the calling thread to one of them.
#pragma once

#include <vector>

namespace membw {

// CPUs in the process's affinity mask (all online CPUs unless started under taskset or a
// cpuset), ascending; empty when the mask cannot be read.
std::vector<int> allowed_cpus();

// Pins the calling thread to `cpu`. Returns 0 or the errno of pthread_setaffinity_np.
int pin_current_thread(int cpu) noexcept;

}  // namespace membw
