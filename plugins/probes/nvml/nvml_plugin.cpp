// SPDX-License-Identifier: MIT
// The nvml probe plugin: NVIDIA GPUs' power, energy, memory, clocks, utilisation,
// temperature and throttling through NVML, loaded at run time (nvml_session.hpp), and
// the GPUs themselves through the extension "benchlab.probe.devices/1". The plugin file
// only glues nvml::Probe to the ABI. See docs/probes/nvml.md.
#include <benchlab/plugin.hpp>
#include <benchlab_common/probe_plugin.hpp>
#include <benchlab_common/sysroot.hpp>
#include <string>

#include "nvml_probe.hpp"

namespace {

namespace common = benchlab::common;

// nvml::Probe over the host: its sysroot's /proc/meminfo, and its log at INFO.
class NvmlProbe : public nvml::Probe {
 public:
  explicit NvmlProbe(const bl_host* host)
      : nvml::Probe(common::under_sysroot(common::sysroot_of(host), "/proc/meminfo"),
                    [host](const std::string& line) { common::log(host, BL_LOG_INFO, line); }) {}
};

using entry = common::probe_entry_points<NvmlProbe>;
using devices = common::probe_devices_entry_points<NvmlProbe>;
constexpr bl_probe probe = entry::table();
constexpr bl_plugin plugin = common::probe_plugin(
    "nvml", "1.0.0",
    "NVIDIA GPUs through NVML: power, energy, memory, clocks, utilisation, temperature, "
    "throttling",
    "benchlab", probe, devices::get_extension);

}  // namespace

extern "C" BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t host_abi_major_min,
                                                            uint32_t host_abi_major_max) {
  return benchlab::sdk::offer(plugin, host_abi_major_min, host_abi_major_max);
}
