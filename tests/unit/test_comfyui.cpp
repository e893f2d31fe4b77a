// SPDX-License-Identifier: MIT
// The comfyui workload: workflow checks and seeding, ComfyUI's message shapes, the prompt
// session against the ComfyUI stand-in (timings, every failure mode with its reason, the
// cache), the plugin through its C ABI, and `benchlab run comfyui` end to end.
#include <benchlab/ext/mark.h>
#include <benchlab/ext/values.h>
#include <benchlab/plugin.h>
#include <dlfcn.h>
#include <time.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "comfyui/comfy_http.hpp"
#include "comfyui/comfy_message.hpp"
#include "comfyui/comfy_url.hpp"
#include "comfyui/prompt_session.hpp"
#include "comfyui/sampling_summary.hpp"
#include "comfyui/workflow.hpp"
#include "comfyui_mock.hpp"
#include "unit_support.hpp"

using namespace comfyui;
using Catch::Matchers::Contains;
namespace json = boost::json;

namespace {

// ComfyUI's own example of an API-format workflow (script_examples/basic_api_example.py):
// SD 1.5 text to image, here with 10 steps.
constexpr const char* kSd15 = R"({
  "3": {"class_type": "KSampler", "inputs": {"cfg": 8, "denoise": 1,
        "latent_image": ["5", 0], "model": ["4", 0], "negative": ["7", 0],
        "positive": ["6", 0], "sampler_name": "euler", "scheduler": "normal",
        "seed": 8566257, "steps": 10}},
  "4": {"class_type": "CheckpointLoaderSimple",
        "inputs": {"ckpt_name": "v1-5-pruned-emaonly-fp16.safetensors"}},
  "5": {"class_type": "EmptyLatentImage", "inputs": {"batch_size": 1, "height": 512, "width": 512}},
  "6": {"class_type": "CLIPTextEncode", "inputs": {"clip": ["4", 1],
        "text": "masterpiece best quality girl"}},
  "7": {"class_type": "CLIPTextEncode", "inputs": {"clip": ["4", 1], "text": "bad hands"}},
  "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
  "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "ComfyUI", "images": ["8", 0]}}
})";

// The same graph as the UI saves it (Workflow > Save): nodes and links arrays.
constexpr const char* kUiFormat = R"({"last_node_id": 9, "last_link_id": 9,
  "nodes": [{"id": 3, "type": "KSampler", "widgets_values": [8566257, "randomize", 20]}],
  "links": [[1, 4, 0, 3, 0, "MODEL"]], "groups": [], "config": {}, "extra": {}, "version": 0.4})";

Workflow sd15(std::int64_t steps = 10) {
  Workflow w = parse_workflow(kSd15, "test");
  w.nodes["3"].as_object()["inputs"].as_object()["steps"] = steps;
  return w;
}

comfyui_mock::MockOptions mock_options(comfyui_mock::Fault fault = comfyui_mock::Fault::none,
                                       int step_ms = 5) {
  comfyui_mock::MockOptions o;
  o.fault = fault;
  o.step_delay = std::chrono::milliseconds(step_ms);
  o.node_delay = std::chrono::milliseconds(1);
  return o;
}

PromptRun run_on(const comfyui_mock::MockServer& mock, const Workflow& w,
                 std::chrono::milliseconds timeout = std::chrono::seconds(10),
                 const SessionHooks& hooks = {}) {
  return run_prompt(parse_comfy_url(mock.base_url()), new_client_id(), w.nodes, timeout, hooks);
}

unsigned short closed_port() {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor acceptor(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const unsigned short port = acceptor.local_endpoint().port();
  acceptor.close();
  return port;
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path) << text;
}

}  // namespace

// ---- pure code ----

