// The aobench workload plugin: renders the aobench scene on all (or `threads`) cores,
// reports the render time, and refuses a time whose image is wrong.
#include <benchlab/plugin.h>

#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <exception>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>

#include "image_check.hpp"
#include "parallel_render.hpp"

namespace {

// About 4 s on the 2-core reference machine (docs/workloads/aobench.md).
constexpr char kDefaultSize[] = "1280";
constexpr int kMaxSize = 16384;
constexpr int kMaxThreads = 4096;

// An option value a user got wrong; becomes BL_INVALID_ARGUMENT.
struct OptionError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Settings {
  int size = 0;
  unsigned threads = 0;
};

long long int_option(const bl_host* host, const char* name, long long min, long long max) {
  const char* text = host->option(host, name);
  const std::string_view value = text ? text : "";
  long long parsed = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size() || parsed < min ||
      parsed > max)
    throw OptionError("option " + std::string(name) + " is '" + std::string(value) +
                      "': give an integer from " + std::to_string(min) + " to " +
                      std::to_string(max));
  return parsed;
}

Settings read_settings(const bl_host* host) {
  Settings settings;
  settings.size = static_cast<int>(int_option(host, "size", 1, kMaxSize));
  const auto threads = static_cast<unsigned>(int_option(host, "threads", 0, kMaxThreads));
  settings.threads = threads != 0 ? threads : (host->cpu_count != 0 ? host->cpu_count : 1);
  return settings;
}

// Runs `body`, turning every exception into a status and a message: nothing may cross
// the C boundary.
template <typename Body>
int32_t guarded(const bl_host* host, Body&& body) noexcept {
  try {
    return body();
  } catch (const OptionError& e) {
    host->set_error(host, e.what());
    return BL_INVALID_ARGUMENT;
  } catch (const std::bad_alloc&) {
    host->set_error(host, "out of memory while rendering: choose a smaller size");
    return BL_NO_MEMORY;
  } catch (const std::exception& e) {
    host->set_error(host, e.what());
    return BL_ERROR;
  } catch (...) {
    host->set_error(host, "unknown exception in the aobench plugin");
    return BL_ERROR;
  }
}

struct Instance {
  const bl_host* host;
};

int32_t create(const bl_host* host, void** out_instance) {
  *out_instance = nullptr;
  return guarded(host, [&] {
    *out_instance = std::make_unique<Instance>(Instance{host}).release();
    return BL_OK;
  });
}

void destroy(void* instance) { std::unique_ptr<Instance>(static_cast<Instance*>(instance)); }

// Checks the options once, before any trial, so a typo fails the result early.
int32_t setup(void* instance) {
  const bl_host* host = static_cast<Instance*>(instance)->host;
  return guarded(host, [&] {
    read_settings(host);
    return BL_OK;
  });
}

int32_t run(void* instance) {
  const bl_host* host = static_cast<Instance*>(instance)->host;
  return guarded(host, [&] {
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
    host->report_metric(host, "seconds", seconds);
    host->report_metric(host, "pixels_per_s", seconds > 0.0 ? pixels / seconds : 0.0);
    return BL_OK;
  });
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
    create,
    destroy,
    setup,
    run,
    nullptr,
    nullptr,
};

const bl_plugin kPlugin = {
    sizeof(bl_plugin),
    BL_ABI_MAJOR,
    BL_ABI_MINOR,
    BL_KIND_WORKLOAD,
    "aobench",
    "1.0.0",
    "ambient-occlusion renderer (aobench), all cores, validated image",
    "benchlab",
    &kWorkload,
    nullptr,
    nullptr,
};

}  // namespace

extern "C" BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t host_abi_major_min,
                                                            uint32_t host_abi_major_max) {
  if (host_abi_major_min > BL_ABI_MAJOR || host_abi_major_max < BL_ABI_MAJOR) return nullptr;
  return &kPlugin;
}
