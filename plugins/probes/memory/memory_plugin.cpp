// SPDX-License-Identifier: MIT
// The memory probe plugin: MemAvailable and memory in use from /proc/meminfo (kept open,
// re-read with pread and parsed in place), and a cgroup v2's memory.current and memory.peak
// when the `cgroup` option names one. See docs/probes/memory.md.
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

#include "meminfo.hpp"

namespace {

using benchlab::sdk::failure;
namespace common = benchlab::common;
namespace memory = benchlab::memory;

constexpr bl_option_desc options[] = {
    {sizeof(bl_option_desc), "cgroup", BL_OPTION_STRING, 0, nullptr, nullptr, 0, 0,
     "a cgroup v2 directory whose memory.current and memory.peak to sample: an absolute path "
     "(/sys/fs/cgroup/bench), or one relative to /sys/fs/cgroup"},
};

// /proc/meminfo is about 1.5 KiB; the fields read are in its first lines.
constexpr std::size_t kMeminfoBuffer = 8192;

class MemoryProbe {
 public:
  explicit MemoryProbe(const bl_host* host) {
    const char* root = common::sysroot_of(host);
    meminfo_ = common::SysfsFile(common::under_sysroot(root, "/proc/meminfo"));
    if (!meminfo_.is_open())
      throw failure(BL_UNSUPPORTED, common::read_failure(meminfo_.path(), meminfo_.open_error()) +
                                        " (is /proc mounted?)");
    char text[kMeminfoBuffer];
    if (const long n = meminfo_.read(text, sizeof text); n < 0)
      throw failure(BL_UNSUPPORTED, common::read_failure(meminfo_.path(), static_cast<int>(-n)));
    if (!memory::meminfo_bytes(text, "MemTotal") || !memory::meminfo_bytes(text, "MemAvailable"))
      throw failure(BL_UNSUPPORTED, meminfo_.path() +
                                        " has no MemTotal or MemAvailable (Linux 3.14 or later "
                                        "gives MemAvailable)");
    add("available", "memory available to start new programs (MemAvailable)");
    add("used", "memory in use (MemTotal - MemAvailable)");

    const char* cgroup = host->option ? host->option(host, "cgroup") : nullptr;
    if (cgroup && *cgroup) open_cgroup(root, cgroup);
    descs_ = common::describe_channels(specs_);
  }

  const std::vector<bl_channel_desc>& channels() const noexcept { return descs_; }

  void sample(double* values) const noexcept {
    const double nan = std::nan("");
    char text[kMeminfoBuffer];
    const long n = meminfo_.read(text, sizeof text);
    const auto total = n > 0 ? memory::meminfo_bytes(text, "MemTotal") : std::nullopt;
    const auto available = n > 0 ? memory::meminfo_bytes(text, "MemAvailable") : std::nullopt;
    values[0] = available ? static_cast<double>(*available) : nan;
    values[1] =
        total && available ? static_cast<double>(*total) - static_cast<double>(*available) : nan;
    std::size_t i = 2;
    for (const auto* file : {&cgroup_current_, &cgroup_peak_}) {
      if (!file->is_open()) continue;
      const auto bytes = file->read_integer();
      values[i++] = bytes ? static_cast<double>(*bytes) : nan;
    }
  }

 private:
  void add(const char* id, const std::string& label) {
    common::ChannelSpec spec;
    spec.id = id;
    spec.label = label;
    spec.quantity = BL_QUANTITY_MEMORY;
    spec.domain = BL_DOMAIN_SYSTEM;
    specs_.push_back(std::move(spec));
  }

  void open_cgroup(const char* root, const std::string& option) {
    const std::string dir =
        common::under_sysroot(root, option.front() == '/' ? option : "/sys/fs/cgroup/" + option);
    if (!common::is_directory(dir))
      throw failure(BL_INVALID_ARGUMENT,
                    "memory: option cgroup=\"" + option + "\": " + dir +
                        " is no directory; give a cgroup v2 directory, e.g. /sys/fs/cgroup/bench");
    cgroup_current_ = common::SysfsFile(dir + "/memory.current");
    int error = cgroup_current_.is_open() ? 0 : cgroup_current_.open_error();
    if (cgroup_current_.is_open() && !cgroup_current_.read_integer(&error))
      cgroup_current_ = common::SysfsFile();
    if (!cgroup_current_.is_open())
      throw failure(BL_UNSUPPORTED,
                    common::read_failure(dir + "/memory.current", error) +
                        ": the cgroup option needs a cgroup v2 directory whose parent enables the "
                        "memory controller (echo +memory > PARENT/cgroup.subtree_control)");
    add("cgroup.current", "memory charged to cgroup " + option + " (memory.current)");
    // memory.peak: Linux 5.19 and later.
    if (common::SysfsFile peak(dir + "/memory.peak"); peak.read_integer()) {
      cgroup_peak_ = std::move(peak);
      add("cgroup.peak", "highest memory charged to cgroup " + option + " (memory.peak)");
    }
  }

  common::SysfsFile meminfo_;
  common::SysfsFile cgroup_current_, cgroup_peak_;  // not open when not sampled
  std::vector<common::ChannelSpec> specs_;
  std::vector<bl_channel_desc> descs_;
};

using entry = common::probe_entry_points<MemoryProbe>;
constexpr bl_probe probe = entry::table(sizeof options / sizeof options[0], options);
constexpr bl_plugin plugin = common::probe_plugin(
    "memory", "1.0.0",
    "system memory in use over time (/proc/meminfo), and a cgroup v2's current and peak",
    "benchlab", probe);

}  // namespace

extern "C" BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t major_min,
                                                            uint32_t major_max) {
  return benchlab::sdk::offer(plugin, major_min, major_max);
}