TEST_CASE("comfyui: base_url forms, and what is refused", "[comfyui]") {
  const ComfyUrl plain = parse_comfy_url("http://gpu-box");
  CHECK(plain.host == "gpu-box");
  CHECK(plain.port == "8188");
  CHECK(parse_comfy_url("http://127.0.0.1:8000/").url("/prompt") == "http://127.0.0.1:8000/prompt");
  CHECK(parse_comfy_url("http://[::1]:8188/comfy").url("/ws") == "http://[::1]:8188/comfy/ws");
  CHECK_THROWS_WITH(parse_comfy_url("https://x"), Contains("https is not spoken"));
  CHECK_THROWS_WITH(parse_comfy_url("127.0.0.1:8188"), Contains("must start with http://"));
  CHECK_THROWS_WITH(parse_comfy_url("http://x:0"), Contains("port must be a number"));
}

TEST_CASE("comfyui: the UI format is told apart from the API format, with the way out",
          "[comfyui]") {
  CHECK(parse_workflow(kSd15, "w").nodes.size() == 7);
  try {
    parse_workflow(kUiFormat, "workflow file a.json");
    FAIL("the UI format was accepted");
  } catch (const WorkflowError& e) {
    CHECK(e.kind() == WorkflowError::Kind::ui_format);
    CHECK_THAT(e.what(), Contains("UI format") && Contains("Save (API Format)"));
  }
  CHECK_THROWS_WITH(parse_workflow("{\"3\": {\"inputs\": {}}}", "w"),
                    Contains("entry \"3\" is not an API-format node"));
  CHECK_THROWS_WITH(parse_workflow("{\"3\": ", "w"), Contains("w is not JSON"));
  CHECK_THROWS_WITH(parse_workflow("{}", "w"), Contains("holds no node"));
  try {
    load_workflow("/nonexistent/comfyui/flux.json");
    FAIL("a missing file was accepted");
  } catch (const WorkflowError& e) {
    CHECK(e.kind() == WorkflowError::Kind::missing);
    CHECK_THAT(e.what(), Contains("does not exist"));
  }
}

TEST_CASE("comfyui: the seed goes into every literal seed and noise_seed, never into a link",
          "[comfyui]") {
  Workflow w = sd15();
  w.nodes["10"] = json::parse(R"({"class_type": "RandomNoise", "inputs": {"noise_seed": 1}})");
  w.nodes["11"] =
      json::parse(R"({"class_type": "KSamplerAdvanced", "inputs": {"noise_seed": ["12", 0]}})");
  CHECK(inject_seed(w, 4242) == 2);
  CHECK(w.nodes["3"].at("inputs").at("seed").to_number<std::uint64_t>() == 4242);
  CHECK(w.nodes["10"].at("inputs").at("noise_seed").to_number<std::uint64_t>() == 4242);
  CHECK(w.nodes["11"].at("inputs").at("noise_seed").is_array());
  CHECK(w.is_sampler("3"));
  CHECK(w.is_sampler("11"));
  CHECK_FALSE(w.is_sampler("8"));
}

TEST_CASE("comfyui: websocket events decode as ComfyUI sends them; anything else is refused",
          "[comfyui]") {
  const Message p = parse_message(
      R"({"type": "progress", "data": {"value": 3, "max": 20, "prompt_id": "p1", "node": "3"}})");
  CHECK(p.type == "progress");
  CHECK(p.value == 3);
  CHECK(p.max == 20);
  CHECK(p.node == "3");
  CHECK(p.prompt_id == "p1");
  const Message done = parse_message(
      R"({"type": "executing", "data": {"node": null, "display_node": null, "prompt_id": "p1"}})");
  CHECK(done.node_is_null);
  const Message error = parse_message(
      R"({"type": "execution_error", "data": {"prompt_id": "p1", "node_id": "4",
          "node_type": "CheckpointLoaderSimple", "exception_message": "file not found",
          "exception_type": "FileNotFoundError", "traceback": [], "executed": []}})");
  CHECK(error.node == "4");
  CHECK(error.node_type == "CheckpointLoaderSimple");
  CHECK(error.exception_message == "file not found");
  CHECK(parse_message(R"({"type": "progress_state", "data": {"prompt_id": "p1", "nodes": {}}})")
            .type == "progress_state");  // newer event types pass through, unused
  CHECK_THROWS_WITH(parse_message("<html>502</html>"), Contains("not JSON"));
  CHECK_THROWS_WITH(parse_message(R"({"data": {}})"), Contains("without a \"type\""));
  CHECK_THROWS_WITH(parse_message(R"({"type": "progress", "data": []})"),
                    Contains("\"data\" is not an object"));
}

