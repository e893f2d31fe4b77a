// The wall probe plugin: the power a whole machine draws at the wall, from the BMC
// (ipmitool), an external meter's command or a file (meter_source.hpp), as one channel
// "wall". The plugin file only glues a wall::Meter to the ABI. See docs/probes/wall.md.
#include <benchlab/plugin.hpp>
#include <benchlab_common/channel_table.hpp>
#include <benchlab_common/sysroot.hpp>
#include <iterator>
#include <limits>
#include <memory>
#include <string>

#include "meter_source.hpp"

namespace {

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

struct Instance {
  std::unique_ptr<wall::Meter> meter;
  benchlab::common::ChannelTable channels;
};

int32_t open(const bl_host* host, void** out_instance) noexcept {
  if (out_instance == nullptr) return BL_INVALID_ARGUMENT;
  *out_instance = nullptr;
  if (host == nullptr) return BL_INVALID_ARGUMENT;
  return sdk::guarded(host, [&]() -> int32_t {
    wall::MeterSettings settings;
    settings.source = static_cast<wall::Source>(
        sdk::option_enum(host, "source", source_values,
                         {.invalid = "wall: option source is '{value}': give one of {allowed}",
                          .missing = nullptr}));
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
    settings.sysroot = benchlab::common::under_sysroot(benchlab::common::sysroot_of(host), "");

    auto instance = std::make_unique<Instance>();
    instance->meter = wall::open_meter(settings, [host](int level, const std::string& line) {
      host->log(host, level, line.c_str());
    });
    instance->channels.add({.id = "wall",
                            .label = "wall power (" + instance->meter->describe() + ")",
                            .quantity = BL_QUANTITY_POWER,
                            .domain = BL_DOMAIN_WALL});
    *out_instance = instance.release();
    return BL_OK;
  });
}

void close(void* instance) noexcept { delete static_cast<Instance*>(instance); }

int32_t channels(void* instance, const bl_channel_desc** out, uint32_t* count) noexcept {
  if (instance == nullptr || out == nullptr || count == nullptr) return BL_INVALID_ARGUMENT;
  const auto& table = static_cast<Instance*>(instance)->channels;
  *out = table.data();
  *count = table.size();
  return BL_OK;
}

int32_t sample(void* instance, double* values, uint32_t count) noexcept {
  if (instance == nullptr || (values == nullptr && count > 0)) return BL_INVALID_ARGUMENT;
  for (uint32_t i = 0; i < count; ++i)
    values[i] = i == 0 ? static_cast<Instance*>(instance)->meter->watts()
                       : std::numeric_limits<double>::quiet_NaN();
  return BL_OK;
}

constexpr bl_probe probe{sizeof(bl_probe),   open,   close, channels, sample,
                         std::size(options), options};

constexpr bl_plugin plugin{
    sizeof(bl_plugin),
    BL_ABI_MAJOR,
    BL_ABI_MINOR,
    BL_KIND_PROBE,
    "wall",
    "1.0.0",
    "Wall power of the whole machine: the BMC through ipmitool, or an external meter's "
    "command or file",
    "benchlab",
    nullptr,
    &probe,
    nullptr,
};

}  // namespace

extern "C" BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t host_abi_major_min,
                                                            uint32_t host_abi_major_max) {
  return sdk::offer(plugin, host_abi_major_min, host_abi_major_max);
}
