// SPDX-License-Identifier: MIT
// The membw workload plugin: the ABI descriptor, option handling and reporting around
// run_bandwidth. See docs/workloads/membw.md for what is measured and why.
#include <algorithm>
#include <benchlab/plugin.hpp>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "membw/bandwidth_run.hpp"
#include "membw/cache_size.hpp"
#include "membw/cpu_affinity.hpp"
#include "membw/kernels.hpp"
#include "membw/memory_available.hpp"

namespace {

constexpr const char* kernel_values[] = {"all", "copy", "scale", "add", "triad", nullptr};
constexpr const char* store_values[] = {"streaming", "regular", nullptr};

constexpr bl_option_desc options[] = {
    {sizeof(bl_option_desc), "kernel", BL_OPTION_ENUM, 0, "all", kernel_values, 0, 0,
     "kernels to run: all (copy, scale, add, triad in STREAM order) or one of them"},
    {sizeof(bl_option_desc), "size_mb", BL_OPTION_INT, 0, "0", nullptr, 0, 1048576,
     "MiB per array; 0 = max(256, 8x the last-level cache, 4x all last-level caches)"},
    {sizeof(bl_option_desc), "passes", BL_OPTION_INT, 0, "5", nullptr, 1, 1000,
     "passes over the arrays per trial; the fastest pass of each kernel is reported"},
    {sizeof(bl_option_desc), "threads", BL_OPTION_INT, 0, "0", nullptr, 0, 4096,
     "threads, each pinned to its own CPU; 0 = one per CPU the worker may run on"},
    {sizeof(bl_option_desc), "stores", BL_OPTION_ENUM, 0, "streaming", store_values, 0, 0,
     "streaming: non-temporal stores (like memcpy); regular: plain stores (like RAMspeed)"},
};

// Optional: the `kernel` option chooses which of them a trial measures, and the trial
// reports exactly the chosen ones (run() below).
constexpr bl_metric_desc metrics[] = {
    {sizeof(bl_metric_desc), "copy_mb_s", "MB/s", BL_HIGHER_IS_BETTER,
     "Copy c=a, bytes read + written per second (10^6 B/s), fastest pass", BL_METRIC_OPTIONAL},
    {sizeof(bl_metric_desc), "scale_mb_s", "MB/s", BL_HIGHER_IS_BETTER,
     "Scale b=3c, bytes read + written per second (10^6 B/s), fastest pass", BL_METRIC_OPTIONAL},
    {sizeof(bl_metric_desc), "add_mb_s", "MB/s", BL_HIGHER_IS_BETTER,
     "Add c=a+b, bytes read + written per second (10^6 B/s), fastest pass", BL_METRIC_OPTIONAL},
    {sizeof(bl_metric_desc), "triad_mb_s", "MB/s", BL_HIGHER_IS_BETTER,
     "Triad a=b+3c, bytes read + written per second (10^6 B/s), fastest pass", BL_METRIC_OPTIONAL},
};

namespace sdk = benchlab::sdk;

// Every option error names the plugin and where to fix it.
constexpr sdk::option_texts kIntTexts{
    .invalid =
        "membw: option {name}=\"{value}\" is not a whole number in [{min}, {max}]: fix "
        "<option name=\"{name}\"> in the profile",
    .missing = "membw: option {name} has no value",
};
constexpr sdk::option_texts kEnumTexts{
    .invalid = "membw: option {name}=\"{value}\" is not one of {allowed}",
    .missing = "membw: option {name} has no value",
};

std::string format(const char* fmt, auto... args) {
  char buffer[512];
  std::snprintf(buffer, sizeof buffer, fmt, args...);
  return buffer;
}

constexpr std::uint64_t mib = 1ull << 20;

struct settings {
  std::vector<membw::kernel> kernels;
  std::uint64_t array_bytes = 0;
  bool auto_size = false;
  membw::last_level_cache llc;
  unsigned threads = 1;
  unsigned passes = 5;
  membw::store_kind stores = membw::store_kind::streaming;
  unsigned arrays = 0;  // arrays the kernels use
};

std::vector<membw::kernel> kernel_option(const bl_host* host) {
  const std::string text =
      kernel_values[sdk::option_enum(host, "kernel", kernel_values, kEnumTexts)];
  if (text == "all") return {membw::all_kernels.begin(), membw::all_kernels.end()};
  for (membw::kernel k : membw::all_kernels) {
    if (text == membw::kernel_name(k)) return {k};
  }
  throw std::logic_error("kernel " + text + " is in kernel_values but not in all_kernels");
}

membw::store_kind store_option(const bl_host* host) {
  return sdk::option_enum(host, "stores", store_values, kEnumTexts) == 0
             ? membw::store_kind::streaming
             : membw::store_kind::regular;
}

unsigned process_cpu_count(const bl_host* host) {
  const auto cpus = membw::allowed_cpus();
  return cpus.empty() ? std::max(host->cpu_count, 1u) : static_cast<unsigned>(cpus.size());
}

settings read_settings(const bl_host* host) {
  settings s;
  s.kernels = kernel_option(host);
  s.stores = store_option(host);
  s.passes = static_cast<unsigned>(sdk::option_int(host, "passes", 1, 1000, kIntTexts));
  const auto threads = sdk::option_int(host, "threads", 0, 4096, kIntTexts);
  // The worker's affinity mask rather than all online CPUs: under taskset or a cpuset,
  // more threads than allowed CPUs would share cores and measure the scheduler.
  s.threads = threads == 0 ? process_cpu_count(host) : static_cast<unsigned>(threads);
  s.llc = membw::read_last_level_cache("/sys/devices/system/cpu");
  const auto size_mb = sdk::option_int(host, "size_mb", 0, 1048576, kIntTexts);
  s.auto_size = size_mb == 0;
  s.array_bytes =
      s.auto_size ? membw::auto_array_bytes(s.llc) : static_cast<std::uint64_t>(size_mb) * mib;
  unsigned used = 0;
  for (membw::kernel k : s.kernels) used |= membw::arrays_used(k);
  s.arrays = static_cast<unsigned>(__builtin_popcount(used));
  return s;
}

// Refuses, as "cannot run", arrays that would not fit in memory available right now:
// page faults past that point swap or wake the OOM killer instead of measuring.
void check_memory(const settings& s) {
  const auto available = membw::memory_available_bytes("/proc/meminfo");
  if (!available) return;  // no MemAvailable (kernel < 3.14): let the allocation decide
  const std::uint64_t needed = s.arrays * s.array_bytes;
  const std::uint64_t margin = needed / 10 + 64 * mib;  // page tables, the rest of the worker
  if (needed + margin <= *available) return;
  const std::uint64_t fits = *available > margin ? (*available - margin) / s.arrays / mib : 0;
  throw sdk::cannot_run(format("membw: %u arrays of %" PRIu64 " MiB need %" PRIu64
                               " MiB, but MemAvailable in /proc/meminfo is %" PRIu64
                               " MiB: free memory or set size_mb to at most %" PRIu64,
                               s.arrays, s.array_bytes / mib, needed / mib, *available / mib,
                               fits));
}

void warn_if_cached(const bl_host* host, const settings& s) {
  if (s.auto_size || s.llc.level == 0 || s.array_bytes >= 4 * s.llc.total_bytes()) return;
  host->log(host, BL_LOG_WARN,
            format("membw: size_mb=%" PRIu64 " is less than 4x the last-level caches (%u x %" PRIu64
                   " KiB): part of each pass may be served from cache and read as more than "
                   "memory bandwidth; size_mb=0 picks a size that is not",
                   s.array_bytes / mib, s.llc.instances, s.llc.bytes >> 10)
                .c_str());
}

class host_observer : public membw::run_observer {
 public:
  explicit host_observer(const bl_host* host) : host_(host) {}
  bool cancelled() override { return host_->is_cancelled(host_) != 0; }
  void progress(double fraction) override { host_->progress(host_, fraction, "passes"); }