TEST_CASE("comfyui: a refused prompt names each node, its class and the error", "[comfyui]") {
  const std::string body = R"({"error": {"type": "prompt_outputs_failed_validation",
    "message": "Prompt outputs failed validation", "details": "", "extra_info": {}},
    "node_errors": {"4": {"errors": [{"type": "value_not_in_list", "message": "Value not in list",
    "details": "ckpt_name: 'x.safetensors' not in []", "extra_info": {}}],
    "dependent_outputs": ["9"], "class_type": "CheckpointLoaderSimple"}}})";
  CHECK(summarise_refusal(400, body) ==
        "ComfyUI refused the prompt (HTTP 400): node 4 (CheckpointLoaderSimple): Value not in "
        "list: ckpt_name: 'x.safetensors' not in []");
  CHECK_THAT(
      summarise_refusal(400, R"({"error": {"type": "no_prompt", "message": "No prompt provided",
    "details": "", "extra_info": {}}, "node_errors": []})"),
      Contains("No prompt provided"));
  CHECK_THAT(summarise_refusal(500, "Internal Server Error"),
             Contains("HTTP 500") && Contains("Internal Server Error"));
}

// ---- the session against the stand-in ----

TEST_CASE("comfyui: a prompt's steps, gaps and phases are read from its events", "[comfyui]") {
  comfyui_mock::MockServer mock(mock_options());
  std::vector<std::string> seen;
  SessionHooks hooks;
  hooks.on_posted = [&] { seen.emplace_back("posted"); };
  hooks.on_event = [&](const Message& m) { seen.push_back(m.type); };
  const PromptRun run = run_on(mock, sd15(12), std::chrono::seconds(10), hooks);
  INFO(run.reason);
  REQUIRE(run.outcome == PromptOutcome::succeeded);
  CHECK(run.progress.size() == 12);
  CHECK(run.binary_frames == 12);  // previews, skipped
  CHECK(run.executing.size() == 7);
  REQUIRE(!seen.empty());
  CHECK(seen.front() == "posted");
  CHECK(std::count(seen.begin(), seen.end(), "progress") == 12);
  CHECK(std::find(seen.begin(), seen.end(), "execution_success") != seen.end());
  const json::value sent = json::parse(mock.prompts().at(0));
  CHECK(sent.at("3").at("class_type").as_string() == "KSampler");

  const SamplingSummary s = summarise_sampling(run, sd15(12), "");
  CHECK(s.sampler_nodes == std::vector<std::string>{"3"});
  CHECK(s.steps == 12);
  CHECK(s.step_intervals_s.size() == 11);
  CHECK(s.it_per_s == Approx(1.0 / s.s_per_it));
  CHECK(s.sampling_time_s > 0);
  CHECK(s.total_time_s > s.sampling_time_s);
}

TEST_CASE("comfyui: it/s matches the server's step delay", "[comfyui][timing]") {
  comfyui_mock::MockServer mock(mock_options(comfyui_mock::Fault::none, 40));
  const PromptRun run = run_on(mock, sd15(20));
  REQUIRE(run.outcome == PromptOutcome::succeeded);
  const SamplingSummary s = summarise_sampling(run, sd15(20), "");
  CHECK(s.s_per_it == Approx(0.040).margin(0.010));
  CHECK(s.it_per_s == Approx(25.0).epsilon(0.25));
  CHECK(s.sampling_time_s == Approx(19 * 0.040).epsilon(0.25));
}

