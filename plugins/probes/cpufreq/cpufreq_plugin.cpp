// SPDX-License-Identifier: MIT
// The cpufreq probe plugin: the current frequency of every online CPU and the mean of
// each cluster, and the kernel's thermal throttle counters. See docs/probes/cpufreq.md.
#include <benchlab/plugin.h>

#include <benchlab/plugin.hpp>
#include <benchlab_common/background_reader.hpp>
#include <benchlab_common/probe_channels.hpp>
#include <benchlab_common/probe_plugin.hpp>
#include <benchlab_common/sysfs_file.hpp>
#include <benchlab_common/sysroot.hpp>
#include <cmath>
#include <map>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "cpu_clusters.hpp"
#include "cpu_list.hpp"

namespace {

using benchlab::sdk::failure;
namespace common = benchlab::common;
namespace cpufreq = benchlab::cpufreq;

constexpr bl_option_desc options[] = {
    {sizeof(bl_option_desc), "slow_read_us", BL_OPTION_INT, 0, "500", nullptr, 0, 10000000,
     "when reading every CPU once takes longer than this (µs), timed at open (CPPC counters "
     "read by IPI on many-core Arm parts), a thread of the probe reads them and samples take "
     "its latest reading; 0 always does"},
};

class CpufreqProbe {
 public:
  explicit CpufreqProbe(const bl_host* host) {
    const auto slow_read = std::chrono::microseconds(benchlab::sdk::option_int(
        host, "slow_read_us", 0, 10000000,
        {.invalid = "cpufreq: option slow_read_us=\"{value}\" is not a whole number of µs in "
                    "[{min}, {max}]",
         .missing = "cpufreq: option slow_read_us has no value"}));
    const std::string root = common::under_sysroot(common::sysroot_of(host), "");
    const std::string cpu_root = root + "/sys/devices/system/cpu";
    const auto cpus = cpufreq::online_cpus(root);
    const auto dir = [&](int cpu) { return cpu_root + "/cpu" + std::to_string(cpu); };

    // One channel per online CPU whose scaling_cur_freq can be read.
    std::map<int, std::size_t> channel_of_cpu;
    for (const int cpu : cpus) {
      common::SysfsFile file(dir(cpu) + "/cpufreq/scaling_cur_freq");
      common::require_descriptor(file, "cpufreq");
      if (!file.is_open() || !file.read_integer()) continue;
      common::ChannelSpec spec;
      spec.id = "cpu" + std::to_string(cpu);
      spec.label = "CPU " + std::to_string(cpu) + " current frequency";
      spec.quantity = BL_QUANTITY_FREQUENCY;
      spec.domain = BL_DOMAIN_CORE;
      const auto max_khz = common::read_integer_file(dir(cpu) + "/cpufreq/cpuinfo_max_freq");
      spec.limit = max_khz && *max_khz > 0 ? static_cast<double>(*max_khz) * 1e3 : 0;
      channel_of_cpu[cpu] = specs_.size();
      specs_.push_back(std::move(spec));
      freq_files_.push_back(std::move(file));
    }

    // Cluster K is the inventory's cluster K; one without a readable CPU has no channel.
    const auto clusters = cpufreq::find_clusters(root, cpus);
    for (std::size_t k = 0; k < clusters.size(); ++k) {
      std::vector<std::size_t> members;
      for (const int cpu : clusters[k].cpus)
        if (const auto it = channel_of_cpu.find(cpu); it != channel_of_cpu.end())
          members.push_back(it->second);
      if (members.empty()) continue;
      common::ChannelSpec spec;
      spec.id = "cluster-" + std::to_string(k);
      spec.label = "mean current frequency of " +
                   (clusters[k].kind.empty() ? std::string() : clusters[k].kind + " ") + "CPUs " +
                   cpufreq::format_cpu_list(clusters[k].cpus);
      spec.quantity = BL_QUANTITY_FREQUENCY;
      spec.domain = BL_DOMAIN_CORE;
      spec.limit = static_cast<double>(clusters[k].max_khz) * 1e3;
      specs_.push_back(std::move(spec));
      cluster_members_.push_back(std::move(members));
    }

    // Thermal throttle counters (x86 therm_throt): per CPU for its core, and per package
    // (every CPU of a package shows the package's count: read one CPU of each).
    std::map<std::int64_t, int> first_cpu_of_package;
    for (const int cpu : cpus) {
      const std::string throttle = dir(cpu) + "/thermal_throttle/";
      common::SysfsFile core(throttle + "core_throttle_count");
      common::require_descriptor(core, "cpufreq");
      if (core.read_integer()) core_throttle_.push_back(std::move(core));
      const auto package =
          common::read_integer_file(dir(cpu) + "/topology/physical_package_id").value_or(-1);
      if (first_cpu_of_package.count(package)) continue;
      common::SysfsFile count(throttle + "package_throttle_count");
      common::require_descriptor(count, "cpufreq");
      if (count.read_integer()) {
        first_cpu_of_package[package] = cpu;
        package_throttle_.push_back(std::move(count));
      }
    }
    const auto add_throttle = [&](const char* id, const char* label, int32_t domain) {
      common::ChannelSpec spec;
      spec.id = id;
      spec.label = label;
      spec.quantity = BL_QUANTITY_THROTTLE;
      spec.domain = domain;
      spec.kind = BL_CHANNEL_COUNTER;
      specs_.push_back(std::move(spec));
    };
    if (!core_throttle_.empty())
      add_throttle("throttle.core", "thermal throttle events of the CPU cores (sum over CPUs)",
                   BL_DOMAIN_CORE);
    if (!package_throttle_.empty())
      add_throttle("throttle.package", "thermal throttle events of the packages (sum)",
                   BL_DOMAIN_PACKAGE);

    if (specs_.empty())
      throw failure(BL_UNSUPPORTED,
                    "no CPU frequency under " + cpu_root +
                        "/cpu*/cpufreq: the kernel has no cpufreq driver for this CPU (load "
                        "intel_pstate, amd-pstate, acpi-cpufreq or cppc_cpufreq), or this is a VM");
    descs_ = common::describe_channels(specs_);

    std::vector<double> first(specs_.size());
    const auto took = common::time_of([&] { read_all(first.data()); });
    if (took > slow_read) {
      common::log(host, BL_LOG_INFO,
                  "cpufreq: reading every CPU took " + std::to_string(took.count() / 1000) +
                      " µs: read on a thread of its own");
      std::vector<std::size_t> all(specs_.size());
      std::iota(all.begin(), all.end(), std::size_t(0));
      const auto period = common::background_period(took);
      background_ = std::make_unique<common::BackgroundReader>(
          std::move(all), [this](double* values) { read_all(values); }, first.data(), period,
          common::background_stale_after(period));
    }
  }

