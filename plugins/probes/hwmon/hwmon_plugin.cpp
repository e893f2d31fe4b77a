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
  explicit HwmonProbe(const bl_host* host) {
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

    // Grace rails by (kind, socket), to give each its parent once all are known.
    std::map<std::pair<hwmon::GraceRail::Kind, int>, std::size_t> rails;
    std::vector<std::pair<std::size_t, hwmon::GraceRail>> rail_channels;
    int amdgpus = 0;
    std::vector<std::size_t> slow;  // channels of chips read on the background thread
    std::vector<double> slow_first;
    std::chrono::nanoseconds slow_time{0};
    for (const auto& chip : chips) {
      const std::size_t chip_first = specs_.size();
      const bool amdgpu = chip.name == "amdgpu";
      const bool apu = amdgpu && hwmon::amdgpu_is_apu(chip.device_dir);
      const std::string device = amdgpu ? "gpu" + std::to_string(amdgpus++) : "";
      for (auto& reading : hwmon::find_readings(chip.sensor_dir)) {
        common::SysfsFile file(reading.path);
        common::require_descriptor(file, "hwmon");
        int error = file.is_open() ? 0 : file.open_error();
        if (file.is_open() && !file.read_integer(&error)) file = common::SysfsFile();
        if (!file.is_open()) {
          // Sensors a driver lists but cannot read (a powered-down card, a disconnected
          // input) are left out rather than sampled as NaN for ever.
          common::log(host, BL_LOG_DEBUG,
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
            rails.try_emplace({rail->kind, rail->socket}, specs_.size());
            rail_channels.emplace_back(specs_.size(), *rail);
          }
        }
        files_.push_back(std::move(file));
        scales_.push_back(reading.scale);
        specs_.push_back(std::move(spec));
      }
      // What one sample of this chip costs: a chip whose reads go to firmware or a device
      // (drivetemp, some SMU-backed sensors) must not hold up the sampler thread.
      std::vector<double> first(specs_.size() - chip_first);
      const auto took = common::time_of([&] {
        for (std::size_t i = chip_first; i < specs_.size(); ++i) first[i - chip_first] = read(i);
      });
      if (took > slow_read) {
        common::log(host, BL_LOG_INFO,
                    "hwmon: " + chip.entry + " (" + chip.name + ") took " +
                        std::to_string(took.count() / 1000) +
                        " µs to read: read on a thread of its own");
        for (std::size_t i = chip_first; i < specs_.size(); ++i) slow.push_back(i);
        slow_first.insert(slow_first.end(), first.begin(), first.end());
        slow_time += took;
      } else {
        for (std::size_t i = chip_first; i < specs_.size(); ++i) fast_.push_back(i);
      }
    }
    // Module contains Grace contains CPU; SysIO is in the module beside Grace.
    using Kind = hwmon::GraceRail::Kind;
    for (const auto& [index, rail] : rail_channels) {
      const Kind outer = rail.kind == Kind::cpu ? Kind::grace : Kind::module;
      if (rail.kind == Kind::module) continue;
      auto parent = rails.find({outer, rail.socket});
      if (parent == rails.end() && rail.kind == Kind::cpu)
        parent = rails.find({Kind::module, rail.socket});
      if (parent != rails.end() && parent->second != index)
        specs_[index].parent = specs_[parent->second].id;
    }
    if (specs_.empty())
      throw failure(BL_UNSUPPORTED,
                    "none of the " + std::to_string(chips.size()) + " hwmon devices under " +
                        class_dir +
                        " has a readable power, energy, temperature, voltage or current "
                        "sensor: check the permissions of their files, or load the driver "
                        "of the sensor chip");
    descs_ = common::describe_channels(specs_);
    if (!slow.empty()) {
      const auto period = common::background_period(slow_time);
      auto read_slow = [this, slow](double* values) {
        for (std::size_t i = 0; i < slow.size(); ++i) values[i] = read(slow[i]);
      };
      background_ = std::make_unique<common::BackgroundReader>(
          slow, std::move(read_slow), slow_first.data(), period,
          common::background_stale_after(period));
    }
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
