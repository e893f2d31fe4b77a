// SPDX-License-Identifier: MIT
// loadgen_vs_wrk: serve-load's engine beside wrk, and its TTFT error, against the
// loopback OpenAI-compatible test server, in one run. A benchmark, not a test: it prints
// figures and ratios, it does not judge.
//
// (a) Requests per second on the minimal non-streaming endpoint (stream=false, no delay):
//     serve-load's engine in closed loop with C connections beside `wrk -t2 -cC -d5s`
//     posting the same body; rounds interleaved so that drift hits both alike; the ratio
//     ours/wrk (target >= 0.8). Needs wrk (apt-get install -y wrk); skipped without it.
// (b) TTFT minus the server's injected first-token delay at 1, 64 and 256 concurrent
//     streams, p50 and p99 (targets < 1 ms and < 5 ms): what the client and the loopback
//     add to a time to first token, the server's own timer lateness included. "spread"
//     keeps about N streams open with arrivals spread in time (the client's error);
//     "burst" starts N at once, so N first tokens are due at the same instant and the
//     figure includes the time one server thread takes to write them all.
#include <unistd.h>

#include <algorithm>
#include <boost/process.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "serve-load/load_engine.hpp"
#include "serve-load/trial_summary.hpp"
#include "sse_test_server.hpp"

namespace bp = boost::process;
using namespace serve_load;

namespace {

constexpr double kSeconds = 5;

LoadSpec spec_for(const sse_test::Server& server, std::uint32_t users, std::uint32_t per_user) {
  LoadSpec spec;
  spec.server = parse_server_url(server.base_url());
  spec.model = "test-model";
  spec.users = users;
  spec.prompts_per_user = per_user;
  spec.rate = 0;
  spec.prompts = {Prompt{"Say hello.", {}}};
  spec.max_tokens = 16;
  spec.timeout_s = 60;
  spec.io_threads = 2;
  return spec;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// serve-load's engine, non-streaming, closed loop: successful requests per second.
double ours_rps(const sse_test::Server& server, unsigned connections, std::uint32_t per_user) {
  LoadSpec spec = spec_for(server, connections, per_user);
  spec.stream = false;
  const TrialSummary s = summarise(run_load(spec), {});
  if (s.failed > 0) std::fprintf(stderr, "  serve-load: %s\n", s.failure_text().c_str());
  return s.request_throughput;
}

// wrk's Requests/sec, or nullopt when it did not run.
std::optional<double> wrk_rps(const std::string& wrk, const sse_test::Server& server,
                              unsigned connections, const std::string& script) {
  bp::ipstream out;
  bp::child child(wrk, "-t2", "-c" + std::to_string(connections),
                  "-d" + std::to_string(static_cast<int>(kSeconds)) + "s", "-s", script,
                  server.base_url() + "/v1/completions", bp::std_out > out, bp::std_err > bp::null);
  std::string text, line;
  while (std::getline(out, line)) text += line + "\n";
  child.wait();
  std::smatch m;
  if (child.exit_code() != 0 ||
      !std::regex_search(text, m, std::regex(R"(Requests/sec:\s+([0-9.]+))")))
    return std::nullopt;
  return std::stod(m[1]);
}

void throughput_versus_wrk() {
  std::printf("(a) non-streaming requests/s, serve-load engine vs wrk -t2 (same server, %g s)\n",
              kSeconds);
  const auto wrk = bp::search_path("wrk");
  if (wrk.empty()) {
    std::printf("    wrk not found (apt-get install -y wrk): skipped\n\n");
    return;
  }
  const std::filesystem::path script = std::filesystem::temp_directory_path() /
                                       ("loadgen_vs_wrk-" + std::to_string(getpid()) + ".lua");
  std::ofstream(script) << "wrk.method = \"POST\"\n"
                           "wrk.headers[\"Content-Type\"] = \"application/json\"\n"
                           "wrk.body = '{\"model\":\"test-model\",\"prompt\":\"Say hello.\","
                           "\"max_tokens\":16,\"temperature\":0,\"stream\":false}'\n";
  sse_test::ServerConfig config;
  config.tokens = 16;
  sse_test::Server server(config);
  std::printf("    %-12s %12s %12s %8s\n", "connections", "serve-load", "wrk", "ratio");
  for (const unsigned connections : {8u, 64u}) {
    // Sized from a short calibration run so that each of ours lasts about kSeconds.
    const double probe = ours_rps(server, connections, 20);
    const auto per_user =
        static_cast<std::uint32_t>(std::max(20.0, probe * kSeconds / connections));
    std::vector<double> ours, theirs;
    for (int round = 0; round < 2; ++round) {
      ours.push_back(ours_rps(server, connections, per_user));
      if (const auto w = wrk_rps(wrk.string(), server, connections, script.string()))
        theirs.push_back(*w);
    }
    if (theirs.empty()) {
      std::printf("    %-12u %12.0f %12s %8s\n", connections, median(ours), "failed", "-");
      continue;
    }
    std::printf("    %-12u %12.0f %12.0f %8.2f\n", connections, median(ours), median(theirs),
                median(ours) / median(theirs));
  }
  std::filesystem::remove(script);
  std::printf("    (medians of 2 interleaved rounds; target ratio >= 0.8)\n\n");
}

void ttft_error() {
  constexpr unsigned delay_ms = 20, itl_ms = 5, tokens = 4;
  std::printf("(b) TTFT - injected first-token delay (%u ms), streaming\n", delay_ms);
  std::printf(
      "    spread: open loop, constant arrivals spread so that about N streams are open\n"
      "    at once; burst: closed loop, N streams whose first tokens are due together\n");
  std::printf("    %-8s %-7s %10s %10s %10s %10s\n", "streams", "", "requests", "p50 [ms]",
              "p99 [ms]", "max [ms]");
  for (const unsigned streams : {1u, 64u, 256u})
    for (const bool spread : {true, false}) {
      sse_test::ServerConfig config;
      config.first_token_delay_ms = delay_ms;
      config.inter_token_delay_ms = itl_ms;
      config.tokens = tokens;
      sse_test::Server server(config);
      const std::uint32_t per_user = std::max(4u, 512u / streams);
      LoadSpec spec = spec_for(server, streams, per_user);
      if (spread) {
        // One request per stream lifetime per user keeps about `streams` open.
        spec.rate = 1000.0 / (delay_ms + (tokens - 1) * itl_ms);
        spec.arrival = Arrival::constant;
      }
      const TrialSummary s = summarise(run_load(spec), {});
      std::vector<double> error;
      for (double t : s.ttft_ms) error.push_back(t - delay_ms);
      std::printf("    %-8u %-7s %10u %10.3f %10.3f %10.3f%s\n", streams,
                  spread ? "spread" : "burst", s.succeeded, percentile_of(error, 50),
                  percentile_of(error, 99), percentile_of(error, 100),
                  s.failed ? "  (some failed)" : "");
    }
  std::printf("    (targets: p50 < 1 ms, p99 < 5 ms)\n");
}

}  // namespace

int main() {
  std::printf("loadgen_vs_wrk: %u online CPUs, server and clients on the same machine\n\n",
              static_cast<unsigned>(std::thread::hardware_concurrency()));
  throughput_versus_wrk();
  ttft_error();
  return 0;
}
