// SPDX-License-Identifier: MIT
#include "rocm_smi_probe.hpp"

#include <benchlab/plugin.hpp>
#include <limits>

namespace rsmi {

namespace {

namespace sdk = benchlab::sdk;
using benchlab::common::ChannelSpec;
using DeviceInfo = benchlab::common::Device;

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t text_size = 256;

struct TemperatureSensor {
  std::uint32_t sensor;
  const char* id;     // after "gpuN.temp."
  const char* label;  // after "GPU N "
};
constexpr TemperatureSensor temperature_sensors[] = {
    {TEMP_TYPE_EDGE, "edge", "edge temperature"},
    {TEMP_TYPE_JUNCTION, "junction", "junction (hotspot) temperature"},
};

struct MemoryPool {
  int type;
  const char* id;     // after "gpuN.memory."
  const char* label;  // after "GPU N "
};
constexpr MemoryPool memory_pools[] = {
    {MEM_TYPE_VRAM, "vram.used", "VRAM used"},
    {MEM_TYPE_GTT, "gtt.used", "GTT used (system memory mapped for the GPU)"},
};

}  // namespace

Probe::Probe(UnifiedSetting unified, const Log& log) {
  std::uint32_t count = 0;
  if (const Status rc = session_.num_monitor_devices(&count); rc != STATUS_SUCCESS)
    throw sdk::failure(BL_UNSUPPORTED, "rsmi_num_monitor_devices failed: " +
                                           session_.error_text(rc) + "; " + init_failure_fix(rc));
  if (count == 0)
    throw sdk::failure(BL_UNSUPPORTED,
                       "ROCm SMI monitors no AMD GPU: check that the amdgpu driver is loaded "
                       "and that rocm-smi lists the GPU");
  std::string driver;
  if (session_.version_str_get != nullptr) {
    char text[text_size] = {};
    if (session_.version_str_get(SW_COMP_DRIVER, text, text_size) == STATUS_SUCCESS) driver = text;
  }
  for (std::uint32_t index = 0; index < count; ++index) describe_gpu(index, driver, unified, log);
  channels_.describe();
}

void Probe::describe_gpu(std::uint32_t index, const std::string& driver, UnifiedSetting unified,
                         const Log& log) {
  const std::string gpu = "gpu" + std::to_string(index);
  const std::string who = "GPU " + std::to_string(index);

  DeviceInfo described;
  described.id = gpu;
  described.driver = driver;
  if (session_.dev_name_get != nullptr) {
    char text[text_size] = {};
    if (session_.dev_name_get(index, text, text_size) == STATUS_SUCCESS) described.name = text;
  }
  if (described.name.empty()) described.name = "AMD GPU " + std::to_string(index);

  std::uint64_t vram_total = 0, gtt_total = 0;
  const Status vram_rc = session_.dev_memory_total_get(index, MEM_TYPE_VRAM, &vram_total);
  if (session_.dev_memory_total_get(index, MEM_TYPE_GTT, &gtt_total) != STATUS_SUCCESS)
    gtt_total = 0;
  bool is_apu = false;
  if (vram_rc == STATUS_SUCCESS) {
    is_apu = is_unified(unified, vram_total);
    described.memory_total_bytes = usable_memory(is_apu, vram_total, gtt_total);
  } else {
    is_apu = unified == UnifiedSetting::yes;
    described.memory_total_bytes = is_apu ? gtt_total : 0;
    log("rocm-smi: " + gpu +
        " VRAM size unknown: rsmi_dev_memory_total_get: " + session_.error_text(vram_rc));
  }
  if (is_apu) described.flags |= BL_DEVICE_UNIFIED_MEMORY;
  // An APU's power reading is the whole chip's (CPU cores included): the SoC domain.
  const std::int32_t power_domain = is_apu ? BL_DOMAIN_SOC : BL_DOMAIN_GPU;

  std::uint64_t microwatts = 0;
  PowerType type = INVALID_POWER;
  Reading power_reading = Reading::power;
  bool powered = session_.dev_power_get != nullptr &&
                 session_.dev_power_get(index, &microwatts, &type) == STATUS_SUCCESS;
  if (!powered && session_.dev_power_ave_get != nullptr &&
      session_.dev_power_ave_get(index, 0, &microwatts) == STATUS_SUCCESS) {
    powered = true;
    power_reading = Reading::power_average;
  }
  if (powered) {
    std::uint64_t cap = 0;
    const bool capped = session_.dev_power_cap_get != nullptr &&
                        session_.dev_power_cap_get(index, 0, &cap) == STATUS_SUCCESS && cap > 0;
    add(gpu, index, power_reading, 0,
        {.id = gpu + ".power",
         .label = who + (is_apu ? " package power (SoC)" : " power"),
         .quantity = BL_QUANTITY_POWER,
         .domain = power_domain,
         .limit = capped ? cap / 1e6 : 0.0});
  }

  for (const MemoryPool& pool : memory_pools) {
    std::uint64_t used = 0;
    if (session_.dev_memory_usage_get(index, pool.type, &used) != STATUS_SUCCESS) continue;
    add(gpu, index, Reading::memory_used, static_cast<std::uint32_t>(pool.type),
        {.id = gpu + ".memory." + pool.id,
         .label = who + " " + pool.label,
         .quantity = BL_QUANTITY_MEMORY,
         .domain = BL_DOMAIN_GPU});
  }

  for (const TemperatureSensor& t : temperature_sensors) {
    std::int64_t millidegrees = 0;
    if (session_.dev_temp_metric_get == nullptr ||
        session_.dev_temp_metric_get(index, t.sensor, TEMP_CURRENT, &millidegrees) !=
            STATUS_SUCCESS)
      continue;
    std::int64_t critical = 0;
    const bool known =
        session_.dev_temp_metric_get(index, t.sensor, TEMP_CRITICAL, &critical) == STATUS_SUCCESS &&
        critical > 0;
    add(gpu, index, Reading::temperature, t.sensor,
        {.id = gpu + ".temp." + t.id,
         .label = who + " " + t.label,
         .quantity = BL_QUANTITY_TEMPERATURE,
         .domain = BL_DOMAIN_GPU,
         .limit = known ? critical / 1000.0 : 0.0});
  }

  std::uint32_t percent = 0;
  if (session_.dev_busy_percent_get != nullptr &&
      session_.dev_busy_percent_get(index, &percent) == STATUS_SUCCESS)
    add(gpu, index, Reading::busy, 0,
        {.id = gpu + ".util.gpu",
         .label = who + " busy",
         .quantity = BL_QUANTITY_UTILISATION,
         .domain = BL_DOMAIN_GPU});

  devices_.add(std::move(described));
}

void Probe::add(const std::string& gpu, std::uint32_t index, Reading reading, std::uint32_t type,
                ChannelSpec channel) {
  channel.device = gpu;
  channels_.add(std::move(channel), {index, reading, type});
}

void Probe::sample(double* values) const noexcept {
  channels_.sample(values, [this](const Reader& reader) { return read(reader); });
}

double Probe::read(const Reader& r) const noexcept {
  switch (r.reading) {
    case Reading::power: {
      std::uint64_t uw = 0;
      PowerType type = INVALID_POWER;
      return session_.dev_power_get(r.device, &uw, &type) == STATUS_SUCCESS ? uw / 1e6 : nan;
    }
    case Reading::power_average: {
      std::uint64_t uw = 0;
      return session_.dev_power_ave_get(r.device, 0, &uw) == STATUS_SUCCESS ? uw / 1e6 : nan;
    }
    case Reading::memory_used: {
      std::uint64_t bytes = 0;
      return session_.dev_memory_usage_get(r.device, static_cast<int>(r.type), &bytes) ==
                     STATUS_SUCCESS
                 ? double(bytes)
                 : nan;
    }
    case Reading::temperature: {
      std::int64_t millidegrees = 0;
      return session_.dev_temp_metric_get(r.device, r.type, TEMP_CURRENT, &millidegrees) ==
                     STATUS_SUCCESS
                 ? millidegrees / 1000.0
                 : nan;
    }
    case Reading::busy: {
      std::uint32_t percent = 0;
      return session_.dev_busy_percent_get(r.device, &percent) == STATUS_SUCCESS ? percent : nan;
    }
  }
  return nan;
}

}  // namespace rsmi