TEST_CASE("comfyui: two samplers in turn (Wan 2.2's experts) count together, no gap across",
          "[comfyui]") {
  comfyui_mock::MockServer mock(mock_options());
  Workflow w = sd15(3);
  w.nodes["20"] =
      json::parse(R"({"class_type": "KSamplerAdvanced", "inputs": {"noise_seed": 1, "steps": 4}})");
  const PromptRun run = run_on(mock, w);
  REQUIRE(run.outcome == PromptOutcome::succeeded);
  const SamplingSummary s = summarise_sampling(run, w, "");
  CHECK(s.sampler_nodes == std::vector<std::string>{"3", "20"});
  CHECK(s.steps == 7);
  CHECK(s.step_intervals_s.size() == 5);  // 2 + 3: none across the switch
  const SamplingSummary only = summarise_sampling(run, w, "20");
  CHECK(only.steps == 4);
  CHECK_THROWS_WITH(summarise_sampling(run, w, "8"),
                    Contains("sampler_node 8 reported no progress") && Contains("3, 20"));
}

TEST_CASE("comfyui: each failure mode ends the run with its reason, never a hang", "[comfyui]") {
  using comfyui_mock::Fault;
  SECTION("a model ComfyUI does not have: 400 with node_errors") {
    comfyui_mock::MockServer mock(mock_options());
    Workflow w = sd15();
    w.nodes["4"].as_object()["inputs"].as_object()["ckpt_name"] = "missing.safetensors";
    const PromptRun run = run_on(mock, w);
    CHECK(run.outcome == PromptOutcome::refused);
    CHECK_THAT(run.reason, Contains("node 4 (CheckpointLoaderSimple): Value not in list: "
                                    "ckpt_name: 'missing.safetensors'"));
  }
  SECTION("execution_error names the node, its type and the exception") {
    comfyui_mock::MockServer mock(mock_options(Fault::execution_error));
    const PromptRun run = run_on(mock, sd15());
    CHECK(run.outcome == PromptOutcome::execution_error);
    CHECK(run.reason ==
          "ComfyUI failed at node 3 (KSampler): torch.OutOfMemoryError: CUDA out of memory. "
          "Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 24.00 GiB");
  }
  SECTION("execution_interrupted") {
    comfyui_mock::MockServer mock(mock_options(Fault::interrupted));
    const PromptRun run = run_on(mock, sd15());
    CHECK(run.outcome == PromptOutcome::interrupted);
    CHECK_THAT(run.reason, Contains("interrupted the prompt at node 3 (KSampler)"));
  }
  SECTION("the websocket closes mid-run") {
    comfyui_mock::MockServer mock(mock_options(Fault::close_mid_run));
    const PromptRun run = run_on(mock, sd15());
    CHECK(run.outcome == PromptOutcome::connection_lost);
    CHECK_THAT(run.reason, Contains("closed the websocket before the prompt ended") &&
                               Contains("'progress' of node 3"));
  }
  SECTION("a text frame that is not JSON") {
    comfyui_mock::MockServer mock(mock_options(Fault::garbage));
    const PromptRun run = run_on(mock, sd15());
    CHECK(run.outcome == PromptOutcome::protocol_error);
    CHECK_THAT(run.reason, Contains("not JSON") && Contains("502 Bad Gateway"));
  }
  SECTION("a stall ends at the timeout, saying where it stopped") {
    comfyui_mock::MockServer mock(mock_options(Fault::stall));
    const auto start = std::chrono::steady_clock::now();
    const PromptRun run = run_on(mock, sd15(), std::chrono::milliseconds(400));
    const double took =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    CHECK(run.outcome == PromptOutcome::timed_out);
    CHECK_THAT(run.reason, Contains("timed out after 0.4 s") && Contains("'progress' of node 3") &&
                               Contains("step 3/10"));
    CHECK(took < 3.0);
  }
  SECTION("nothing listens") {
    ComfyUrl url = parse_comfy_url("http://127.0.0.1:" + std::to_string(closed_port()));
    const PromptRun run =
        run_prompt(url, new_client_id(), sd15().nodes, std::chrono::seconds(5), {});
    CHECK(run.outcome == PromptOutcome::unreachable);
    CHECK_THAT(run.reason, Contains("no ComfyUI at http://127.0.0.1:") && Contains("connect"));
    CHECK_THROWS_WITH(describe_system(url, std::chrono::seconds(5)),
                      Contains("no ComfyUI answers at") && Contains("python main.py --listen"));
  }
  SECTION("cancelled") {
    comfyui_mock::MockServer mock(mock_options(Fault::stall));
    SessionHooks hooks;
    int polls = 0;
    hooks.cancelled = [&] { return ++polls > 3; };
    const PromptRun run = run_on(mock, sd15(), std::chrono::seconds(30), hooks);
    CHECK(run.outcome == PromptOutcome::cancelled);
  }
}

