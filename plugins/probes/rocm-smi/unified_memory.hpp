// SPDX-License-Identifier: MIT
// Whether an AMD GPU is an APU that uses system memory (Strix Halo, Phoenix, MI300A), and
// how much memory it can use. ROCm SMI reports no APU flag, so the rule reads the memory:
// an APU's VRAM is a BIOS carve-out of system memory, 512 MiB by default, while a discrete
// card has gigabytes of its own. The operator's `unified` option decides where the BIOS
// carve-out was made large (Strix Halo allows up to 96 GiB).
#pragma once

#include <cstdint>

namespace rsmi {

enum class UnifiedSetting { automatic, yes, no };  // the probe option unified=auto|yes|no

// VRAM below this is a carve-out, not a card's memory.
inline constexpr std::uint64_t carve_out_limit = 1ull << 30;  // 1 GiB

// [any] True when the GPU counts as unified: `setting` yes, or automatic with a VRAM total
// below carve_out_limit.
constexpr bool is_unified(UnifiedSetting setting, std::uint64_t vram_total) {
  if (setting != UnifiedSetting::automatic) return setting == UnifiedSetting::yes;
  return vram_total < carve_out_limit;
}

// [any] The memory a GPU can allocate: a discrete card's VRAM; for a unified one the larger
// of VRAM and GTT (system memory mapped for the GPU), as the kernel's KFD places an APU's
// allocations in the larger pool.
constexpr std::uint64_t usable_memory(bool unified, std::uint64_t vram_total,
                                      std::uint64_t gtt_total) {
  return unified && gtt_total > vram_total ? gtt_total : vram_total;
}

}  // namespace rsmi
