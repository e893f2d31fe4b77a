// SPDX-License-Identifier: MIT
// bench/harness_overhead: what the harness costs per trial and at start-up, as ratios to
// the cheapest process a harness could start, fork+exec of /bin/true, measured in the
// same run.
//
//   harness_overhead [--n1 N] [--n2 N] [--reps R] [--spawns S]
//
// Per-trial overhead is the slope of the whole `benchlab run noop -n N` wall time between
// N1 and N2 trials, (T(N2) - T(N1)) / (N2 - N1): everything between two trials counts
// (the core's loop, the worker, the phase process, the frames, the SQLite commit), and
// start-up and shut-down cancel out. The no-op's run() itself takes about 0.05 ms.
// Start-up is the wall time of `benchlab --version`, `benchlab list` and
// `benchlab run noop -n 1`. Every figure is measured R times, interleaved with the floor
// (S fork+exec of /bin/true, the median of which is one floor sample), so a machine that
// slows down during the run slows both; the medians and their ratios are printed, for
// wall time and for CPU time (user + system of the process and everything it waited for,
// from getrusage(RUSAGE_CHILDREN)). On a machine shared with other work the wall-time
// floor itself swings (a fresh process waits for a busy CPU up to a scheduler tick);
// the CPU ratio does not.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "bench_context.h"

namespace {

using clk = std::chrono::steady_clock;

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct Cost {
  double wall_ms = 0, cpu_ms = 0;
};

double children_cpu_ms() {
  rusage ru{};
  getrusage(RUSAGE_CHILDREN, &ru);
  auto ms = [](const timeval& t) { return double(t.tv_sec) * 1e3 + double(t.tv_usec) / 1e3; };
  return ms(ru.ru_utime) + ms(ru.ru_stime);
}

// Runs argv to its end with stdout and stderr on /dev/null; returns its wall time and the
// CPU time of it and its descendants in ms. fork+exec, the way the floor is measured, so
// the two differ only in what runs.
Cost time_process(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const double cpu0 = children_cpu_ms();
  const auto t0 = clk::now();
  const pid_t pid = fork();
  if (pid < 0) {
    std::perror("fork");
    std::exit(1);
  }
  if (pid == 0) {
    const int null = open("/dev/null", O_WRONLY);
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int st = 0;
  while (waitpid(pid, &st, 0) < 0) {
  }
  const Cost c{std::chrono::duration<double, std::milli>(clk::now() - t0).count(),
               children_cpu_ms() - cpu0};
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
    std::string cmd;
    for (const auto& a : args) cmd += a + " ";
    std::fprintf(stderr, "harness_overhead: `%s` failed (wait status %d)\n", cmd.c_str(), st);
    std::exit(1);
  }
  return c;
}

struct Series {
  explicit Series(std::string l) : label(std::move(l)) {}
  std::string label;
  std::vector<double> wall, cpu;
  void add(const Cost& c) {
    wall.push_back(c.wall_ms);
    cpu.push_back(c.cpu_ms);
  }
};

// One floor sample: the medians of `spawns` fork+exec of /bin/true. CPU time comes in
// clock ticks, so it is taken over all spawns together.
Cost floor_sample(int spawns) {
  std::vector<double> wall;
  const double cpu0 = children_cpu_ms();
  for (int i = 0; i < spawns; ++i) wall.push_back(time_process({"/bin/true"}).wall_ms);
  return {median(wall), (children_cpu_ms() - cpu0) / spawns};
}

}  // namespace

int main(int argc, char** argv) {
  int n1 = 50, n2 = 200, reps = 5, spawns = 21;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    const int v = std::atoi(argv[i + 1]);
    if (a == "--n1")
      n1 = v;
    else if (a == "--n2")
      n2 = v;
    else if (a == "--reps")
      reps = v;
    else if (a == "--spawns")
      spawns = v;
    else {
      std::fprintf(stderr, "usage: harness_overhead [--n1 N] [--n2 N] [--reps R] [--spawns S]\n");
      return 2;
    }
  }
  if (n1 < 1 || n2 <= n1 || reps < 1 || spawns < 1) {
    std::fprintf(stderr, "harness_overhead: needs 1 <= n1 < n2, reps >= 1, spawns >= 1\n");
    return 2;
  }
  bench::TempStore tmp("overhead");
  const std::string cli = BENCHLAB_CLI, plugins = BENCH_PLUGIN_DIR;
  int db_seq = 0;
  // A fresh store for every run, so that each starts from the same state.
  auto run_noop = [&](int trials) {
    const std::string db = tmp.file("run-" + std::to_string(++db_seq) + ".db");
    const Cost c = time_process({cli, "run", "noop", "-n", std::to_string(trials), "-q", "--db", db,
                                 "--plugin-dir", plugins, "--system-name", "bench"});
    std::filesystem::remove(db);
    std::filesystem::remove(db + "-wal");
    std::filesystem::remove(db + "-shm");
    return c;
  };

  Series floor{"fork+exec /bin/true (the floor)"}, version{"`benchlab --version`"},
      list{"`benchlab list`"}, one{"`benchlab run noop -n 1`"},
      many1{"`benchlab run noop -n " + std::to_string(n1) + "`"},
      many2{"`benchlab run noop -n " + std::to_string(n2) + "`"},
      slope{"per-trial overhead (slope, n=" + std::to_string(n1) + " to " + std::to_string(n2) +
            ")"};
  run_noop(1);  // page cache and plugin caches warm before the first sample
  for (int r = 0; r < reps; ++r) {
    floor.add(floor_sample(spawns));
    version.add(time_process({cli, "--version"}));
    list.add(time_process({cli, "list", "--plugin-dir", plugins}));
    one.add(run_noop(1));
    floor.add(floor_sample(spawns));
    many1.add(run_noop(n1));
    floor.add(floor_sample(spawns));
    many2.add(run_noop(n2));
    const double n = double(n2 - n1);
    slope.add(
        {(many2.wall.back() - many1.wall.back()) / n, (many2.cpu.back() - many1.cpu.back()) / n});
  }

  const double fw = median(floor.wall), fc = median(floor.cpu);
  utsname u{};
  uname(&u);
  std::printf("harness_overhead: %s %s, %ld online CPUs; %d repetitions, interleaved\n\n",
              u.sysname, u.release, sysconf(_SC_NPROCESSORS_ONLN), reps);
  std::printf("%-52s %9s %12s %7s %9s %7s\n", "", "wall ms", "range", "x floor", "CPU ms",
              "x floor");
  auto row = [&](const Series& x) {
    const auto [lo, hi] = std::minmax_element(x.wall.begin(), x.wall.end());
    char range[32];
    std::snprintf(range, sizeof range, "%.1f-%.1f", *lo, *hi);
    std::printf("%-52s %9.3f %12s %7.2f %9.3f %7.2f\n", x.label.c_str(), median(x.wall), range,
                median(x.wall) / fw, median(x.cpu), median(x.cpu) / fc);
  };
  for (const Series* x : {&floor, &version, &list, &one, &many1, &many2, &slope}) row(*x);
  std::printf(
      "\nper-trial overhead: %.2fx fork+exec of /bin/true in wall time, %.2fx in CPU time "
      "(goal: at most 1x)\n",
      median(slope.wall) / fw, median(slope.cpu) / fc);
  return 0;
}