TEST_CASE("comfyui: the same prompt twice is served from the cache; a new seed samples again",
          "[comfyui]") {
  comfyui_mock::MockServer mock(mock_options());
  Workflow w = sd15(4);
  REQUIRE(run_on(mock, w).outcome == PromptOutcome::succeeded);
  const PromptRun again = run_on(mock, w);
  REQUIRE(again.outcome == PromptOutcome::succeeded);
  CHECK(again.progress.empty());
  CHECK(again.cached.size() == 7);
  CHECK_THROWS_WITH(summarise_sampling(again, w, ""),
                    Contains("from its cache") && Contains("seed"));
  inject_seed(w, 99);
  const PromptRun seeded = run_on(mock, w);
  REQUIRE(seeded.outcome == PromptOutcome::succeeded);
  CHECK(summarise_sampling(seeded, w, "").steps == 4);
}

TEST_CASE("comfyui: /system_stats describes the server", "[comfyui]") {
  comfyui_mock::MockServer mock(mock_options());
  const std::string text =
      describe_system(parse_comfy_url(mock.base_url()), std::chrono::seconds(5));
  CHECK_THAT(text,
             Contains("ComfyUI 0.3.40-mock") && Contains("Mock GPU") && Contains("24.0 GiB VRAM"));
}

// ---- the plugin through its C ABI ----
namespace {

std::uint64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000ULL +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

struct PluginHost {
  bl_host host{};
  const bl_plugin* plugin = nullptr;
  // A minute per prompt: a lost prompt fails the test instead of waiting out 1800 s.
  std::map<std::string, std::string> options{{"timeout", "60"}};
  std::map<std::string, double> metrics;
  std::map<std::string, std::vector<double>> values;
  std::vector<std::string> marks, logs;
  std::string error, output, scratch;
  bl_host_values_ext values_ext{};
  bl_host_mark_ext mark_ext{};

  static PluginHost& self(const bl_host* h) { return *static_cast<PluginHost*>(h->host_data); }

