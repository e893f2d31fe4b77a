// SPDX-License-Identifier: MIT
// The wall probe plugin: the power a whole machine draws at the wall, from the BMC
// (ipmitool), an external meter's command or a file (meter_source.hpp), as one channel
// "wall". The plugin file only glues a wall::Meter to the ABI. See docs/probes/wall.md.
#include <benchlab/plugin.hpp>
#include <benchlab_common/probe_channels.hpp>
#include <benchlab_common/probe_plugin.hpp>
#include <benchlab_common/sysroot.hpp>
#include <chrono>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "meter_source.hpp"

namespace {

namespace common = benchlab::common;
namespace sdk = benchlab::sdk;

constexpr const char* source_values[] = {"auto", "ipmi", "command", "file", nullptr};

constexpr bl_option_desc options[] = {
    {sizeof(bl_option_desc), "source", BL_OPTION_ENUM, 0, "auto", source_values, 0, 0,
     "where wall power comes from; auto: file if set, else command if set, else ipmi when "
     "ipmitool and an IPMI device are there"},
    {sizeof(bl_option_desc), "file", BL_OPTION_STRING, 0, nullptr, nullptr, 0, 0,
     "a file whose last line is the current watts, rewritten by a meter's logger"},
    {sizeof(bl_option_desc), "command", BL_OPTION_STRING, 0, nullptr, nullptr, 0, 0,
     "a program (path or name on PATH) that keeps printing one watts reading per line"},
    {sizeof(bl_option_desc), "arg", BL_OPTION_STRING, BL_OPTION_REPEATED, nullptr, nullptr, 0, 0,
     "one argument of the command, in order; repeat for each"},
    {sizeof(bl_option_desc), "ipmi_interval_ms", BL_OPTION_INT, 0, "1000", nullptr, 100, 60000,
     "milliseconds between two BMC readings (each takes ipmitool 0.1 to 1 s)"},
    {sizeof(bl_option_desc), "max_age_ms", BL_OPTION_INT, 0, "5000", nullptr, 0, 3600000,
     "a command's or file's reading older than this reads NaN (its meter stopped); 0: never"},
};

// [main] The meter's settings from the host's options and sysroot.
wall::MeterSettings meter_settings(const bl_host* host) {
  wall::MeterSettings settings;
  settings.source = static_cast<wall::Source>(sdk::option_enum(
      host, "source", source_values,
      {.invalid = "wall: option source is '{value}': give one of {allowed}", .missing = nullptr}));
  settings.file = sdk::option_string(host, "file");
  settings.command = sdk::option_string(host, "command");
  settings.args = sdk::option_values(host, "arg");
  settings.ipmi_interval = std::chrono::milliseconds(sdk::option_int(
      host, "ipmi_interval_ms", 100, 60000,
      {.invalid = "wall: option ipmi_interval_ms is '{value}': give milliseconds from {min} "
                  "to {max}",
       .missing = nullptr}));
  settings.max_age = std::chrono::milliseconds(sdk::option_int(
      host, "max_age_ms", 0, 3600000,
      {.invalid = "wall: option max_age_ms is '{value}': give milliseconds from {min} to "
                  "{max} (0: never stale)",
       .missing = nullptr}));
  settings.sysroot = common::under_sysroot(common::sysroot_of(host), "");  // "" for "/"
  return settings;
}

// One channel, "wall", read from the meter the options choose.
class WallProbe {
 public:
  explicit WallProbe(const bl_host* host)
      : meter_(wall::open_meter(meter_settings(host), [host](int level, const std::string& line) {
          common::log(host, level, line);
        })) {
    specs_.push_back({.id = "wall",
                      .label = "wall power (" + meter_->describe() + ")",
                      .quantity = BL_QUANTITY_POWER,
                      .domain = BL_DOMAIN_WALL});
    descs_ = common::describe_channels(specs_);
  }
  const std::vector<bl_channel_desc>& channels() const noexcept { return descs_; }
  void sample(double* values) const noexcept { values[0] = meter_->watts(); }

 private:
  std::unique_ptr<wall::Meter> meter_;
  std::vector<common::ChannelSpec> specs_;
  std::vector<bl_channel_desc> descs_;
};

using entry = common::probe_entry_points<WallProbe>;
constexpr bl_probe probe = entry::table(std::size(options), options);
constexpr bl_plugin plugin = common::probe_plugin(
    "wall", "1.0.0",
    "Wall power of the whole machine: the BMC through ipmitool, or an external meter's "
    "command or file",
    "benchlab", probe);

}  // namespace

extern "C" BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t host_abi_major_min,
                                                            uint32_t host_abi_major_max) {
  return sdk::offer(plugin, host_abi_major_min, host_abi_major_max);
}
