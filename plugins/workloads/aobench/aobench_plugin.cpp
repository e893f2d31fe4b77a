// SPDX-License-Identifier: MIT
// The aobench workload plugin: renders the aobench scene on all (or `threads`) cores,
// reports the render time, and refuses a time whose image is wrong.
#include <benchlab/plugin.hpp>
#include <cinttypes>
#include <cstdio>
#include <string>

#include "image_check.hpp"
#include "parallel_render.hpp"

namespace {

// About 4 s on the 2-core reference machine (docs/workloads/aobench.md).
constexpr char kDefaultSize[] = "1280";
constexpr int kMaxSize = 16384;
constexpr int kMaxThreads = 4096;

namespace sdk = benchlab::sdk;

struct Settings {
  int size = 0;
  unsigned threads = 0;
};

Settings read_settings(const bl_host* host) {
  Settings settings;
  settings.size = static_cast<int>(sdk::option_int(host, "size", 1, kMaxSize));
  const auto threads = static_cast<unsigned>(sdk::option_int(host, "threads", 0, kMaxThreads));
  settings.threads = threads != 0 ? threads : (host->cpu_count != 0 ? host->cpu_count : 1);
  return settings;
}

constexpr sdk::guard_texts kGuard{
    .out_of_memory = "out of memory while rendering: choose a smaller size",
    .unknown = "unknown exception in the aobench plugin",
};

using Entry = sdk::entry_points<sdk::host_instance, kGuard>;

// Checks the options once, before any trial, so a typo fails the result early.
int32_t setup(const bl_host* host) {
  read_settings(host);
  return BL_OK;
}

int32_t run(const bl_host* host) {
  const Settings settings = read_settings(host);
  const std::string shape = std::to_string(settings.size) + "x" + std::to_string(settings.size);
  host->log(
      host, BL_LOG_INFO,
      ("rendering " + shape + " on " + std::to_string(settings.threads) + " threads").c_str());

  const uint64_t start_ns = host->now_ns(host);
  const auto image =
      aobench::render_parallel(settings.size, settings.threads, [host](double fraction) {
        host->progress(host, fraction, nullptr);
        return host->is_cancelled(host) == 0;
      });
  const uint64_t end_ns = host->now_ns(host);
  if (!image) {
    host->set_error(host, "render of the aobench image cancelled");
    return BL_CANCELLED;
  }

  // Validation is outside the timed window: it is not part of the benchmark.
  if (const std::string problem = aobench::verify_image(*image); !problem.empty()) {
    host->set_error(host, problem.c_str());
    return BL_ERROR;
  }

  const double seconds = static_cast<double>(end_ns - start_ns) / 1e9;
  const double pixels = static_cast<double>(settings.size) * settings.size;
  char summary[160];
  std::snprintf(summary, sizeof summary,
                "aobench %s threads %u seconds %.6f checksum 0x%016" PRIx64 "\n", shape.c_str(),
                settings.threads, seconds, aobench::fnv1a64(image->pixels));
  host->append_output(host, summary, std::char_traits<char>::length(summary));
  sdk::report_metric(host, "seconds", seconds);
  sdk::report_metric(host, "pixels_per_s", seconds > 0.0 ? pixels / seconds : 0.0);
  return BL_OK;
}

const bl_option_desc kOptions[] = {
    {sizeof(bl_option_desc), "size", BL_OPTION_INT, 0, kDefaultSize, nullptr, 1, kMaxSize,
     "image width and height in pixels; work grows with its square"},
    {sizeof(bl_option_desc), "threads", BL_OPTION_INT, 0, "0", nullptr, 0, kMaxThreads,
     "render threads; 0 means one per online CPU"},
};

const bl_metric_desc kMetrics[] = {
    {sizeof(bl_metric_desc), "seconds", "s", BL_LOWER_IS_BETTER,
     "wall time to render the image, validation excluded"},
    {sizeof(bl_metric_desc), "pixels_per_s", "pixel/s", BL_HIGHER_IS_BETTER,
     "image pixels (each 2x2 samples, 64 occlusion rays per hit) rendered per second"},
};

const bl_workload kWorkload = {
    sizeof(bl_workload),
    0,
    sizeof kOptions / sizeof kOptions[0],
    kOptions,
    sizeof kMetrics / sizeof kMetrics[0],
    kMetrics,
    0,
    nullptr,
    Entry::create,
    Entry::destroy,
    Entry::call<setup>,
    Entry::call<run>,
    nullptr,
    nullptr,
};

constexpr bl_plugin kPlugin = sdk::workload_plugin(
    "aobench", "1.0.0", "ambient-occlusion renderer (aobench), all cores, validated image",
    "benchlab", kWorkload);

}  // namespace

extern "C" BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t host_abi_major_min,
                                                            uint32_t host_abi_major_max) {
  return benchlab::sdk::offer(kPlugin, host_abi_major_min, host_abi_major_max);
}
