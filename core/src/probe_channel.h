/* SPDX-License-Identifier: MIT */
// What the core knows of a probe plugin's channels and devices, as plain C++ values: read
// from the sampler worker's frames (sampler.h), stored in the channels table, and used to
// turn samples into trial values (energy.h) and GPUs into inventory (requirement_gate.h).
#pragma once

#include <benchlab/plugin.h>

#include <cstdint>
#include <string>
#include <vector>

namespace benchlab {

struct ChannelInfo {
  std::string probe;  // the probe plugin's id, e.g. "rapl"
  std::string id;     // unique within the probe, e.g. "package-0"
  std::string label;
  int32_t quantity = 0;  // BL_QUANTITY_*
  int32_t domain = 0;    // BL_DOMAIN_*
  int32_t kind = BL_CHANNEL_INSTANT;
  double counter_range = 0;  // COUNTER: where it wraps to 0; 0 never
  std::string parent;        // id of the channel of the same probe that contains it; "" none
  std::string device;        // e.g. "gpu0"; "" none
  double limit = 0;          // temperature where it throttles, power cap, max frequency; 0 unknown
};

struct DeviceInfo {
  std::string probe;  // which probe reported it
  std::string id;     // e.g. "gpu0"
  int32_t kind = 0;   // BL_DEVICE_*
  bool unified = false;
  std::string name, driver;
  std::uint64_t memory_total_bytes = 0;
};

// One sample() call of one probe: its time (CLOCK_MONOTONIC ns) and one value per channel,
// NaN where the channel had no reading.
struct SampleRow {
  std::uint64_t t_ns = 0;
  std::vector<double> values;
};

}  // namespace benchlab
