// The membw workload plugin: the ABI descriptor, option handling and reporting around
// run_bandwidth. See docs/workloads/membw.md for what is measured and why.
#include <benchlab/plugin.h>

#include <algorithm>
#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <system_error>
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

constexpr bl_metric_desc metrics[] = {
    {sizeof(bl_metric_desc), "copy_mb_s", "MB/s", BL_HIGHER_IS_BETTER,
     "Copy c=a, bytes read + written per second (10^6 B/s), fastest pass"},
    {sizeof(bl_metric_desc), "scale_mb_s", "MB/s", BL_HIGHER_IS_BETTER,
     "Scale b=3c, bytes read + written per second (10^6 B/s), fastest pass"},
    {sizeof(bl_metric_desc), "add_mb_s", "MB/s", BL_HIGHER_IS_BETTER,
     "Add c=a+b, bytes read + written per second (10^6 B/s), fastest pass"},
    {sizeof(bl_metric_desc), "triad_mb_s", "MB/s", BL_HIGHER_IS_BETTER,
     "Triad a=b+3c, bytes read + written per second (10^6 B/s), fastest pass"},
};

// Failures a user can fix by changing an option, and machines too small to run on.
struct option_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct cannot_run : std::runtime_error {
  using std::runtime_error::runtime_error;
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

struct instance {
  const bl_host* host;
};

const char* option_text(const bl_host* host, const char* name) {
  const char* value = host->option(host, name);
  if (value == nullptr) throw option_error(format("membw: option %s has no value", name));
  return value;
}

std::int64_t int_option(const bl_host* host, const char* name, std::int64_t min, std::int64_t max) {
  const std::string text = option_text(host, name);
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < min || value > max) {
    throw option_error(format("membw: option %s=\"%s\" is not a whole number in [%" PRId64
                              ", %" PRId64 "]: fix <option name=\"%s\"> in the profile",
                              name, text.c_str(), min, max, name));
  }
  return value;
}

std::vector<membw::kernel> kernel_option(const bl_host* host) {
  const std::string text = option_text(host, "kernel");
  if (text == "all") return {membw::all_kernels.begin(), membw::all_kernels.end()};
  for (membw::kernel k : membw::all_kernels) {
    if (text == membw::kernel_name(k)) return {k};
  }
  throw option_error(format(
      "membw: option kernel=\"%s\" is not one of all, copy, scale, add, triad", text.c_str()));
}

membw::store_kind store_option(const bl_host* host) {
  const std::string text = option_text(host, "stores");
  if (text == "streaming") return membw::store_kind::streaming;
  if (text == "regular") return membw::store_kind::regular;
  throw option_error(
      format("membw: option stores=\"%s\" is not one of streaming, regular", text.c_str()));
}

unsigned process_cpu_count(const bl_host* host) {
  const auto cpus = membw::allowed_cpus();
  return cpus.empty() ? std::max(host->cpu_count, 1u) : static_cast<unsigned>(cpus.size());
}

settings read_settings(const bl_host* host) {
  settings s;
  s.kernels = kernel_option(host);
  s.stores = store_option(host);
  s.passes = static_cast<unsigned>(int_option(host, "passes", 1, 1000));
  const auto threads = int_option(host, "threads", 0, 4096);
  // The worker's affinity mask rather than all online CPUs: under taskset or a cpuset,
  // more threads than allowed CPUs would share cores and measure the scheduler.
  s.threads = threads == 0 ? process_cpu_count(host) : static_cast<unsigned>(threads);
  s.llc = membw::read_last_level_cache("/sys/devices/system/cpu");
  const auto size_mb = int_option(host, "size_mb", 0, 1048576);
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
  throw cannot_run(format("membw: %u arrays of %" PRIu64 " MiB need %" PRIu64
                          " MiB, but MemAvailable in /proc/meminfo is %" PRIu64
                          " MiB: free memory or set size_mb to at most %" PRIu64,
                          s.arrays, s.array_bytes / mib, needed / mib, *available / mib, fits));
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

int32_t do_run(instance& self) {
  const bl_host* host = self.host;
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
    host->report_metric(host, name.c_str(),
                        membw::mb_per_s(t.which, config.elements, t.best_seconds()));
  }
  return BL_OK;
}

int32_t do_setup(instance& self) {
  const settings s = read_settings(self.host);
  check_memory(s);
  self.host->log(self.host, BL_LOG_INFO,
                 format("membw: %u threads, %u arrays x %" PRIu64 " MiB, %u passes", s.threads,
                        s.arrays, s.array_bytes / mib, s.passes)
                     .c_str());
  return BL_OK;
}

// Every entry point goes through here: no exception crosses the C ABI.
template <class Body>
int32_t guarded(const bl_host* host, Body&& body) noexcept {
  try {
    return body();
  } catch (const option_error& e) {
    host->set_error(host, e.what());
    return BL_INVALID_ARGUMENT;
  } catch (const cannot_run& e) {
    host->set_error(host, e.what());
    return BL_CANNOT_RUN;
  } catch (const std::bad_alloc&) {
    host->set_error(host, "membw: out of memory");
    return BL_NO_MEMORY;
  } catch (const std::system_error& e) {
    host->set_error(host, (std::string("membw: ") + e.what()).c_str());
    return e.code() == std::errc::not_enough_memory ? BL_NO_MEMORY : BL_ERROR;
  } catch (const std::exception& e) {
    host->set_error(host, (std::string("membw: ") + e.what()).c_str());
    return BL_ERROR;
  } catch (...) {
    host->set_error(host, "membw: unknown error");
    return BL_ERROR;
  }
}

int32_t membw_create(const bl_host* host, void** out_instance) {
  *out_instance = nullptr;
  return guarded(host, [&] {
    *out_instance = std::make_unique<instance>(instance{host}).release();
    return BL_OK;
  });
}

void membw_destroy(void* p) { std::unique_ptr<instance>(static_cast<instance*>(p)).reset(); }

int32_t membw_setup(void* p) {
  auto& self = *static_cast<instance*>(p);
  return guarded(self.host, [&] { return do_setup(self); });
}

int32_t membw_run(void* p) {
  auto& self = *static_cast<instance*>(p);
  return guarded(self.host, [&] { return do_run(self); });
}

constexpr bl_workload workload = {
    sizeof(bl_workload), 0, sizeof(options) / sizeof(options[0]), options,
    sizeof(metrics) / sizeof(metrics[0]), metrics,
    // No static requirement: the memory needed depends on size_mb and the cache size, so
    // setup() checks it against MemAvailable and answers BL_CANNOT_RUN with the figures.
    0, nullptr, membw_create, membw_destroy, membw_setup, membw_run,
    nullptr,  // run() reports metrics itself
    nullptr,  // nothing outlives a trial
};

constexpr bl_plugin plugin = {
    sizeof(bl_plugin),
    BL_ABI_MAJOR,
    BL_ABI_MINOR,
    BL_KIND_WORKLOAD,
    "membw",
    "1.0.0",
    "Memory bandwidth: RAMspeed/STREAM Copy, Scale, Add, Triad on 64-bit integers, all cores",
    "benchlab",
    &workload,
    nullptr,
    nullptr,
};

}  // namespace

extern "C" BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t host_abi_major_min,
                                                            uint32_t host_abi_major_max) {
  if (BL_ABI_MAJOR < host_abi_major_min || BL_ABI_MAJOR > host_abi_major_max) return nullptr;
  return &plugin;
}
