// SPDX-License-Identifier: MIT
// The rocm-smi probe plugin: AMD GPUs' power, VRAM and GTT use, temperatures and
// utilisation through ROCm SMI, loaded at run time (rocm_smi_session.hpp), and the GPUs
// themselves through the extension "benchlab.probe.devices/1". The plugin file only glues
// rsmi::Probe to the ABI. See docs/probes/rocm-smi.md.
#include <benchlab/plugin.hpp>
#include <benchlab_common/probe_plugin.hpp>
#include <iterator>
#include <string>

#include "rocm_smi_probe.hpp"

namespace {

namespace common = benchlab::common;
namespace sdk = benchlab::sdk;

constexpr const char* unified_values[] = {"auto", "yes", "no", nullptr};

constexpr bl_option_desc options[] = {
    {sizeof(bl_option_desc), "unified", BL_OPTION_ENUM, 0, "auto", unified_values, 0, 0,
     "whether the GPUs use system memory (APU): auto = when VRAM is under 1 GiB (a BIOS "
     "carve-out); yes for an APU with a larger carve-out; no to count VRAM only"},
};

// [main] The operator's option "unified".
rsmi::UnifiedSetting unified_option(const bl_host* host) {
  return static_cast<rsmi::UnifiedSetting>(
      sdk::option_enum(host, "unified", unified_values,
                       {.invalid = "rocm-smi: option unified is '{value}': give one of {allowed}",
                        .missing = nullptr}));
}

// rsmi::Probe over the host: its option "unified", and its log at INFO.
class RocmSmiProbe : public rsmi::Probe {
 public:
  explicit RocmSmiProbe(const bl_host* host)
      : rsmi::Probe(unified_option(host),
                    [host](const std::string& line) { common::log(host, BL_LOG_INFO, line); }) {}
};

using entry = common::probe_entry_points<RocmSmiProbe>;
using devices = common::probe_devices_entry_points<RocmSmiProbe>;
constexpr bl_probe probe = entry::table(std::size(options), options);
constexpr bl_plugin plugin = common::probe_plugin(
    "rocm-smi", "1.0.0",
    "AMD GPUs through ROCm SMI: power, VRAM and GTT use, temperatures, utilisation", "benchlab",
    probe, devices::get_extension);

}  // namespace

extern "C" BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t host_abi_major_min,
                                                            uint32_t host_abi_major_max) {
  return sdk::offer(plugin, host_abi_major_min, host_abi_major_max);
}