  PluginHost(const bl_plugin* p, const std::string& dir) : plugin(p), scratch(dir) {
    host.struct_size = sizeof(bl_host);
    host.abi_major = BL_ABI_MAJOR;
    host.abi_minor = BL_ABI_MINOR;
    host.phase = BL_PHASE_RUN;
    host.cpu_count = 2;
    host.scratch_dir = scratch.c_str();
    host.cache_dir = scratch.c_str();
    host.data_dir = scratch.c_str();
    host.host_data = this;
    host.log = [](const bl_host* h, int32_t, const char* msg) { self(h).logs.emplace_back(msg); };
    host.set_error = [](const bl_host* h, const char* msg) { self(h).error = msg; };
    host.option = [](const bl_host* h, const char* name) -> const char* {
      auto& me = self(h);
      if (auto it = me.options.find(name); it != me.options.end()) return it->second.c_str();
      const bl_workload* w = me.plugin->workload;
      for (uint32_t i = 0; i < w->option_count; ++i)
        if (std::string(w->options[i].name) == name) return w->options[i].default_value;
      return nullptr;
    };
    host.report_metric = [](const bl_host* h, const char* name, double value) -> int32_t {
      if (!std::isfinite(value)) return BL_INVALID_ARGUMENT;
      self(h).metrics[name] = value;
      return BL_OK;
    };
    host.progress = [](const bl_host*, double, const char*) {};
    host.append_output = [](const bl_host* h, const char* data, size_t size) -> int32_t {
      self(h).output.append(data, size);
      return BL_OK;
    };
    host.is_cancelled = [](const bl_host*) -> int32_t { return 0; };
    host.now_ns = [](const bl_host*) -> uint64_t { return monotonic_ns(); };
    host.get_extension = [](const bl_host* h, const char* id) -> const void* {
      auto& me = self(h);
      if (std::string(id) == BL_EXT_HOST_VALUES) return &me.values_ext;
      if (std::string(id) == BL_EXT_HOST_MARK) return &me.mark_ext;
      return nullptr;
    };
    values_ext.struct_size = sizeof values_ext;
    values_ext.report_values = [](const bl_host* h, const char* name, const double* v,
                                  uint32_t n) -> int32_t {
      auto& into = self(h).values[name];
      into.insert(into.end(), v, v + n);
      return BL_OK;
    };
    mark_ext.struct_size = sizeof mark_ext;
    mark_ext.mark = [](const bl_host* h, const char* name) -> int32_t {
      self(h).marks.emplace_back(name);
      return BL_OK;
    };
  }

  int32_t call(int32_t (*phase)(void*)) {
    void* instance = nullptr;
    int32_t status = plugin->workload->create(&host, &instance);
    if (status != BL_OK) return status;
    status = phase(instance);
    plugin->workload->destroy(instance);
    return status;
  }
  int32_t setup() { return call(plugin->workload->setup); }
  int32_t run() { return call(plugin->workload->run); }
};

struct LoadedPlugin {
  LoadedPlugin() {
    handle = dlopen(COMFYUI_PLUGIN, RTLD_NOW | RTLD_LOCAL);
    INFO((handle ? "" : dlerror()));
    REQUIRE(handle != nullptr);
    const auto entry = reinterpret_cast<bl_entry_fn>(dlsym(handle, BL_ENTRY_SYMBOL));
    REQUIRE(entry != nullptr);
    plugin = entry(1, 1);
    REQUIRE(plugin != nullptr);
  }
  ~LoadedPlugin() { dlclose(handle); }
  void* handle = nullptr;
  const bl_plugin* plugin = nullptr;
};

}  // namespace

TEST_CASE("comfyui.so: setup says 'cannot run' for a missing file, the UI format, no server",
          "[comfyui][plugin]") {
  LoadedPlugin loaded;
  unit::TempDir dir;
  comfyui_mock::MockServer mock(mock_options());
  PluginHost host(loaded.plugin, dir.path.string());
  host.host.phase = BL_PHASE_SETUP;
  host.options["base_url"] = mock.base_url();

  host.options["workflow"] = "absent.json";
  CHECK(host.setup() == BL_CANNOT_RUN);
  CHECK_THAT(host.error, Contains("absent.json does not exist"));

  write_file(dir.path / "ui.json", kUiFormat);
  host.options["workflow"] = "ui.json";
  CHECK(host.setup() == BL_CANNOT_RUN);
  CHECK_THAT(host.error, Contains("UI format") && Contains("Save (API Format)"));

  write_file(dir.path / "sd15.json", kSd15);
  host.options["workflow"] = "sd15.json";
  CHECK(host.setup() == BL_OK);
  REQUIRE(!host.logs.empty());
  CHECK_THAT(host.logs.back(), Contains("Mock GPU"));

  host.options["base_url"] = "http://127.0.0.1:" + std::to_string(closed_port());
  CHECK(host.setup() == BL_CANNOT_RUN);
  CHECK_THAT(host.error, Contains("no ComfyUI answers at"));

  host.options["base_url"] = "https://127.0.0.1";
  CHECK(host.setup() == BL_INVALID_ARGUMENT);
}

