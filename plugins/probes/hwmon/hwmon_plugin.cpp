// SPDX-License-Identifier: MIT
// The hwmon probe plugin: every readable power, energy, temperature, voltage and current
// sensor of /sys/class/hwmon, opened once and re-read with pread on every sample. See
// docs/probes/hwmon.md.
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
#include <string>
#include <utility>
#include <vector>

#include "hwmon_chips.hpp"
#include "hwmon_domains.hpp"
#include "hwmon_readings.hpp"

namespace {

using benchlab::sdk::failure;
namespace common = benchlab::common;
namespace hwmon = benchlab::hwmon;

int32_t quantity_of(hwmon::SensorType type) {
  switch (type) {
    case hwmon::SensorType::power:
      return BL_QUANTITY_POWER;
    case hwmon::SensorType::energy:
      return BL_QUANTITY_ENERGY;
    case hwmon::SensorType::temp:
      return BL_QUANTITY_TEMPERATURE;
    case hwmon::SensorType::in:
      return BL_QUANTITY_VOLTAGE;
    case hwmon::SensorType::curr:
      return BL_QUANTITY_CURRENT;
  }
  return 0;
}

constexpr bl_option_desc options[] = {
    {sizeof(bl_option_desc), "slow_read_us", BL_OPTION_INT, 0, "500", nullptr, 0, 10000000,
     "a chip whose sensors take longer than this (µs) to read once, timed at open, is read on "
     "a thread of its own and sampled from its latest reading; 0 puts every chip there"},
};

class HwmonProbe {
 public:
  explicit HwmonProbe(const bl_host* host) : host_(host) {
    const auto slow_read = std::chrono::microseconds(benchlab::sdk::option_int(
        host, "slow_read_us", 0, 10000000,
        {.invalid = "hwmon: option slow_read_us=\"{value}\" is not a whole number of µs in "
                    "[{min}, {max}]",
         .missing = "hwmon: option slow_read_us has no value"}));
    const std::string class_dir =
        common::under_sysroot(common::sysroot_of(host), "/sys/class/hwmon");
    const auto chips = hwmon::find_chips(class_dir);
    if (chips.empty())
      throw failure(BL_UNSUPPORTED,
                    "no hwmon devices under " + class_dir +
                        ": no sensor driver is loaded (run sensors-detect from lm-sensors, or "
                        "modprobe coretemp / k10temp / nct6775 / amdgpu), or this is a VM");
    Plan plan;
    for (const auto& chip : chips) {
      const std::size_t first = specs_.size();
      add_readings(chip, plan);
      sort_by_speed(chip, first, slow_read, plan);
    }
    if (specs_.empty())
      throw failure(BL_UNSUPPORTED,
                    "none of the " + std::to_string(chips.size()) + " hwmon devices under " +
                        class_dir +
                        " has a readable power, energy, temperature, voltage or current "
                        "sensor: check the permissions of their files, or load the driver "
                        "of the sensor chip");
    nest_grace_rails(plan);
    descs_ = common::describe_channels(specs_);
    start_background(plan);
  }

  const std::vector<bl_channel_desc>& channels() const noexcept { return descs_; }

  void sample(double* values) const noexcept {
    for (const std::size_t i : fast_) values[i] = read(i);
    if (background_) background_->latest(values);
  }

 private:
  // [any] Channel i now, in its unit; NaN when the read fails.
  double read(std::size_t i) const noexcept {
    const auto raw = files_[i].read_integer();
    return raw ? static_cast<double>(*raw) * scales_[i] : std::nan("");
  }

  // What open() gathers on the way.
  struct Plan {
    int amdgpus = 0;  // gpuK of the next amdgpu chip
    std::map<std::pair<hwmon::GraceRail::Kind, int>, std::size_t> rails;  // (kind, socket)
    std::vector<std::pair<std::size_t, hwmon::GraceRail>> rail_channels;
    std::vector<std::size_t> slow;   // channels of chips read on the background thread
    std::vector<double> slow_first;  // their readings at open
    std::chrono::nanoseconds slow_time{0};
  };

