// SPDX-License-Identifier: MIT
// The raytrace workload plugin: the ABI glue around the renderer. Every entry point
// catches everything; failures reach the host as a status plus host->set_error().
#include <algorithm>
#include <array>
#include <benchlab/plugin.hpp>
#include <cstddef>
#include <filesystem>
#include <string>
#include <system_error>

#include "image.h"
#include "image_checksum.h"
#include "parallel_render.h"
#include "ppm_writer.h"
#include "raytrace_options.h"
#include "render_verification.h"
#include "tracer.h"

namespace raytrace {
namespace {

constexpr const char* kPluginVersion = "1.0.0";

constexpr std::array kMetrics{
    bl_metric_desc{sizeof(bl_metric_desc), "seconds", "s", BL_LOWER_IS_BETTER,
                   "wall time of the render, all rows on all threads"},
    bl_metric_desc{sizeof(bl_metric_desc), "mrays_per_s", "Mrays/s", BL_HIGHER_IS_BETTER,
                   "camera rays (pixels x samples) per second, in millions"},
};

// The host functions this plugin calls; a host table shorter than this is refused.
constexpr std::size_t kHostSizeNeeded = offsetof(bl_host, now_ns) + sizeof(bl_host::now_ns);

namespace sdk = benchlab::sdk;

void set_error(const bl_host& host, const std::string& message) {
  host.set_error(&host, message.c_str());
}

int32_t report(const bl_host& host, const char* metric, double value) {
  const int32_t status = host.report_metric(&host, metric, value);
  if (status != BL_OK) {
    set_error(host, std::string("the host refused metric ") + metric + " (status " +
                        std::to_string(status) + ")");
  }
  return status;
}

// Where save_image writes, or empty for none. Checked before rendering, so a typo in the
// path does not cost a whole trial.
std::filesystem::path image_path(const bl_host& host, const RenderOptions& options) {
  if (options.save_image.empty()) return {};
  std::filesystem::path path(options.save_image);
  if (path.is_relative() && host.scratch_dir != nullptr)
    path = std::filesystem::path(host.scratch_dir) / path;
  const std::filesystem::path dir = path.parent_path();
  std::error_code error;
  if (!dir.empty() && !std::filesystem::is_directory(dir, error)) {
    throw sdk::invalid_option("option save_image = '" + options.save_image + "': directory " +
                              dir.string() + " does not exist; create it or choose another path");
  }
  return path;
}

// The measured trial: render, check the image, then (and only then) report the metrics.
int32_t render_trial(const bl_host& host) {
  const RenderOptions options = read_options(host);
  const std::filesystem::path save_path = image_path(host, options);
  unsigned threads = options.threads;
  if (threads == 0) threads = std::max(1u, host.cpu_count);

  const Tracer tracer(options.width, options.height, options.samples);
  Image image(options.width, options.height);
  const std::string what = std::to_string(options.width) + "x" + std::to_string(options.height) +
                           ", " + std::to_string(options.samples) + " samples, " +
                           std::to_string(threads) + " threads";
  host.progress(&host, 0.0, ("rendering " + what).c_str());

  const RenderMonitor monitor{
      [&host] { return host.is_cancelled(&host) != 0; },
      [&host](double fraction) { host.progress(&host, fraction, nullptr); },
  };
  const std::uint64_t start_ns = host.now_ns(&host);
  const RenderStatus status = render_parallel(tracer, threads, image, monitor);
  const std::uint64_t end_ns = host.now_ns(&host);
  if (status == RenderStatus::cancelled) {
    set_error(host, "render of " + what + " cancelled by the host");
    return BL_CANCELLED;
  }
  const double seconds = static_cast<double>(end_ns - start_ns) * 1e-9;

  // Saved before the check, so a wrong image can be looked at.
  if (!save_path.empty()) write_ppm(save_path, image);

  const std::string problem = verify_image(tracer, image);
  if (!problem.empty()) {
    set_error(host, problem);
    return BL_ERROR;
  }

  const double rays = static_cast<double>(options.width) * options.height * options.samples;
  const std::string summary = "raytrace " + what + ": " + std::to_string(seconds) +
                              " s, checksum " + checksum_text(fnv1a64(image.rgb)) + "\n";
  host.append_output(&host, summary.data(), summary.size());
  if (report(host, "seconds", seconds) != BL_OK) return BL_ERROR;
  if (report(host, "mrays_per_s", rays / seconds * 1e-6) != BL_OK) return BL_ERROR;
  return BL_OK;
}

constexpr sdk::guard_texts kGuard{
    .out_of_memory = "out of memory while rendering; free memory or lower the resolution",
    .unknown = "unknown failure in the raytrace plugin",
};
using Entry = sdk::entry_points<sdk::host_instance, kGuard, kHostSizeNeeded>;

// Checks the options once per result, so a bad value fails before any trial.
int32_t setup(const bl_host* host) {
  image_path(*host, read_options(*host));
  return BL_OK;
}

int32_t run(const bl_host* host) { return render_trial(*host); }

constexpr bl_workload kWorkload{
    sizeof(bl_workload),
    0,
    static_cast<uint32_t>(kOptionDescriptors.size()),
    kOptionDescriptors.data(),
    static_cast<uint32_t>(kMetrics.size()),
    kMetrics.data(),
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
    "raytrace", kPluginVersion,
    "C-Ray-like ray tracer (spheres, planes, shadows, reflections), all cores, image checked "
    "by checksum",
    "benchlab", kWorkload);

}  // namespace
}  // namespace raytrace

extern "C" BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t host_abi_major_min,
                                                            uint32_t host_abi_major_max) {
  return benchlab::sdk::offer(raytrace::kPlugin, host_abi_major_min, host_abi_major_max);
}
