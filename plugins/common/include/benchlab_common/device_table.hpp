// SPDX-License-Identifier: MIT
// The devices a GPU probe instance reports through the extension "benchlab.probe.devices/1"
// (ext/probe_devices.h): owned strings and the bl_device_desc array that points into
// them, valid until close. Header-only.
#pragma once

#include <benchlab/ext/probe_devices.h>

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace benchlab::common {

// One device as a probe describes it (bl_device_desc, with owned strings).
struct Device {
  std::string id;  // "gpu0": the `device` of the probe's channels
  int32_t kind = BL_DEVICE_GPU;
  uint32_t flags = 0;  // BL_DEVICE_UNIFIED_MEMORY
  std::string name;    // "NVIDIA GeForce RTX 4090"
  std::string driver;  // "" when unknown
  uint64_t memory_total_bytes = 0;
};

class DeviceTable {
 public:
  // [main] Appends a device. Its strings never move (deque storage); the array data()
  // returns does, so a probe adds every device before devices() is asked.
  void add(Device device) {
    const Device& kept = devices_.emplace_back(std::move(device));
    bl_device_desc d{};
    d.struct_size = sizeof(bl_device_desc);
    d.id = kept.id.c_str();
    d.kind = kept.kind;
    d.flags = kept.flags;
    d.name = kept.name.c_str();
    d.driver = kept.driver.empty() ? nullptr : kept.driver.c_str();
    d.memory_total_bytes = kept.memory_total_bytes;
    descs_.push_back(d);
  }
  const bl_device_desc* data() const noexcept { return descs_.data(); }
  uint32_t size() const noexcept { return static_cast<uint32_t>(descs_.size()); }
  const Device& operator[](std::size_t i) const { return devices_[i]; }

 private:
  std::deque<Device> devices_;
  std::vector<bl_device_desc> descs_;
};

}  // namespace benchlab::common
