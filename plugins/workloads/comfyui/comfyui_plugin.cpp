// SPDX-License-Identifier: MIT
// The comfyui workload plugin: the ABI glue around the ComfyUI client. setup() checks the
// workflow file and that ComfyUI answers (either missing makes the result "cannot run");
// each trial seeds the workflow afresh (ComfyUI would serve an unchanged prompt from its
// cache), runs it once, marks its phases and reports it/s, s/it, the step gaps and the
// total time.
#include <benchlab/ext/mark.h>
#include <benchlab/ext/values.h>

#include <array>
#include <benchlab/plugin.hpp>
#include <benchlab_common/host_extensions.hpp>
#include <benchlab_common/program_version.hpp>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>

#include "comfyui/comfy_http.hpp"
#include "comfyui/comfy_url.hpp"
#include "comfyui/prompt_session.hpp"
#include "comfyui/sampling_summary.hpp"
#include "comfyui/workflow.hpp"

namespace comfyui {
namespace {

using benchlab::common::mark;
using benchlab::common::values_extension;

namespace sdk = benchlab::sdk;
namespace fs = std::filesystem;

constexpr const char* kPluginVersion = "1.0.0";

constexpr bl_option_desc option(const char* name, int32_t type, uint32_t flags,
                                const char* default_value, double min, double max,
                                const char* description) {
  return bl_option_desc{
      sizeof(bl_option_desc), name, type, flags, default_value, nullptr, min, max, description};
}

constexpr std::array kOptions{
    option("base_url", BL_OPTION_STRING, 0, "http://127.0.0.1:8188", 0, 0,
           "the ComfyUI server: http://HOST[:PORT]"),
    option("workflow", BL_OPTION_STRING, BL_OPTION_REQUIRED, nullptr, 0, 0,
           "the workflow to run, a JSON file in ComfyUI's API format (Workflow > Export (API)); "
           "a relative path is in the profile's directory"),
    option("seed", BL_OPTION_INT, 0, nullptr, 0, 281474976710655.0,
           "seed written into every seed and noise_seed input, plus the trial's index so that "
           "no two trials send the same prompt; unset: a random seed each trial"),
    option("timeout", BL_OPTION_FLOAT, 0, "1800", 1, 604800,
           "seconds a prompt may take from the POST to its end; past it the trial fails and "
           "ComfyUI is asked to interrupt it"),
    option("sampler_node", BL_OPTION_STRING, 0, "", 0, 0,
           "id of the node whose progress is the sampling; empty: every node whose class_type "
           "names a sampler, else the node with the most progress events"),
};

constexpr bl_metric_desc metric(const char* name, const char* unit, int32_t direction,
                                const char* description) {
  return bl_metric_desc{sizeof(bl_metric_desc), name, unit, direction, description, 0};
}

constexpr std::array kMetrics{
    metric("it_per_s", "it/s", BL_HIGHER_IS_BETTER,
           "sampling steps per second: step gaps / their sum, the gaps between consecutive "
           "progress events of the sampler node(s) as read from the websocket"),
    metric("s_per_it", "s/it", BL_LOWER_IS_BETTER,
           "seconds per sampling step, the inverse of it_per_s (how video models read); every "
           "step gap is a value where the host keeps distributions"),
    metric("sampling_time", "s", BL_LOWER_IS_BETTER,
           "first to last progress event of the sampler node(s)"),
    metric("total_time", "s", BL_LOWER_IS_BETTER,
           "from POST /prompt written to the prompt's end (execution_success): loading, "
           "sampling, decoding and saving"),
    metric("steps", "steps", BL_HIGHER_IS_BETTER,
           "sampling steps made by the sampler node(s), to check against the workflow's"),
};

constexpr sdk::guard_texts kGuard{
    .out_of_memory = "out of memory in the comfyui plugin",
    .unknown = "unknown failure in the comfyui plugin",
};
using Entry = sdk::entry_points<sdk::host_instance, kGuard, sdk::host_size_1_0>;

struct Settings {
  ComfyUrl server;
  fs::path workflow_file;
  std::optional<std::uint64_t> seed;
  double timeout_s = 1800;
  std::string sampler_node;
};

Settings read_settings(const bl_host* host) {
  Settings s;
  try {
    s.server = parse_comfy_url(sdk::option_string(host, "base_url"));
  } catch (const std::invalid_argument& e) {
    throw sdk::invalid_option(std::string("option ") + e.what());
  }
  const std::string workflow = sdk::option_string(host, "workflow");
  if (workflow.empty())
    throw sdk::invalid_option(
        "option workflow is empty: give an API-format workflow file with -o workflow=FILE");
  s.workflow_file = workflow;
  // Every phase runs in the scratch directory: a relative path can only mean the profile's.
  if (s.workflow_file.is_relative()) {
    if (host->data_dir == nullptr)
      throw sdk::invalid_option("option workflow is the relative path '" + workflow +
                                "' and there is no profile directory to resolve it in: give "
                                "an absolute path");
    s.workflow_file = fs::path(host->data_dir) / s.workflow_file;
  }
  if (sdk::option(host, "seed"))
    s.seed = static_cast<std::uint64_t>(sdk::option_int(host, "seed", 0, 281474976710655LL));
  s.timeout_s = sdk::option_float(host, "timeout", 1, 604800);
  s.sampler_node = sdk::option_string(host, "sampler_node");
  return s;
}

Workflow read_workflow(const Settings& s) {
  try {
    return load_workflow(s.workflow_file);
  } catch (const WorkflowError& e) {
    // A missing or unusable file is what this machine lacks to run the test, not a fault.
    throw sdk::cannot_run(e.what());
  }
}

std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::uint64_t trial_seed(const bl_host* host, const Settings& s) {
  if (s.seed) return *s.seed + host->trial;
  std::random_device device;
  return ((static_cast<std::uint64_t>(device()) << 32) | device()) & 0xffffffffffffULL;
}

int32_t setup(const bl_host* host) {
  const Settings s = read_settings(host);
  read_workflow(s);
  std::string system;
  try {
    system = describe_system(s.server, std::chrono::seconds(10));
  } catch (const std::runtime_error& e) {
    throw sdk::cannot_run(e.what());
  }
  host->log(host, BL_LOG_INFO, (s.server.url("") + ": " + system).c_str());
  // "ComfyUI 0.3.40, Python 3.12.3; ...": /system_stats's comfyui_version, recorded with
  // the result (a server has no path here).
  if (const std::string version =
          benchlab::common::first_matching_line(system, R"(^ComfyUI ([^,;]+))");
      !version.empty())
    benchlab::common::report_program(host, "ComfyUI", version, "");
  return BL_OK;
}

int32_t run(const bl_host* host) {
  const Settings s = read_settings(host);
  Workflow workflow = read_workflow(s);
  const std::uint64_t seed = trial_seed(host, s);
  const std::size_t seeded = inject_seed(workflow, seed);
  if (seeded == 0)
    host->log(host, BL_LOG_WARN,
              "the workflow has no seed or noise_seed input: from the second trial on ComfyUI "
              "may serve it from its cache without sampling");

  // Phases for energy per phase: loading until the sampler's first step, sampling until
  // its last, then decoding and saving. Which nodes sample is known live from the
  // workflow (the summary may pick otherwise only when no class_type names a sampler).
  const bool any_sampler = workflow.has_sampler();
  const auto is_live_sampler = [&](const std::string& node) {
    if (!s.sampler_node.empty()) return node == s.sampler_node;
    return any_sampler ? workflow.is_sampler(node) : true;
  };
  bool sampling = false;
  SessionHooks hooks;
  hooks.cancelled = [host] { return host->is_cancelled(host) != 0; };
  hooks.on_posted = [host] { mark(host, "load"); };
  hooks.on_event = [&](const Message& m) {
    if (m.type != "progress" || m.max <= 0 || !is_live_sampler(m.node)) return;
    host->progress(
        host, static_cast<double>(m.value) / static_cast<double>(m.max),
        ("node " + m.node + " step " + std::to_string(m.value) + "/" + std::to_string(m.max))
            .c_str());
    if (!sampling) {
      mark(host, "sample");
      sampling = true;
    }
    if (m.value >= m.max) {
      mark(host, "decode");
      sampling = false;
    }
  };
  host->progress(host, -1, "prompt queued");
  const auto timeout = std::chrono::milliseconds(static_cast<std::int64_t>(s.timeout_s * 1000));
  const PromptRun prompt = run_prompt(s.server, new_client_id(), workflow.nodes, timeout, hooks);

  std::string text = "ComfyUI " + s.server.url("") + ": prompt " +
                     (prompt.prompt_id.empty() ? "-" : prompt.prompt_id) + ", seed " +
                     std::to_string(seed) + " in " + std::to_string(seeded) + " input(s)\n";
  for (std::size_t i = 0; i < prompt.executing.size(); ++i) {
    const NodeStart& n = prompt.executing[i];
    const Clock::time_point end =
        i + 1 < prompt.executing.size() ? prompt.executing[i + 1].at : prompt.finished;
    text += "  node " + n.node + " (" + workflow.class_type(n.node) +
            "): " + fixed(std::chrono::duration<double>(end - n.at).count(), 3) + " s\n";
  }
  if (!prompt.cached.empty())
    text += "  cached: " + std::to_string(prompt.cached.size()) + " node(s)\n";

  if (prompt.outcome != PromptOutcome::succeeded) {
    text += "failed: " + prompt.reason + "\n";
    sdk::append_output(host, text);
    if (prompt.outcome == PromptOutcome::timed_out || prompt.outcome == PromptOutcome::cancelled)
      // Leave ComfyUI free for the next trial; what it answers changes nothing here.
      http_request(s.server, true, "/interrupt", "{}", std::chrono::seconds(2));
    if (prompt.outcome == PromptOutcome::cancelled) throw sdk::failure(BL_CANCELLED, "cancelled");
    throw sdk::failure(BL_ERROR, prompt.reason);
  }

  SamplingSummary summary;
  try {
    summary = summarise_sampling(prompt, workflow, s.sampler_node);
  } catch (const std::runtime_error& e) {
    sdk::append_output(host, text + "failed: " + e.what() + "\n");
    throw sdk::failure(BL_ERROR, e.what());
  }
  std::string samplers;
  for (const std::string& node : summary.sampler_nodes)
    samplers += (samplers.empty() ? "" : ", ") + node + " (" + workflow.class_type(node) + ")";
  text += "sampler " + samplers + ": " + std::to_string(summary.steps) + " steps, " +
          fixed(summary.it_per_s, 3) + " it/s (" + fixed(summary.s_per_it, 3) +
          " s/it), sampling " + fixed(summary.sampling_time_s, 3) + " s; total " +
          fixed(summary.total_time_s, 3) + " s\n";
  sdk::append_output(host, text);

  if (const bl_host_values_ext* values = values_extension(host))
    if (values->report_values(host, "s_per_it", summary.step_intervals_s.data(),
                              static_cast<uint32_t>(summary.step_intervals_s.size())) != BL_OK)
      throw sdk::failure(BL_ERROR, "the host refused the step intervals");
  sdk::report_metric(host, "it_per_s", summary.it_per_s);
  sdk::report_metric(host, "s_per_it", summary.s_per_it);
  sdk::report_metric(host, "sampling_time", summary.sampling_time_s);
  sdk::report_metric(host, "total_time", summary.total_time_s);
  sdk::report_metric(host, "steps", static_cast<double>(summary.steps));
  return BL_OK;
}

constexpr bl_workload kWorkload{
    sizeof(bl_workload),
    0,
    static_cast<uint32_t>(kOptions.size()),
    kOptions.data(),
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
    "comfyui", kPluginVersion,
    "image and video generation on a running ComfyUI: submits an API-format workflow, follows "
    "its websocket progress, reports it/s, s/it and the total time",
    "benchlab", kWorkload);

}  // namespace
}  // namespace comfyui

extern "C" BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t host_abi_major_min,
                                                            uint32_t host_abi_major_max) {
  return benchlab::sdk::offer(comfyui::kPlugin, host_abi_major_min, host_abi_major_max);
}