  const std::vector<bl_channel_desc>& channels() const noexcept { return descs_; }

  void sample(double* values) const noexcept {
    if (background_)
      background_->latest(values);
    else
      read_all(values);
  }

 private:
  // [any] Every channel now, in channel order.
  void read_all(double* values) const noexcept {
    std::size_t i = 0;
    for (const auto& file : freq_files_) {
      const auto khz = file.read_integer();
      values[i++] = khz ? static_cast<double>(*khz) * 1e3 : std::nan("");
    }
    for (const auto& members : cluster_members_) {
      double sum = 0;
      int n = 0;
      for (const std::size_t m : members)
        if (!std::isnan(values[m])) {
          sum += values[m];
          ++n;
        }
      values[i++] = n ? sum / n : std::nan("");
    }
    for (const auto* counters : {&core_throttle_, &package_throttle_}) {
      if (counters->empty()) continue;
      double sum = 0;
      for (const auto& file : *counters) {
        const auto count = file.read_integer();
        sum = count ? sum + static_cast<double>(*count) : std::nan("");
        if (!count) break;
      }
      values[i++] = sum;
    }
  }

  std::vector<common::ChannelSpec> specs_;
  std::vector<bl_channel_desc> descs_;
  std::vector<common::SysfsFile> freq_files_;              // channels [0, n): the CPUs
  std::vector<std::vector<std::size_t>> cluster_members_;  // then the clusters
  std::vector<common::SysfsFile> core_throttle_;           // then throttle.core
  std::vector<common::SysfsFile> package_throttle_;        // then throttle.package
  // Set when reads are slow; last, so that its thread stops before the files close.
  std::unique_ptr<common::BackgroundReader> background_;
};

using entry = common::probe_entry_points<CpufreqProbe>;
constexpr bl_probe probe = entry::table(sizeof options / sizeof options[0], options);
constexpr bl_plugin plugin = common::probe_plugin(
    "cpufreq", "1.0.0",
    "CPU frequency per CPU and per cluster (Linux cpufreq), and thermal throttle counters",
    "benchlab", probe);

}  // namespace

extern "C" BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t major_min,
                                                            uint32_t major_max) {
  return benchlab::sdk::offer(plugin, major_min, major_max);
}
