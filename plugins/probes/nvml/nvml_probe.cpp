// SPDX-License-Identifier: MIT
#include "nvml_probe.hpp"

#include <benchlab/plugin.hpp>
#include <cmath>
#include <limits>
#include <optional>

#include "system_memory.hpp"

namespace nvml {

namespace {

namespace sdk = benchlab::sdk;
using benchlab::common::ChannelSpec;
using DeviceInfo = benchlab::common::Device;

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// A text NVML writes into a buffer, or "" when the call fails.
template <class Call>
std::string text_of(Call&& call, unsigned int size) {
  std::string buffer(size, '\0');
  if (call(buffer.data(), size) != SUCCESS) return "";
  buffer.resize(buffer.find('\0') == std::string::npos ? size : buffer.find('\0'));
  return buffer;
}

struct ClockKind {
  int type;
  const char* id;     // channel id after "gpuN.clock."
  const char* label;  // after "GPU N "
};
constexpr ClockKind clock_kinds[] = {
    {CLOCK_GRAPHICS, "graphics", "graphics clock"},
    {CLOCK_SM, "sm", "SM clock"},
    {CLOCK_MEM, "memory", "memory clock"},
};

}  // namespace

Probe::Probe(const std::string& meminfo_path, const Log& log) {
  unsigned int count = 0;
  if (const Return rc = session_.device_get_count(&count); rc != SUCCESS)
    throw sdk::failure(BL_UNSUPPORTED, "nvmlDeviceGetCount failed: " + session_.error_text(rc) +
                                           "; " + init_failure_fix(rc));
  if (count == 0)
    throw sdk::failure(BL_UNSUPPORTED,
                       "NVML lists no NVIDIA GPU: check that nvidia-smi shows one and that "
                       "the GPU is not hidden from this process (CUDA_VISIBLE_DEVICES does not "
                       "apply to NVML; a container needs the GPU passed in)");
  std::string driver;
  if (session_.system_get_driver_version != nullptr)
    driver = text_of([&](char* b, unsigned n) { return session_.system_get_driver_version(b, n); },
                     SYSTEM_DRIVER_VERSION_BUFFER_SIZE);
  for (unsigned index = 0; index < count; ++index) describe_gpu(index, driver, meminfo_path, log);
  if (devices_.size() == 0)
    throw sdk::failure(BL_UNSUPPORTED,
                       "NVML lists " + std::to_string(count) +
                           " GPU(s) but none could be opened (see the log): check that "
                           "nvidia-smi can read them");
  channels_.describe();
}

void Probe::describe_gpu(unsigned index, const std::string& driver, const std::string& meminfo_path,
                         const Log& log) {
  const std::string gpu = "gpu" + std::to_string(index);
  const std::string who = "GPU " + std::to_string(index);
  Device device = nullptr;
  if (const Return rc = session_.device_get_handle_by_index(index, &device); rc != SUCCESS) {
    log("nvml: " + gpu + " left out: nvmlDeviceGetHandleByIndex: " + session_.error_text(rc));
    return;
  }

  DeviceInfo described;
  described.id = gpu;
  described.driver = driver;
  if (session_.device_get_name != nullptr)
    described.name =
        text_of([&](char* b, unsigned n) { return session_.device_get_name(device, b, n); },
                DEVICE_NAME_V2_BUFFER_SIZE);
  if (described.name.empty()) described.name = "NVIDIA GPU " + std::to_string(index);

  // A GPU without memory of its own (GB10) answers NOT_SUPPORTED: it uses system memory,
  // whose use the memory probe samples; so no memory channel here.
  Memory memory{};
  const Return memory_rc = session_.device_get_memory_info != nullptr
                               ? session_.device_get_memory_info(device, &memory)
                               : ERROR_FUNCTION_NOT_FOUND;
  if (memory_rc == SUCCESS) {
    described.memory_total_bytes = memory.total;
    add(gpu, device, Reading::memory_used, 0,
        {.id = gpu + ".memory.used",
         .label = who + " memory used",
         .quantity = BL_QUANTITY_MEMORY,
         .domain = BL_DOMAIN_GPU});
  } else if (memory_rc == ERROR_NOT_SUPPORTED) {
    described.flags |= BL_DEVICE_UNIFIED_MEMORY;
    if (const std::optional<std::uint64_t> total = read_mem_total(meminfo_path))
      described.memory_total_bytes = *total;
    else
      log("nvml: " + gpu + " uses system memory, but MemTotal could not be read from " +
          meminfo_path + ": its memory is reported as unknown");
  } else {
    log("nvml: " + gpu + " memory unknown: nvmlDeviceGetMemoryInfo: " +
        (memory_rc == ERROR_FUNCTION_NOT_FOUND ? std::string("not in this NVML")
                                               : session_.error_text(memory_rc)));
  }

  unsigned int milliwatts = 0;
  if (session_.device_get_power_usage != nullptr &&
      session_.device_get_power_usage(device, &milliwatts) == SUCCESS) {
    unsigned int cap_mw = 0;
    const bool capped = session_.device_get_power_management_limit != nullptr &&
                        session_.device_get_power_management_limit(device, &cap_mw) == SUCCESS;
    add(gpu, device, Reading::power, 0,
        {.id = gpu + ".power",
         .label = who + " power",
         .quantity = BL_QUANTITY_POWER,
         .domain = BL_DOMAIN_GPU,
         .limit = capped ? cap_mw / 1000.0 : 0.0});
  }

  unsigned long long millijoules = 0;
  if (session_.device_get_total_energy_consumption != nullptr &&
      session_.device_get_total_energy_consumption(device, &millijoules) == SUCCESS)
    // A 64-bit count of mJ since the driver loaded: it does not wrap in practice.
    add(gpu, device, Reading::energy, 0,
        {.id = gpu + ".energy",
         .label = who + " energy since driver load",
         .quantity = BL_QUANTITY_ENERGY,
         .domain = BL_DOMAIN_GPU,
         .kind = BL_CHANNEL_COUNTER});

  for (const ClockKind& clock : clock_kinds) {
    unsigned int mhz = 0;
    if (session_.device_get_clock_info == nullptr ||
        session_.device_get_clock_info(device, clock.type, &mhz) != SUCCESS)
      continue;
    unsigned int max_mhz = 0;
    const bool known =
        session_.device_get_max_clock_info != nullptr &&
        session_.device_get_max_clock_info(device, clock.type, &max_mhz) == SUCCESS && max_mhz > 0;
    add(gpu, device, Reading::clock, clock.type,
        {.id = gpu + ".clock." + clock.id,
         .label = who + " " + clock.label,
         .quantity = BL_QUANTITY_FREQUENCY,
         .domain = BL_DOMAIN_GPU,
         .limit = known ? max_mhz * 1e6 : 0.0});
  }

  Utilization utilization{};
  if (session_.device_get_utilization_rates != nullptr &&
      session_.device_get_utilization_rates(device, &utilization) == SUCCESS) {
    add(gpu, device, Reading::utilization_gpu, 0,
        {.id = gpu + ".util.gpu",
         .label = who + " busy (kernels running)",
         .quantity = BL_QUANTITY_UTILISATION,
         .domain = BL_DOMAIN_GPU});
    add(gpu, device, Reading::utilization_memory, 0,
        {.id = gpu + ".util.memory",
         .label = who + " memory busy (reads and writes)",
         .quantity = BL_QUANTITY_UTILISATION,
         .domain = BL_DOMAIN_GPU});
  }

  unsigned int celsius = 0;
  if (session_.device_get_temperature != nullptr &&
      session_.device_get_temperature(device, TEMPERATURE_GPU, &celsius) == SUCCESS) {
    unsigned int slowdown = 0;
    const bool known = session_.device_get_temperature_threshold != nullptr &&
                       session_.device_get_temperature_threshold(
                           device, TEMPERATURE_THRESHOLD_SLOWDOWN, &slowdown) == SUCCESS &&
                       slowdown > 0;
    add(gpu, device, Reading::temperature, 0,
        {.id = gpu + ".temp",
         .label = who + " temperature",
         .quantity = BL_QUANTITY_TEMPERATURE,
         .domain = BL_DOMAIN_GPU,
         .limit = known ? double(slowdown) : 0.0});
  }

  unsigned long long reasons = 0;
  if (session_.device_get_clock_reasons != nullptr &&
      session_.device_get_clock_reasons(device, &reasons) == SUCCESS)
    add(gpu, device, Reading::throttle, 0,
        {.id = gpu + ".throttle",
         .label = who + " clocks held down by a power cap or a thermal limit",
         .quantity = BL_QUANTITY_THROTTLE,
         .domain = BL_DOMAIN_GPU});

  devices_.add(std::move(described));
}

void Probe::add(const std::string& gpu, nvml::Device device, Reading reading, int type,
                ChannelSpec channel) {
  channel.device = gpu;
  channels_.add(std::move(channel), {device, reading, type});
}

void Probe::sample(double* values) const noexcept {
  channels_.sample(values, [this](const Reader& reader) { return read(reader); });
}

double Probe::read(const Reader& r) const noexcept {
  switch (r.reading) {
    case Reading::power: {
      unsigned int mw = 0;
      return session_.device_get_power_usage(r.device, &mw) == SUCCESS ? mw / 1000.0 : nan;
    }
    case Reading::energy: {
      unsigned long long mj = 0;
      return session_.device_get_total_energy_consumption(r.device, &mj) == SUCCESS
                 ? double(mj) / 1000.0
                 : nan;
    }
    case Reading::memory_used: {
      Memory m{};
      return session_.device_get_memory_info(r.device, &m) == SUCCESS ? double(m.used) : nan;
    }
    case Reading::clock: {
      unsigned int mhz = 0;
      return session_.device_get_clock_info(r.device, r.type, &mhz) == SUCCESS ? mhz * 1e6 : nan;
    }
    case Reading::utilization_gpu:
    case Reading::utilization_memory: {
      Utilization u{};
      if (session_.device_get_utilization_rates(r.device, &u) != SUCCESS) return nan;
      return r.reading == Reading::utilization_gpu ? u.gpu : u.memory;
    }
    case Reading::temperature: {
      unsigned int c = 0;
      return session_.device_get_temperature(r.device, TEMPERATURE_GPU, &c) == SUCCESS ? c : nan;
    }
    case Reading::throttle: {
      unsigned long long reasons = 0;
      if (session_.device_get_clock_reasons(r.device, &reasons) != SUCCESS) return nan;
      return (reasons & throttle_reasons) != 0 ? 1.0 : 0.0;
    }
  }
  return nan;
}

}  // namespace nvml
