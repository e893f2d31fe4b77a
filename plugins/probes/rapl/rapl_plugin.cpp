// SPDX-License-Identifier: MIT
// The rapl probe plugin: powercap energy counters per RAPL zone, opened once and re-read
// with pread on every sample. See docs/probes/rapl.md.
#include <benchlab/plugin.h>

#include <benchlab/plugin.hpp>
#include <benchlab_common/probe_channels.hpp>
#include <benchlab_common/probe_plugin.hpp>
#include <benchlab_common/sysfs_file.hpp>
#include <benchlab_common/sysroot.hpp>
#include <cerrno>
#include <cmath>
#include <string>
#include <vector>

#include "powercap_zones.hpp"
#include "rapl_channels.hpp"

namespace {

using benchlab::sdk::failure;
namespace common = benchlab::common;
namespace rapl = benchlab::rapl;

class RaplProbe {
 public:
  explicit RaplProbe(const bl_host* host) {
    const std::string powercap =
        common::under_sysroot(common::sysroot_of(host), "/sys/class/powercap");
    const auto zones = rapl::find_rapl_zones(powercap);
    if (zones.empty())
      throw failure(BL_UNSUPPORTED,
                    "no RAPL powercap zones under " + powercap +
                        ": the kernel lacks intel_rapl (modprobe intel_rapl_common / "
                        "intel_rapl_msr), or this is a VM");
    auto plan = rapl::plan_rapl_channels(zones);
    for (const auto& skipped : plan.skipped)
      common::log(host, BL_LOG_INFO, "rapl: skipped " + skipped);

    for (auto& channel : plan.channels) {
      common::SysfsFile file(channel.energy_path);
      if (!file.is_open())
        throw failure(BL_UNSUPPORTED, common::read_failure(file.path(), file.open_error()));
      // Read once now: a file that opens but cannot be read (a directory, a driver error)
      // must not look like a probe that works.
      int error = 0;
      if (!file.read_integer(&error))
        throw failure(BL_UNSUPPORTED, error == EINVAL ? file.path() + " holds no energy count in µJ"
                                                      : common::read_failure(file.path(), error));
      if (channel.spec.counter_range == 0) {
        // Root-only like energy_uj since Linux 5.10: a rule that opens one must open both.
        const std::string range = channel.zone_dir + "/max_energy_range_uj";
        int range_error = 0;
        const auto value = common::read_integer_file(range, &range_error);
        common::log(host, BL_LOG_WARN,
                    "rapl: " + channel.spec.id + " has no counter range (" +
                        (value ? range + " reads " + std::to_string(*value)
                               : common::read_failure(range, range_error)) +
                        "): a wrap of its counter during a trial cannot be undone");
      }
      energy_.push_back(std::move(file));
      specs_.push_back(std::move(channel.spec));
    }
    descs_ = common::describe_channels(specs_);
  }

  const std::vector<bl_channel_desc>& channels() const noexcept { return descs_; }

  void sample(double* values) const noexcept {
    for (std::size_t i = 0; i < energy_.size(); ++i) {
      const auto uj = energy_[i].read_integer();
      values[i] = uj ? static_cast<double>(*uj) / 1e6 : std::nan("");
    }
  }

 private:
  std::vector<common::ChannelSpec> specs_;
  std::vector<bl_channel_desc> descs_;
  std::vector<common::SysfsFile> energy_;  // energy_uj of each channel, same order
};

using entry = common::probe_entry_points<RaplProbe>;
constexpr bl_probe probe = entry::table();
constexpr bl_plugin plugin = common::probe_plugin(
    "rapl", "1.0.0",
    "CPU energy counters of Linux powercap (RAPL: package, core, uncore, dram, psys)", "benchlab",
    probe);

}  // namespace

extern "C" BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t major_min,
                                                            uint32_t major_max) {
  return benchlab::sdk::offer(plugin, major_min, major_max);
}
