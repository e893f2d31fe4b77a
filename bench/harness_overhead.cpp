// bench/harness_overhead: what the harness costs per trial and at start-up, measured
// side by side with the same no-op work done directly, in one run.
//
//   harness_overhead [--trials N] [--startups N]
//
// Per-trial overhead = time from "trial begins" to "trial stored" as the operator API
// reports it (worker spawn, dlopen, frames, wait4, SQLite commit), minus the no-op's own
// run() time. Start-up = wall time of `benchlab run noop -n 1` as a process.
#include <benchlab/benchlab.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <benchlab/plugin.h>

#include "bench_context.h"

extern char** environ;

namespace {

using clk = std::chrono::steady_clock;

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  if (v.empty()) return 0;
  double idx = p * double(v.size() - 1);
  auto lo = static_cast<std::size_t>(idx);
  std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (v[hi] - v[lo]) * (idx - double(lo));
}

struct Collector {
  std::vector<double> trial_ms;
  clk::time_point begin;
};

// Runs argv as a process and returns its wall time in ms.
double time_process(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  auto t0 = clk::now();
  pid_t pid;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  if (posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ) != 0) {
    std::perror(argv[0]);
    std::exit(1);
  }
  posix_spawn_file_actions_destroy(&fa);
  int st;
  waitpid(pid, &st, 0);
  double ms = std::chrono::duration<double, std::milli>(clk::now() - t0).count();
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
    std::fprintf(stderr, "%s failed (status %d)\n", argv[0], st);
    std::exit(1);
  }
  return ms;
}

}  // namespace

int main(int argc, char** argv) {
  int trials = 200, startups = 20;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--trials") trials = std::atoi(argv[i + 1]);
    else if (a == "--startups") startups = std::atoi(argv[i + 1]);
  }
  bench::TempStore tmp("overhead");

  // 1. Through the harness: every trial in its own worker, stored as it ends.
  benchlab_ctx* ctx = bench::open_context(tmp.file("results.db"));
  Collector col;
  benchlab_run_request req = bench::noop_request(static_cast<unsigned>(trials));
  req.user = &col;
  req.on_event = [](void* user, const benchlab_event* ev) {
    auto* c = static_cast<Collector*>(user);
    if (ev->type == BENCHLAB_EV_TRIAL_BEGIN) c->begin = clk::now();
    if (ev->type == BENCHLAB_EV_TRIAL_END)
      c->trial_ms.push_back(std::chrono::duration<double, std::milli>(clk::now() - c->begin).count());
  };
  int64_t run_id = 0;
  if (benchlab_run(ctx, &req, &run_id) != BENCHLAB_OK) {
    std::fprintf(stderr, "benchlab_run: %s\n", benchlab_errmsg());
    return 1;
  }
  benchlab_close(ctx);

  // 2. The same no-op directly: dlopen once, create/run/destroy per trial.
  std::string so = std::string(BENCH_PLUGIN_DIR) + "/noop.so";
  void* h = dlopen(so.c_str(), RTLD_NOW);
  auto entry = reinterpret_cast<bl_entry_fn>(dlsym(h, BL_ENTRY_SYMBOL));
  const bl_workload* w = entry(BL_ABI_MAJOR, BL_ABI_MAJOR)->workload;
  bl_host host{};
  host.struct_size = sizeof host;
  host.report_metric = [](const bl_host*, const char*, double) -> int32_t { return BL_OK; };
  // The no-op's option defaults, as the worker would hand them over.
  host.option = [](const bl_host*, const char* name) -> const char* {
    return std::string(name) == "fail_trial" ? "-1" : nullptr;
  };
  std::vector<double> direct_ms;
  for (int i = 0; i < trials; ++i) {
    auto t0 = clk::now();
    void* inst = nullptr;
    w->create(&host, &inst);
    w->run(inst);
    direct_ms.push_back(std::chrono::duration<double, std::milli>(clk::now() - t0).count());
  }

  // 3. Start-up: the whole CLI for one trial, against spawning /bin/true.
  std::vector<double> cli_ms, true_ms;
  std::string dbs = tmp.file("startup.db");
  for (int i = 0; i < startups; ++i) {
    cli_ms.push_back(time_process({BENCHLAB_CLI, "run", "noop", "-n", "1", "-q", "--db", dbs,
                                   "--plugin-dir", BENCH_PLUGIN_DIR}));
    true_ms.push_back(time_process({"/bin/true"}));
  }
  double direct_med = percentile(direct_ms, 0.5);
  std::printf("harness_overhead: %d trials of a no-op workload, %d start-ups\n\n", trials, startups);
  std::printf("%-44s %10s %10s\n", "", "median ms", "p95 ms");
  std::printf("%-44s %10.3f %10.3f\n", "trial through benchlab (worker + store)", percentile(col.trial_ms, 0.5),
              percentile(col.trial_ms, 0.95));
  std::printf("%-44s %10.4f %10.4f\n", "same no-op called directly (reference)", direct_med,
              percentile(direct_ms, 0.95));
  std::printf("%-44s %10.3f %10.3f\n", "per-trial harness overhead (difference)",
              percentile(col.trial_ms, 0.5) - direct_med, percentile(col.trial_ms, 0.95) - direct_med);
  std::printf("%-44s %10.3f %10.3f\n", "`benchlab run noop -n 1` start-up", percentile(cli_ms, 0.5),
              percentile(cli_ms, 0.95));
  std::printf("%-44s %10.3f %10.3f\n", "spawning /bin/true (reference)", percentile(true_ms, 0.5),
              percentile(true_ms, 0.95));
  std::printf("\ntargets: per-trial overhead < 3 ms median, start-up < 100 ms\n");
  return 0;
}