 private:
  const bl_host* host_;
};

std::string describe_placement(const membw::run_result& r) {
  std::string cpus;
  for (const auto& p : r.placements) {
    if (!cpus.empty()) cpus += ",";
    cpus += p.cpu < 0 ? std::string("-") : std::to_string(p.cpu);
  }
  return cpus;
}

// The trial's raw output: what was run and every pass's rate, for a reader of the store.
std::string summary(const settings& s, const membw::run_result& r, std::size_t elements) {
  const bool streaming =
      s.stores == membw::store_kind::streaming && membw::streaming_stores_available();
  std::string out =
      format("membw: %u threads on CPUs %s, %u arrays x %" PRIu64
             " MiB of uint64 (%s), %u passes, stores=%s%s\n",
             s.threads, describe_placement(r).c_str(), s.arrays, s.array_bytes / mib,
             s.auto_size ? "auto" : "size_mb", s.passes, streaming ? "streaming" : "regular",
             s.stores == membw::store_kind::streaming && !streaming
                 ? " (no non-temporal stores on this architecture)"
                 : "");
  if (s.llc.level != 0) {
    out += format("last-level cache: L%u, %u x %" PRIu64 " KiB\n", s.llc.level, s.llc.instances,
                  s.llc.bytes >> 10);
  }
  // Every pass's rate while that stays readable; past 20 passes, the median and worst.
  const bool every_pass = s.passes <= 20;
  out += every_pass ? "kernel   best MB/s   per pass MB/s\n"
                    : "kernel   best MB/s   median MB/s   worst MB/s\n";
  for (const auto& t : r.timings) {
    out += format("%-6s %11.1f  ", membw::kernel_name(t.which),
                  membw::mb_per_s(t.which, elements, t.best_seconds()));
    std::vector<double> rates;
    for (double seconds : t.pass_seconds)
      rates.push_back(membw::mb_per_s(t.which, elements, seconds));
    if (every_pass) {
      for (double rate : rates) out += format(" %.1f", rate);
    } else {
      std::sort(rates.begin(), rates.end());
      out += format("%12.1f %12.1f", rates[rates.size() / 2], rates.front());
    }
    out += "\n";
  }
  out += format("verified: %zu elements, %zu wrong\n", r.check.checked, r.check.mismatches);
  return out;
}

int32_t do_run(const bl_host* host) {
  const settings s = read_settings(host);
  check_memory(s);
  warn_if_cached(host, s);

  membw::run_config config;
  config.elements = static_cast<std::size_t>(s.array_bytes / sizeof(membw::element));
  config.threads = s.threads;
  config.passes = s.passes;
  config.kernels = s.kernels;
  config.stores = s.stores;
  host_observer observer(host);
  const membw::run_result r = membw::run_bandwidth(config, observer);
  if (r.cancelled) {
    host->set_error(host, "membw: cancelled between kernels");
    return BL_CANCELLED;
  }

  for (const auto& p : r.placements) {
    if (p.error != 0) {
      host->log(host, BL_LOG_WARN,
                format("membw: could not pin a thread to CPU %d (%s): threads may migrate "
                       "and first-touch placement may not match the CPU that uses the memory",
                       p.cpu, std::strerror(p.error))
                    .c_str());
    }
  }
  if (r.oversubscribed) {
    host->log(host, BL_LOG_WARN,
              format("membw: threads=%u is more than the %u CPUs this worker may use: threads "
                     "share CPUs",
                     s.threads, process_cpu_count(host))
                  .c_str());
  }

  const std::string text = summary(s, r, config.elements);
  host->append_output(host, text.data(), text.size());
  if (r.check.checked != config.elements) {
    host->set_error(host, format("membw: verification covered %zu of %zu elements: no figure "
                                 "of this trial is valid (a bug in membw, please report it)",
                                 r.check.checked, config.elements)
                              .c_str());
    return BL_ERROR;
  }
  if (r.check.mismatches != 0 && r.check.first) {
    const auto& m = *r.check.first;
    host->set_error(host,
                    format("membw: verification failed: %zu of %zu elements wrong, first "
                           "at element %zu of array %c: got %" PRIu64 ", expected %" PRIu64
                           ": the timed kernels did not do their work (compiler or "
                           "memory fault); no figure of this trial is valid",
                           r.check.mismatches, r.check.checked, m.index, m.array, m.got, m.expected)
                        .c_str());
    return BL_ERROR;
  }
  for (const auto& t : r.timings) {
    const std::string name = std::string(membw::kernel_name(t.which)) + "_mb_s";
    sdk::report_metric(host, name.c_str(),
                       membw::mb_per_s(t.which, config.elements, t.best_seconds()));
  }
  return BL_OK;
}

int32_t do_setup(const bl_host* host) {
  const settings s = read_settings(host);
  check_memory(s);
  host->log(host, BL_LOG_INFO,
            format("membw: %u threads, %u arrays x %" PRIu64 " MiB, %u passes", s.threads, s.arrays,
                   s.array_bytes / mib, s.passes)
                .c_str());
  return BL_OK;
}

// Every entry point runs inside sdk::guarded: no exception crosses the C ABI.
constexpr sdk::guard_texts kGuard{
    .out_of_memory = "membw: out of memory",
    .unknown = "membw: unknown error",
    .prefix = "membw: ",
};
using entry = sdk::entry_points<sdk::host_instance, kGuard>;

constexpr bl_workload workload = {
    sizeof(bl_workload), 0, sizeof(options) / sizeof(options[0]), options,
    sizeof(metrics) / sizeof(metrics[0]), metrics,
    // No static requirement: the memory needed depends on size_mb and the cache size, so
    // setup() checks it against MemAvailable and answers BL_CANNOT_RUN with the figures.
    0, nullptr, entry::create, entry::destroy, entry::call<do_setup>, entry::call<do_run>,
    nullptr,  // run() reports metrics itself
    nullptr,  // nothing outlives a trial
};

constexpr bl_plugin plugin = sdk::workload_plugin(
    "membw", "1.0.0",
    "Memory bandwidth: RAMspeed/STREAM Copy, Scale, Add, Triad on 64-bit integers, all cores",
    "benchlab", workload);

}  // namespace

extern "C" BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t host_abi_major_min,
                                                            uint32_t host_abi_major_max) {
  return benchlab::sdk::offer(plugin, host_abi_major_min, host_abi_major_max);
}
