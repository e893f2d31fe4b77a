// SPDX-License-Identifier: MIT
// The rocm-smi probe's state: ROCm SMI's session, one reader per channel of every AMD GPU,
// and the GPUs as the devices extension describes them. Which channels a GPU has is decided
// once, in the constructor, by asking ROCm SMI for each reading: an error leaves it out.
#pragma once

#include <benchlab_common/channel_readers.hpp>
#include <benchlab_common/device_table.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "rocm_smi_session.hpp"
#include "unified_memory.hpp"

namespace rsmi {

class Probe {
 public:
  using Log = std::function<void(const std::string&)>;

  // [main] Initialises ROCm SMI (see Session) and describes every GPU it monitors;
  // `unified` is the operator's option (unified_memory.hpp). `log` hears about GPUs and
  // readings left out. Throws sdk::failure(BL_UNSUPPORTED) when ROCm SMI is unavailable or
  // monitors no GPU.
  Probe(UnifiedSetting unified, const Log& log);

  const std::vector<bl_channel_desc>& channels() const noexcept { return channels_.channels(); }
  const benchlab::common::DeviceTable& devices() const noexcept { return devices_; }

  // [any] Reads every channel into values (NaN where ROCm SMI answers an error now).
  // ROCm SMI guards its calls with its own lock.
  void sample(double* values) const noexcept;

 private:
  enum class Reading : std::uint8_t {
    power,          // rsmi_dev_power_get, µW -> W
    power_average,  // rsmi_dev_power_ave_get(sensor 0), µW -> W (ROCm before 6.1)
    memory_used,    // rsmi_dev_memory_usage_get(type), bytes
    temperature,    // rsmi_dev_temp_metric_get(sensor, CURRENT), m°C -> °C
    busy,           // rsmi_dev_busy_percent_get, percent
  };
  struct Reader {
    std::uint32_t device;
    Reading reading;
    std::uint32_t type;  // the memory type or temperature sensor
  };

  void describe_gpu(std::uint32_t index, const std::string& driver, UnifiedSetting unified,
                    const Log& log);
  void add(const std::string& gpu, std::uint32_t index, Reading reading, std::uint32_t type,
           benchlab::common::ChannelSpec channel);
  double read(const Reader& reader) const noexcept;

  Session session_;
  benchlab::common::ChannelReaders<Reader> channels_;
  benchlab::common::DeviceTable devices_;
};

}  // namespace rsmi
