/* SPDX-License-Identifier: MIT */
// The rules for requirements a workload computes in setup() (benchlab/ext/requirements.h):
// checked in the worker, where the plugin calls require(), and again in the core, which
// reads the frame.
#pragma once

#include <benchlab/plugin.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace benchlab {

inline constexpr std::size_t kMaxRequirements = 64;  // a result

// Why a requirement is malformed, or "" when it is well formed.
inline std::string invalid_requirement(std::int32_t kind, const std::string& name,
                                       std::uint64_t amount) {
  switch (kind) {
    case BL_REQ_MEMORY_SYSTEM:
    case BL_REQ_MEMORY_GPU:
    case BL_REQ_MEMORY_GPU_OR_UNIFIED:
      return amount == 0 ? "a memory requirement needs an amount of bytes" : "";
    case BL_REQ_PROGRAM:
    case BL_REQ_DEVICE:
    case BL_REQ_FILE:
      return name.empty() ? "a program, device or file requirement needs a name" : "";
    default:
      return "unknown requirement kind " + std::to_string(kind);
  }
}

}  // namespace benchlab
