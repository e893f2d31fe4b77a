// The nvml probe plugin: NVIDIA GPUs' power, energy, memory, clocks, utilisation,
// temperature and throttling through NVML, loaded at run time (nvml_session.hpp), and
// the GPUs themselves through the extension "benchlab.probe.devices/1". The plugin file
// only glues nvml::Probe to the ABI. See docs/probes/nvml.md.
#include <benchlab/ext/probe_devices.h>

#include <benchlab/plugin.hpp>
#include <benchlab_common/sysroot.hpp>
#include <cstring>
#include <memory>
#include <string>

#include "nvml_probe.hpp"

namespace {

namespace sdk = benchlab::sdk;

struct Instance {
  const bl_host* host;
  std::unique_ptr<nvml::Probe> probe;
};

int32_t open(const bl_host* host, void** out_instance) noexcept {
  if (out_instance == nullptr) return BL_INVALID_ARGUMENT;
  *out_instance = nullptr;
  if (host == nullptr) return BL_INVALID_ARGUMENT;
  return sdk::guarded(host, [&]() -> int32_t {
    const std::string meminfo =
        benchlab::common::under_sysroot(benchlab::common::sysroot_of(host), "/proc/meminfo");
    auto instance = std::make_unique<Instance>(Instance{host, nullptr});
    instance->probe = std::make_unique<nvml::Probe>(
        meminfo, [host](const std::string& line) { host->log(host, BL_LOG_INFO, line.c_str()); });
    *out_instance = instance.release();
    return BL_OK;
  });
}

void close(void* instance) noexcept { delete static_cast<Instance*>(instance); }

int32_t channels(void* instance, const bl_channel_desc** out, uint32_t* count) noexcept {
  if (instance == nullptr || out == nullptr || count == nullptr) return BL_INVALID_ARGUMENT;
  const auto& table = static_cast<Instance*>(instance)->probe->channels();
  *out = table.data();
  *count = table.size();
  return BL_OK;
}

int32_t sample(void* instance, double* values, uint32_t count) noexcept {
  if (instance == nullptr || (values == nullptr && count > 0)) return BL_INVALID_ARGUMENT;
  static_cast<Instance*>(instance)->probe->sample(values, count);
  return BL_OK;
}

int32_t devices(void* instance, const bl_device_desc** out, uint32_t* count) noexcept {
  if (instance == nullptr || out == nullptr || count == nullptr) return BL_INVALID_ARGUMENT;
  const auto& table = static_cast<Instance*>(instance)->probe->devices();
  *out = table.data();
  *count = table.size();
  return BL_OK;
}

constexpr bl_probe_devices_ext devices_ext{sizeof(bl_probe_devices_ext), devices};

const void* get_extension(const char* id) noexcept {
  if (id != nullptr && std::strcmp(id, BL_EXT_PROBE_DEVICES) == 0) return &devices_ext;
  return nullptr;
}

constexpr bl_probe probe{sizeof(bl_probe), open, close, channels, sample, 0, nullptr};

constexpr bl_plugin plugin{
    sizeof(bl_plugin),
    BL_ABI_MAJOR,
    BL_ABI_MINOR,
    BL_KIND_PROBE,
    "nvml",
    "1.0.0",
    "NVIDIA GPUs through NVML: power, energy, memory, clocks, utilisation, temperature, "
    "throttling",
    "benchlab",
    nullptr,
    &probe,
    get_extension,
};

}  // namespace

extern "C" BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t host_abi_major_min,
                                                            uint32_t host_abi_major_max) {
  return sdk::offer(plugin, host_abi_major_min, host_abi_major_max);
}