TEST_CASE("comfyui.so: trials report it/s, s/it, step gaps and phases, each with a new seed",
          "[comfyui][plugin]") {
  LoadedPlugin loaded;
  unit::TempDir dir;
  comfyui_mock::MockServer mock(mock_options());
  write_file(dir.path / "sd15.json", kSd15);
  PluginHost host(loaded.plugin, dir.path.string());
  host.options["base_url"] = mock.base_url();
  host.options["workflow"] = "sd15.json";
  host.options["seed"] = "1000";

  for (uint32_t trial = 0; trial < 2; ++trial) {
    host.host.trial = trial;
    host.metrics.clear();
    host.marks.clear();
    INFO(host.error);
    REQUIRE(host.run() == BL_OK);
    CHECK(host.metrics.at("steps") == 10);
    CHECK(host.metrics.at("it_per_s") > 0);
    CHECK(host.metrics.at("s_per_it") == Approx(1.0 / host.metrics.at("it_per_s")));
    CHECK(host.metrics.at("total_time") > host.metrics.at("sampling_time"));
    CHECK(host.marks == std::vector<std::string>{"load", "sample", "decode"});
  }
  CHECK(host.values.at("s_per_it").size() == 18);  // 9 gaps a trial
  const auto prompts = mock.prompts();
  REQUIRE(prompts.size() == 2);
  CHECK(json::parse(prompts[0]).at("3").at("inputs").at("seed").to_number<std::uint64_t>() == 1000);
  CHECK(json::parse(prompts[1]).at("3").at("inputs").at("seed").to_number<std::uint64_t>() == 1001);
  CHECK_THAT(host.output, Contains("seed 1001 in 1 input(s)") && Contains("node 3 (KSampler)"));

  // Without the seed option every trial draws one: the same file never hits the cache.
  host.options.erase("seed");
  REQUIRE(host.run() == BL_OK);
  REQUIRE(host.run() == BL_OK);
  const auto all = mock.prompts();
  CHECK(all[2] != all[3]);
}

TEST_CASE("comfyui.so: a failing prompt fails the trial with ComfyUI's reason",
          "[comfyui][plugin]") {
  LoadedPlugin loaded;
  unit::TempDir dir;
  comfyui_mock::MockServer mock(mock_options(comfyui_mock::Fault::stall));
  write_file(dir.path / "sd15.json", kSd15);
  PluginHost host(loaded.plugin, dir.path.string());
  host.options["base_url"] = mock.base_url();
  host.options["workflow"] = "sd15.json";
  host.options["timeout"] = "1";
  CHECK(host.run() == BL_ERROR);
  CHECK_THAT(host.error, Contains("timed out after 1.0 s") && Contains("step 3/10"));
  CHECK(mock.interrupts() == 1);  // ComfyUI is asked to stop the abandoned work
  CHECK(host.metrics.empty());
}

TEST_CASE("benchlab run comfyui against the ComfyUI stand-in stores it/s", "[comfyui][cli]") {
  comfyui_mock::MockServer mock(mock_options());
  unit::TempDir home;
  const auto workflow = home.path / "sd15.json";
  write_file(workflow, kSd15);
  const auto run =
      unit::benchlab_cli(home.path, {"run", "comfyui", "-o", "base_url=" + mock.base_url(), "-o",
                                     "workflow=" + workflow.string(), "-n", "2", "--warmup", "1",
                                     "--json", "-q", "--db", (home.path / "r.db").string()});
  INFO("stderr: " << run.err);
  REQUIRE(run.exit_code == 0);
  const auto result = unit::only_result(run);
  CHECK(result.at("status").as_string() == "ok");
  CHECK(unit::first_value(result, "it_per_s") > 0);
  CHECK(unit::first_value(result, "steps") == 10);
  CHECK(mock.prompts().size() == 3);
}