  // [main] A channel for each reading of `chip` that can be read now.
  void add_readings(const hwmon::Chip& chip, Plan& plan) {
    const bool amdgpu = chip.name == "amdgpu";
    const bool apu = amdgpu && hwmon::amdgpu_is_apu(chip.device_dir);
    const std::string device = amdgpu ? "gpu" + std::to_string(plan.amdgpus++) : "";
    for (auto& reading : hwmon::find_readings(chip.sensor_dir)) {
      common::SysfsFile file(reading.path);
      common::require_descriptor(file, "hwmon");
      int error = file.is_open() ? 0 : file.open_error();
      if (file.is_open() && !file.read_integer(&error)) file = common::SysfsFile();
      if (!file.is_open()) {
        // Sensors a driver lists but cannot read (a powered-down card, a disconnected
        // input) are left out rather than sampled as NaN for ever.
        common::log(host_, BL_LOG_DEBUG,
                    "hwmon: leaving out " + common::read_failure(reading.path, error));
        continue;
      }
      common::ChannelSpec spec;
      spec.id = chip.id + "." + reading.sensor;
      spec.quantity = quantity_of(reading.type);
      spec.kind =
          reading.type == hwmon::SensorType::energy ? BL_CHANNEL_COUNTER : BL_CHANNEL_INSTANT;
      spec.domain = hwmon::domain_of(chip, reading, apu);
      spec.device = device;
      spec.limit = reading.limit;
      spec.label = chip.name + ": " + (reading.label.empty() ? reading.sensor : reading.label) +
                   (reading.average ? " (average)" : "");
      if (reading.type == hwmon::SensorType::power) {
        if (const auto rail = hwmon::parse_grace_label(reading.label)) {
          spec.domain = hwmon::grace_domain(rail->kind);
          plan.rails.try_emplace({rail->kind, rail->socket}, specs_.size());
          plan.rail_channels.emplace_back(specs_.size(), *rail);
        }
      }
      files_.push_back(std::move(file));
      scales_.push_back(reading.scale);
      specs_.push_back(std::move(spec));
    }
  }

  // [main] Times one read of the chip's channels [first, end): a chip whose reads go to
  // firmware or a device (drivetemp's ATA commands) must not hold up the sampler thread,
  // so one slower than `slow_read` goes to the background thread.
  void sort_by_speed(const hwmon::Chip& chip, std::size_t first,
                     std::chrono::microseconds slow_read, Plan& plan) {
    std::vector<double> values(specs_.size() - first);
    const auto took = common::time_of([&] {
      for (std::size_t i = first; i < specs_.size(); ++i) values[i - first] = read(i);
    });
    auto& to = took > slow_read ? plan.slow : fast_;
    for (std::size_t i = first; i < specs_.size(); ++i) to.push_back(i);
    if (took <= slow_read) return;
    plan.slow_first.insert(plan.slow_first.end(), values.begin(), values.end());
    plan.slow_time += took;
    common::log(host_, BL_LOG_INFO,
                "hwmon: " + chip.entry + " (" + chip.name + ") took " +
                    std::to_string(took.count() / 1000) +
                    " µs to read: read on a thread of its own");
  }

  // [main] Module contains Grace contains CPU; SysIO is in the module beside Grace. A CPU
  // rail without a Grace rail of its socket is in the module.
  void nest_grace_rails(const Plan& plan) {
    using Kind = hwmon::GraceRail::Kind;
    for (const auto& [index, rail] : plan.rail_channels) {
      if (rail.kind == Kind::module) continue;
      auto parent =
          plan.rails.find({rail.kind == Kind::cpu ? Kind::grace : Kind::module, rail.socket});
      if (parent == plan.rails.end() && rail.kind == Kind::cpu)
        parent = plan.rails.find({Kind::module, rail.socket});
      if (parent != plan.rails.end() && parent->second != index)
        specs_[index].parent = specs_[parent->second].id;
    }
  }

  // [main] The thread for the slow chips' channels, if any.
  void start_background(Plan& plan) {
    if (plan.slow.empty()) return;
    const auto period = common::background_period(plan.slow_time);
    auto read_slow = [this, slow = plan.slow](double* values) {
      for (std::size_t i = 0; i < slow.size(); ++i) values[i] = read(slow[i]);
    };
    background_ = std::make_unique<common::BackgroundReader>(
        plan.slow, std::move(read_slow), plan.slow_first.data(), period,
        common::background_stale_after(period));
  }

  const bl_host* host_;
  std::vector<common::ChannelSpec> specs_;
  std::vector<bl_channel_desc> descs_;
  std::vector<common::SysfsFile> files_;  // one per channel, same order
  std::vector<double> scales_;            // raw value -> W, J, °C, V, A
  std::vector<std::size_t> fast_;         // channels read in sample() itself
  // The rest; last, so that its thread stops before the files it reads are closed.
  std::unique_ptr<common::BackgroundReader> background_;
};

using entry = common::probe_entry_points<HwmonProbe>;
constexpr bl_probe probe = entry::table(sizeof options / sizeof options[0], options);
constexpr bl_plugin plugin = common::probe_plugin(
    "hwmon", "1.0.0",
    "Linux hwmon sensors: power, energy, temperature, voltage, current (amdgpu, Grace, "
    "CPU and board sensors)",
    "benchlab", probe);

}  // namespace

extern "C" BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t major_min,
                                                            uint32_t major_max) {
  return benchlab::sdk::offer(plugin, major_min, major_max);
}
