// SPDX-License-Identifier: MIT
#include "hwmon_domains.hpp"

#include <benchlab/plugin.h>

#include <array>
#include <benchlab_common/sysfs_file.hpp>

namespace benchlab::hwmon {

bool amdgpu_is_apu(const std::string& device_dir) {
  constexpr std::int64_t gib = std::int64_t(1) << 30;
  const auto vram = common::read_integer_file(device_dir + "/mem_info_vram_total");
  if (!vram || *vram < gib) return true;
  // struct metrics_table_header { uint16_t structure_size; uint8_t format_revision; ... }
  const common::SysfsFile metrics(device_dir + "/gpu_metrics");
  char header[8];
  return metrics.read(header, sizeof header) >= 4 && static_cast<unsigned char>(header[2]) >= 2;
}

namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// `text` starts with `word` (lowercase), case-insensitive; on success `text` is advanced.
bool take(std::string_view& text, std::string_view word) {
  if (text.size() < word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i)
    if (lower(text[i]) != word[i]) return false;
  text.remove_prefix(word.size());
  return true;
}

}  // namespace

std::optional<GraceRail> parse_grace_label(std::string_view label) {
  constexpr std::array<std::pair<std::string_view, GraceRail::Kind>, 4> kinds = {{
      {"module", GraceRail::Kind::module},
      {"grace", GraceRail::Kind::grace},
      {"cpu", GraceRail::Kind::cpu},
      {"sysio", GraceRail::Kind::sysio},
  }};
  for (const auto& [word, kind] : kinds) {
    std::string_view rest = label;
    if (!take(rest, word) || !take(rest, " power socket ")) continue;
    const auto socket = common::parse_integer(rest);
    if (!socket || *socket < 0 || rest.empty() || rest.front() < '0' || rest.front() > '9')
      return std::nullopt;
    return GraceRail{kind, static_cast<int>(*socket)};
  }
  return std::nullopt;
}

int32_t grace_domain(GraceRail::Kind kind) {
  switch (kind) {
    case GraceRail::Kind::module:
      return BL_DOMAIN_SYSTEM;
    case GraceRail::Kind::grace:
      return BL_DOMAIN_PACKAGE;
    case GraceRail::Kind::cpu:
      return BL_DOMAIN_CORE;
    case GraceRail::Kind::sysio:
      return BL_DOMAIN_OTHER;
  }
  return BL_DOMAIN_OTHER;
}

int32_t domain_of(const Chip& chip, const Reading& reading, bool apu) {
  if (chip.name == "amdgpu") return apu ? BL_DOMAIN_SOC : BL_DOMAIN_GPU;
  if (reading.type != SensorType::temp) return BL_DOMAIN_OTHER;
  if (chip.name == "coretemp")
    return reading.label.starts_with("Core ") ? BL_DOMAIN_CORE : BL_DOMAIN_PACKAGE;
  if (chip.name == "k10temp" || chip.name == "zenpower") return BL_DOMAIN_PACKAGE;
  return BL_DOMAIN_OTHER;
}

}  // namespace benchlab::hwmon
