// SPDX-License-Identifier: MIT
// The C++ glue every probe plugin repeats, in the manner of benchlab/plugin.hpp's
// entry_points for workloads: the bl_probe calls for an instance type, the descriptor, and
// what a probe reads from its host (logging; sysroot_of is sysroot.hpp's, included here).
// Header-only, hidden visibility.
//
// An Instance provides:
//   explicit Instance(const bl_host* host);  // [main] throws sdk::failure(BL_UNSUPPORTED,
//                                            // reason and fix) when it cannot sample here
//   const std::vector<bl_channel_desc>& channels() const noexcept;
//   void sample(double* values) const noexcept;  // [sampler] one value per channel, NaN
//                                                // where there is no reading; thread-safe
#pragma once

#include <benchlab/ext/probe_devices.h>
#include <benchlab/plugin.h>

#include <benchlab/plugin.hpp>
#include <benchlab_common/sysfs_file.hpp>
#include <benchlab_common/sysroot.hpp>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace benchlab::common {

// [any] host->log() with a std::string; nothing when the host gives no log function.
inline void log(const bl_host* host, int32_t level, const std::string& message) noexcept {
  if (host->log) host->log(host, level, message.c_str());
}

// [main] Throws sdk::failure(BL_ERROR) when `file` could not be opened for want of file
// descriptors (EMFILE, ENFILE). Probes keep one descriptor per sampled file (cpufreq about
// two per CPU), and a probe that skipped such files would lose channels without a word.
inline void require_descriptor(const SysfsFile& file, const char* probe_id) {
  const int error = file.is_open() ? 0 : file.open_error();
  if (error != EMFILE && error != ENFILE) return;
  throw sdk::failure(BL_ERROR, std::string(probe_id) + ": out of file descriptors opening " +
                                   file.path() +
                                   ": raise the limit of open files (ulimit -n, or "
                                   "LimitNOFILE= of a systemd unit)");
}

template <class Instance>
struct probe_entry_points {
  // [main] *out = a new Instance; its constructor's failure becomes the status and reason.
  static int32_t open(const bl_host* host, void** out) noexcept {
    if (out == nullptr) return BL_INVALID_ARGUMENT;
    *out = nullptr;
    if (host == nullptr) return BL_INVALID_ARGUMENT;
    return sdk::guarded(host, [&]() -> int32_t {
      auto instance = std::make_unique<Instance>(host);
      *out = instance.release();
      return BL_OK;
    });
  }
  // [main] close(NULL) is a no-op.
  static void close(void* instance) noexcept {
    std::unique_ptr<Instance> owned(static_cast<Instance*>(instance));
  }
  // [main]
  static int32_t channels(void* instance, const bl_channel_desc** out, uint32_t* count) noexcept {
    if (instance == nullptr || out == nullptr || count == nullptr) return BL_INVALID_ARGUMENT;
    const auto& descs = static_cast<const Instance*>(instance)->channels();
    *out = descs.data();
    *count = static_cast<uint32_t>(descs.size());
    return BL_OK;
  }
  // [sampler] `count` must be the number of channels.
  static int32_t sample(void* instance, double* values, uint32_t count) noexcept {
    if (instance == nullptr || (values == nullptr && count != 0)) return BL_INVALID_ARGUMENT;
    const auto& self = *static_cast<const Instance*>(instance);
    if (count != self.channels().size()) return BL_INVALID_ARGUMENT;
    self.sample(values);
    return BL_OK;
  }

  // The bl_probe table; `options` static, as plugin.h requires.
  static constexpr bl_probe table(uint32_t option_count = 0,
                                  const bl_option_desc* options = nullptr) noexcept {
    bl_probe probe{};
    probe.struct_size = sizeof(bl_probe);
    probe.open = open;
    probe.close = close;
    probe.channels = channels;
    probe.sample = sample;
    probe.option_count = option_count;
    probe.options = options;
    return probe;
  }
};

// The extension "benchlab.probe.devices/1" (ext/probe_devices.h) for an Instance that also
// provides
//   const DeviceTable& devices() const noexcept;  // device_table.hpp; or any table with
//                                                 // data() and size()
// get_extension goes into probe_plugin's descriptor.
template <class Instance>
struct probe_devices_entry_points {
  // [main]
  static int32_t devices(void* instance, const bl_device_desc** out, uint32_t* count) noexcept {
    if (instance == nullptr || out == nullptr || count == nullptr) return BL_INVALID_ARGUMENT;
    const auto& table = static_cast<const Instance*>(instance)->devices();
    *out = table.data();
    *count = static_cast<uint32_t>(table.size());
    return BL_OK;
  }
  static constexpr bl_probe_devices_ext table{sizeof(bl_probe_devices_ext), devices};
  // [any]
  static const void* get_extension(const char* id) noexcept {
    if (id != nullptr && std::strcmp(id, BL_EXT_PROBE_DEVICES) == 0) return &table;
    return nullptr;
  }
};

// [any] A probe plugin's descriptor, as sdk::workload_plugin is a workload's; every pointer
// static. `get_extension` may be NULL (no extension).
constexpr bl_plugin probe_plugin(const char* id, const char* version, const char* description,
                                 const char* vendor, const bl_probe& probe,
                                 const void* (*get_extension)(const char*) = nullptr) noexcept {
  bl_plugin plugin{};
  plugin.struct_size = sizeof(bl_plugin);
  plugin.abi_major = BL_ABI_MAJOR;
  plugin.abi_minor = BL_ABI_MINOR;
  plugin.kind = BL_KIND_PROBE;
  plugin.id = id;
  plugin.version = version;
  plugin.description = description;
  plugin.vendor = vendor;
  plugin.probe = &probe;
  plugin.get_extension = get_extension;
  return plugin;
}

}  // namespace benchlab::common
