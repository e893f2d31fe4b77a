// SPDX-License-Identifier: MIT
// The serve-load workload plugin: the ABI glue around the load generator. A trial starts
// the server when asked (option server), finds the model when not given, runs the load,
// and reports per-request distributions (host extension values, when offered), per-trial
// means and throughputs, and failures counted by reason.
#include <benchlab/ext/mark.h>
#include <benchlab/ext/values.h>

#include <array>
#include <benchlab/plugin.hpp>
#include <benchlab_common/host_extensions.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "serve-load/http_get.hpp"
#include "serve-load/load_engine.hpp"
#include "serve-load/serve_load_options.hpp"
#include "serve-load/server_process.hpp"
#include "serve-load/trial_summary.hpp"

namespace serve_load {
namespace {

using benchlab::common::mark;
using benchlab::common::values_extension;

namespace sdk = benchlab::sdk;

constexpr const char* kPluginVersion = "1.0.0";

constexpr bl_metric_desc metric(const char* name, const char* unit, int32_t direction,
                                const char* description, uint32_t flags = 0) {
  return bl_metric_desc{sizeof(bl_metric_desc), name, unit, direction, description, flags};
}

constexpr std::array kMetrics{
    metric("ttft", "ms", BL_LOWER_IS_BETTER,
           "time to first token: from the request fully written to the socket read that "
           "brought the first chunk with non-empty content; per successful request (a "
           "distribution where the host keeps values), the trial's value is their mean"),
    metric("tpot", "ms", BL_LOWER_IS_BETTER,
           "time per output token, vLLM's definition: (e2e_latency - ttft) / (output tokens - "
           "1), per successful request of more than one output token; the trial's value is "
           "their mean",
           BL_METRIC_OPTIONAL),
    metric("itl", "ms", BL_LOWER_IS_BETTER,
           "inter-token latency: the gap between the reads of consecutive content chunks of "
           "a request, every gap of every successful request; the trial's value is their mean",
           BL_METRIC_OPTIONAL),
    metric("e2e_latency", "ms", BL_LOWER_IS_BETTER,
           "end-to-end latency: from the request fully written to data: [DONE] (the end of "
           "the response when not streaming), per successful request; the trial's value is "
           "their mean"),
    metric("request_throughput", "req/s", BL_HIGHER_IS_BETTER,
           "successful requests / the load's duration (first send to last completion)"),
    metric("output_throughput", "tok/s", BL_HIGHER_IS_BETTER,
           "output tokens of successful requests (usage.completion_tokens, else content "
           "chunks) / the load's duration"),
    metric("goodput", "req/s", BL_HIGHER_IS_BETTER,
           "successful requests meeting ttft_slo_ms and tpot_slo_ms / the load's duration; "
           "only when an objective is set",
           BL_METRIC_OPTIONAL),
    metric("successful_requests", "requests", BL_HIGHER_IS_BETTER,
           "requests that ended with data: [DONE] after some content"),
    metric("failed_requests", "requests", BL_LOWER_IS_BETTER,
           "requests that failed, for any reason; failed.REASON counts each reason"),
};

constexpr sdk::guard_texts kGuard{
    .out_of_memory = "out of memory in the serve-load plugin; lower users or prompts_per_user",
    .unknown = "unknown failure in the serve-load plugin",
};
// Needs get_extension (1.0) only; the error output and marks are used when present.
using Entry = sdk::entry_points<sdk::host_instance, kGuard, sdk::host_size_1_0>;

// The key never leaves the process: whatever a server echoed of it is blanked.
std::string redact(std::string text, const std::string& key) {
  if (key.empty()) return text;
  for (std::size_t at = text.find(key); at != std::string::npos; at = text.find(key, at))
    text.replace(at, key.size(), "[api key]");
  return text;
}

void log(const bl_host* host, int32_t level, const std::string& text) {
  host->log(host, level, text.c_str());
}

// The distribution (when the host keeps values) and its mean; nothing when empty.
void report_distribution(const bl_host* host, const bl_host_values_ext* values, const char* name,
                         const std::vector<double>& ms) {
  if (ms.empty()) return;
  if (values != nullptr) {
    if (values->report_values(host, name, ms.data(), static_cast<uint32_t>(ms.size())) != BL_OK)
      throw sdk::failure(BL_ERROR, std::string("the host refused the values of ") + name);
  }
  sdk::report_metric(host, name, mean_of(ms));
}

std::string fixed(double value, int decimals = 1) {
  if (!std::isfinite(value)) return "-";
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::string distribution_line(const char* name, const std::vector<double>& ms) {
  return std::string(name) + " ms: mean " + fixed(mean_of(ms)) + ", p50 " +
         fixed(percentile_of(ms, 50)) + ", p90 " + fixed(percentile_of(ms, 90)) + ", p99 " +
         fixed(percentile_of(ms, 99)) + " (" + std::to_string(ms.size()) + " values)\n";
}

int32_t setup(const bl_host* host) {
  read_config(host);  // a bad option fails here, before any trial
  return BL_OK;
}

int32_t run(const bl_host* host) {
  PluginConfig config = read_config(host);
  LoadSpec& spec = config.spec;
  const auto cancelled = [host] { return host->is_cancelled(host) != 0; };

  std::unique_ptr<ServerProcess> server;
  if (!config.server_argv.empty()) {
    const std::filesystem::path log_file = std::filesystem::path(host->scratch_dir) /
                                           ("server-trial-" + std::to_string(host->trial) + ".log");
    mark(host, "server-start");
    host->progress(host, -1, ("starting " + config.server_argv.front()).c_str());
    try {
      server = std::make_unique<ServerProcess>(config.server_argv, log_file);
    } catch (const std::runtime_error& e) {
      throw sdk::failure(BL_ERROR, e.what());
    }
    bool ready = false;
    try {
      ready = wait_until_ready(
          *server, spec.server,
          std::chrono::milliseconds(static_cast<std::int64_t>(config.server_timeout_s * 1000)),
          spec.api_key, log_file, cancelled);
    } catch (const std::runtime_error& e) {
      throw sdk::failure(BL_ERROR, redact(e.what(), spec.api_key));
    }
    if (!ready) throw sdk::failure(BL_CANCELLED, "cancelled while the server started");
  }

  if (spec.model.empty()) {
    try {
      spec.model = first_model_id(spec.server, std::chrono::milliseconds(30000), spec.api_key);
    } catch (const std::runtime_error& e) {
      throw sdk::failure(BL_ERROR, "model: " + redact(e.what(), spec.api_key) +
                                       " (set the model option to skip this)");
    }
  }
  sdk::append_output(host, "endpoint: " + spec.server.url(endpoint_path(spec.endpoint)) +
                               " model " + spec.model + "\n");

  mark(host, "load");
  const std::uint32_t total = spec.total_requests();
  const LoadMonitor monitor{
      cancelled,
      [host](std::uint32_t done, std::uint32_t all) {
        host->progress(host, static_cast<double>(done) / all,
                       ("requests " + std::to_string(done) + "/" + std::to_string(all)).c_str());
      },
  };
  const LoadResult load = run_load(spec, monitor);
  if (server) {
    mark(host, "server-stop");
    server->stop();
  }
  if (load.cancelled) throw sdk::failure(BL_CANCELLED, "cancelled during the load");

  TrialSummary summary = summarise(load, config.slo);
  for (auto& [reason, detail] : summary.first_detail) detail = redact(detail, spec.api_key);
  for (const auto& [reason, count] : summary.failures)
    log(host, BL_LOG_WARN,
        std::to_string(count) + " of " + std::to_string(total) + " requests failed: " + reason +
            "; the first: " + summary.first_detail.at(reason));
  if (load.usage_rejected)
    log(host, BL_LOG_INFO,
        "the server refused stream_options.include_usage (HTTP 400): requests went without "
        "it, output tokens counted as content chunks");

  std::string text = "requests: " + std::to_string(summary.succeeded) + " ok, " +
                     std::to_string(summary.failed) + " failed of " + std::to_string(total) +
                     " in " + fixed(summary.duration_s, 3) + " s over " +
                     std::to_string(load.connections_opened) + " connections\n";
  if (summary.failed > 0) text += "failures: " + summary.failure_text() + "\n";
  if (summary.succeeded > 0) {
    text += distribution_line("ttft", summary.ttft_ms);
    text += distribution_line("tpot", summary.tpot_ms);
    text += distribution_line("itl", summary.itl_ms);
    text += distribution_line("e2e_latency", summary.e2e_ms);
    text += "throughput: " + fixed(summary.request_throughput, 3) + " req/s, " +
            fixed(summary.output_throughput, 1) + " tok/s (" +
            std::to_string(summary.output_tokens) + " output tokens)\n";
  }
  sdk::append_output(host, text);

  if (summary.succeeded == 0)
    throw sdk::failure(
        BL_ERROR, "all " + std::to_string(total) + " requests failed: " + summary.failure_text());

  const bl_host_values_ext* values = values_extension(host);
  report_distribution(host, values, "ttft", summary.ttft_ms);
  report_distribution(host, values, "tpot", summary.tpot_ms);
  report_distribution(host, values, "itl", summary.itl_ms);
  report_distribution(host, values, "e2e_latency", summary.e2e_ms);
  sdk::report_metric(host, "request_throughput", summary.request_throughput);
  sdk::report_metric(host, "output_throughput", summary.output_throughput);
  if (summary.goodput) sdk::report_metric(host, "goodput", *summary.goodput);
  sdk::report_metric(host, "successful_requests", summary.succeeded);
  sdk::report_metric(host, "failed_requests", summary.failed);
  for (const auto& [reason, count] : summary.failures) {
    const std::string name = "failed." + reason;
    if (host->declare_metric(host, name.c_str(), "requests", BL_LOWER_IS_BETTER) != BL_OK)
      throw sdk::failure(BL_ERROR, "the host refused to declare the metric " + name);
    sdk::report_metric(host, name.c_str(), count);
  }
  return BL_OK;
}

constexpr bl_workload kWorkload{
    sizeof(bl_workload),
    BL_WORKLOAD_DYNAMIC_METRICS,
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
    "serve-load", kPluginVersion,
    "load generator for OpenAI-compatible streaming servers (vLLM, llama-server, SGLang): "
    "users in open or closed loop, TTFT, TPOT, ITL, latency, throughput, goodput",
    "benchlab", kWorkload);

}  // namespace
}  // namespace serve_load

extern "C" BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t host_abi_major_min,
                                                            uint32_t host_abi_major_max) {
  return benchlab::sdk::offer(serve_load::kPlugin, host_abi_major_min, host_abi_major_max);
}
