// The rocm-smi probe plugin: AMD GPUs' power, VRAM and GTT use, temperatures and
// utilisation through ROCm SMI, loaded at run time (rocm_smi_session.hpp), and the GPUs
// themselves through the extension "benchlab.probe.devices/1". The plugin file only glues
// rsmi::Probe to the ABI. See docs/probes/rocm-smi.md.
#include <benchlab/ext/probe_devices.h>

#include <benchlab/plugin.hpp>
#include <cstring>
#include <iterator>
#include <memory>
#include <string>

#include "rocm_smi_probe.hpp"

namespace {

namespace sdk = benchlab::sdk;

constexpr const char* unified_values[] = {"auto", "yes", "no", nullptr};

constexpr bl_option_desc options[] = {
    {sizeof(bl_option_desc), "unified", BL_OPTION_ENUM, 0, "auto", unified_values, 0, 0,
     "whether the GPUs use system memory (APU): auto = when VRAM is under 1 GiB (a BIOS "
     "carve-out); yes for an APU with a larger carve-out; no to count VRAM only"},
};

struct Instance {
  std::unique_ptr<rsmi::Probe> probe;
};

int32_t open(const bl_host* host, void** out_instance) noexcept {
  if (out_instance == nullptr) return BL_INVALID_ARGUMENT;
  *out_instance = nullptr;
  if (host == nullptr) return BL_INVALID_ARGUMENT;
  return sdk::guarded(host, [&]() -> int32_t {
    const auto unified = static_cast<rsmi::UnifiedSetting>(
        sdk::option_enum(host, "unified", unified_values,
                         {.invalid = "rocm-smi: option unified is '{value}': give one of {allowed}",
                          .missing = nullptr}));
    auto instance = std::make_unique<Instance>();
    instance->probe = std::make_unique<rsmi::Probe>(
        unified, [host](const std::string& line) { host->log(host, BL_LOG_INFO, line.c_str()); });
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

constexpr bl_probe probe{sizeof(bl_probe),   open,   close, channels, sample,
                         std::size(options), options};

constexpr bl_plugin plugin{
    sizeof(bl_plugin),
    BL_ABI_MAJOR,
    BL_ABI_MINOR,
    BL_KIND_PROBE,
    "rocm-smi",
    "1.0.0",
    "AMD GPUs through ROCm SMI: power, VRAM and GTT use, temperatures, utilisation",
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
