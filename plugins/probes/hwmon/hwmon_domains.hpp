// SPDX-License-Identifier: MIT
// What a hwmon reading measures (its BL_DOMAIN_*), from the chip's driver and the sensor's
// label: amdgpu on an APU is the SoC, on a card the GPU; Grace-style power meters are the
// module, the Grace CPU and its cores, nested; CPU temperature drivers are the package.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hwmon_chips.hpp"
#include "hwmon_readings.hpp"

namespace benchlab::hwmon {

// [main] Whether the amdgpu device at `device_dir` is an APU, sharing system memory (its
// power is the whole SoC's) rather than a card with its own VRAM: mem_info_vram_total is
// absent or under 1 GiB (an APU's default carve-out), or, for an APU whose firmware reserves
// more (Strix Halo up to 96 GiB), the gpu_metrics table has format revision 2 or higher
// (amdgpu uses revision 1 for dedicated GPUs, 2 and 3 for APUs).
bool amdgpu_is_apu(const std::string& device_dir);

// One power rail of an NVIDIA Grace module, from its hwmon label: "Module Power Socket 0"
// (the whole module: CPU, GPU, memory), "Grace Power Socket 0" (the Grace CPU with its
// memory), "CPU Power Socket 0" (the CPU cores), "SysIO Power Socket 0" (I/O, in the module).
struct GraceRail {
  enum class Kind { module, grace, cpu, sysio } kind;
  int socket = 0;
};

// [any] The rail a label names, case-insensitive; nullopt for any other label.
std::optional<GraceRail> parse_grace_label(std::string_view label);

// [any] BL_DOMAIN_* of a Grace rail: module SYSTEM, grace PACKAGE, cpu CORE, sysio OTHER.
int32_t grace_domain(GraceRail::Kind kind);

// [any] The domain of a reading of a chip that is no Grace rail: every amdgpu reading GPU
// (SOC when `apu`); temperatures of coretemp ("Core N" CORE, others PACKAGE), k10temp and
// zenpower PACKAGE; everything else OTHER (nvme, board sensors, ACPI power meters).
int32_t domain_of(const Chip& chip, const Reading& reading, bool apu);

}  // namespace benchlab::hwmon
