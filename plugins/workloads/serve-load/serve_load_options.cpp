// SPDX-License-Identifier: MIT
// The serve-load plugin's options (see serve_load_options.hpp).
#include "serve-load/serve_load_options.hpp"

#include <algorithm>
#include <benchlab/plugin.hpp>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "serve-load/server_process.hpp"

namespace serve_load {
namespace {

namespace sdk = benchlab::sdk;

constexpr const char* kEndpoints[] = {"completions", "chat", nullptr};
constexpr const char* kArrivals[] = {"poisson", "constant", nullptr};

constexpr bl_option_desc option(const char* name, int32_t type, const char* default_value,
                                double min, double max, const char* description,
                                const char* const* allowed = nullptr) {
  return bl_option_desc{
      sizeof(bl_option_desc), name, type, 0, default_value, allowed, min, max, description};
}

}  // namespace

const std::array<bl_option_desc, kOptionCount> kOptionDescriptors{
    option("base_url", BL_OPTION_STRING, "http://127.0.0.1:8080", 0, 0,
           "the server: http://HOST[:PORT][/PREFIX] (a trailing /v1 is dropped)"),
    option("model", BL_OPTION_STRING, "", 0, 0,
           "model name sent with each request; empty: the first id of GET /v1/models"),
    option("endpoint", BL_OPTION_ENUM, "completions", 0, 0,
           "completions (/v1/completions, prompt) or chat (/v1/chat/completions, messages)",
           kEndpoints),
    option("users", BL_OPTION_INT, "1", 1, 10000, "simulated users sending at once"),
    option("prompts_per_user", BL_OPTION_INT, "20", 1, 1000000, "requests each user sends"),
    option("rate", BL_OPTION_FLOAT, "2", 0, 1e6,
           "requests per second per user (open loop); 0: closed loop, each user sends its "
           "next request when the previous one ends"),
    option("arrival", BL_OPTION_ENUM, "poisson", 0, 0,
           "open-loop gaps: poisson (exponential, mean 1/rate) or constant (1/rate)", kArrivals),
    option("max_tokens", BL_OPTION_INT, "256", 1, 1000000, "max_tokens of each request"),
    option("ignore_eos", BL_OPTION_BOOL, "false", 0, 0,
           "send ignore_eos (vLLM, llama-server): generate max_tokens whatever the model says"),
    option("prompts", BL_OPTION_STRING, "", 0, 0,
           "JSONL file of {\"prompt\": ...} or {\"messages\": [...]} lines (relative: to the "
           "profile's directory); empty: the built-in code-assistant prompts"),
    option("seed", BL_OPTION_INT, "0", 0, 9007199254740991.0,
           "seed of the arrival schedules and of each user's first prompt"),
    option("api_key_env", BL_OPTION_STRING, "", 0, 0,
           "NAME of an environment variable holding the API key (sent as a Bearer token, "
           "never stored); empty: no key"),
    option("timeout", BL_OPTION_FLOAT, "600", 0.001, 86400,
           "seconds per request, from connect to the end of its stream; past it the request "
           "fails as timeout"),
    option("ttft_slo_ms", BL_OPTION_FLOAT, "0", 0, 1e9, "TTFT objective for goodput, ms; 0: none"),
    option("tpot_slo_ms", BL_OPTION_FLOAT, "0", 0, 1e9, "TPOT objective for goodput, ms; 0: none"),
    option("stream", BL_OPTION_BOOL, "true", 0, 0,
           "stream the responses (SSE); false: plain completions, TTFT = end-to-end latency"),
    option("server", BL_OPTION_STRING, "", 0, 0,
           "command line that starts the server for each trial (no shell; simple quoting); "
           "empty: the server is already running"),
    option("server_timeout", BL_OPTION_FLOAT, "300", 0.25, 86400,
           "seconds to wait for a started server to answer 200 on /health or /v1/models"),
    option("io_threads", BL_OPTION_INT, "0", 0, 64,
           "threads of the load generator; 0: min(online CPUs, 4)"),
};

PluginConfig read_config(const bl_host* host) {
  PluginConfig config;
  LoadSpec& spec = config.spec;
  try {
    spec.server = parse_server_url(sdk::option_string(host, "base_url"));
  } catch (const std::invalid_argument& e) {
    throw sdk::invalid_option(std::string("option ") + e.what());
  }
  spec.model = sdk::option_string(host, "model");
  spec.endpoint =
      sdk::option_enum(host, "endpoint", kEndpoints) == 1 ? Endpoint::chat : Endpoint::completions;
  spec.users = static_cast<std::uint32_t>(sdk::option_int(host, "users", 1, 10000));
  spec.prompts_per_user =
      static_cast<std::uint32_t>(sdk::option_int(host, "prompts_per_user", 1, 1000000));
  spec.rate = sdk::option_float(host, "rate", 0, 1e6);
  spec.arrival =
      sdk::option_enum(host, "arrival", kArrivals) == 1 ? Arrival::constant : Arrival::poisson;
  spec.max_tokens = static_cast<std::uint32_t>(sdk::option_int(host, "max_tokens", 1, 1000000));
  spec.ignore_eos = sdk::option_bool(host, "ignore_eos");
  spec.seed = static_cast<std::uint64_t>(sdk::option_int(host, "seed", 0, 9007199254740991));
  spec.timeout_s = sdk::option_float(host, "timeout", 0.001, 86400);
  spec.stream = sdk::option_bool(host, "stream");
  const auto threads = sdk::option_int(host, "io_threads", 0, 64);
  spec.io_threads =
      threads > 0 ? static_cast<unsigned>(threads) : std::clamp(host->cpu_count, 1u, 4u);
  config.slo.ttft_ms = sdk::option_float(host, "ttft_slo_ms", 0, 1e9);
  config.slo.tpot_ms = sdk::option_float(host, "tpot_slo_ms", 0, 1e9);
  config.server_timeout_s = sdk::option_float(host, "server_timeout", 0.25, 86400);

  const std::string prompts = sdk::option_string(host, "prompts");
  if (prompts.empty()) {
    spec.prompts = builtin_prompts();
  } else {
    std::filesystem::path file(prompts);
    if (file.is_relative() && host->data_dir != nullptr) file = host->data_dir / file;
    try {
      spec.prompts = load_prompts(file);
    } catch (const std::runtime_error& e) {
      throw sdk::invalid_option(std::string("option prompts: ") + e.what());
    }
  }

  config.api_key_env = sdk::option_string(host, "api_key_env");
  if (!config.api_key_env.empty()) {
    const char* key = std::getenv(config.api_key_env.c_str());
    if (key == nullptr || *key == '\0')
      throw sdk::invalid_option("option api_key_env names the environment variable " +
                                config.api_key_env +
                                ", which is not set or empty; export it before the run");
    spec.api_key = key;
  }

  const std::string server = sdk::option_string(host, "server");
  if (!server.empty()) {
    try {
      config.server_argv = split_command(server);
    } catch (const std::invalid_argument& e) {
      throw sdk::invalid_option(std::string("option server: ") + e.what());
    }
  }
  return config;
}

}  // namespace serve_load
