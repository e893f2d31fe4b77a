// SPDX-License-Identifier: MIT
// The nvml probe's state: NVML's session, one reader per channel of every GPU, and the
// GPUs as the devices extension describes them. Which channels a GPU has is decided once,
// in the constructor, by asking NVML for each reading: NOT_SUPPORTED leaves it out.
#pragma once

#include <benchlab_common/channel_readers.hpp>
#include <benchlab_common/device_table.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "nvml_session.hpp"

namespace nvml {

class Probe {
 public:
  using Log = std::function<void(const std::string&)>;

  // [main] Initialises NVML (see Session) and describes every GPU it lists. `meminfo_path`
  // is <sysroot>/proc/meminfo, read for the memory of a unified-memory GPU; `log` hears
  // about GPUs and readings left out. Throws sdk::failure(BL_UNSUPPORTED) when NVML is
  // unavailable or lists no GPU.
  Probe(const std::string& meminfo_path, const Log& log);

  const std::vector<bl_channel_desc>& channels() const noexcept { return channels_.channels(); }
  const benchlab::common::DeviceTable& devices() const noexcept { return devices_; }

  // [any] Reads every channel into values (NaN where NVML answers an error now). Thread-safe: NVML
  // is, and nothing here changes.
  void sample(double* values) const noexcept;

  // The clock-event reasons that count as throttling: a power cap or a thermal limit
  // slowing the clocks (software or hardware), or the external power brake.
  static constexpr unsigned long long throttle_reasons =
      CLOCKS_EVENT_REASON_SW_POWER_CAP | CLOCKS_THROTTLE_REASON_HW_SLOWDOWN |
      CLOCKS_EVENT_REASON_SW_THERMAL_SLOWDOWN | CLOCKS_THROTTLE_REASON_HW_THERMAL_SLOWDOWN |
      CLOCKS_THROTTLE_REASON_HW_POWER_BRAKE_SLOWDOWN;

 private:
  enum class Reading : std::uint8_t {
    power,               // nvmlDeviceGetPowerUsage, mW -> W
    energy,              // nvmlDeviceGetTotalEnergyConsumption, mJ -> J
    memory_used,         // nvmlDeviceGetMemoryInfo.used, bytes
    clock,               // nvmlDeviceGetClockInfo(type), MHz -> Hz
    utilization_gpu,     // nvmlDeviceGetUtilizationRates.gpu, percent
    utilization_memory,  // nvmlDeviceGetUtilizationRates.memory, percent
    temperature,         // nvmlDeviceGetTemperature(GPU), degrees C
    throttle,            // clock-event reasons: 1 when one of throttle_reasons is active
  };
  struct Reader {
    Device device;
    Reading reading;
    int type;  // the nvmlClockType_t of a clock
  };

  void describe_gpu(unsigned index, const std::string& driver, const std::string& meminfo_path,
                    const Log& log);
  // Channel `channel` of the GPU `gpu` ("gpu0"), filled by `reading`.
  void add(const std::string& gpu, Device device, Reading reading, int type,
           benchlab::common::ChannelSpec channel);
  // [any] One reading; NaN on any NVML error.
  double read(const Reader& reader) const noexcept;

  Session session_;
  benchlab::common::ChannelReaders<Reader> channels_;
  benchlab::common::DeviceTable devices_;
};

}  // namespace nvml
