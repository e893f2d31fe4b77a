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
// slows down during the run slows both; the medians and their ratios are printed.
#include <fcntl.h>
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

// Runs argv to its end with stdout and stderr on /dev/null; returns its wall time in ms.
// fork+exec, the way the floor is measured, so the two differ only in what runs.
double time_process(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
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
  const double ms = std::chrono::duration<double, std::milli>(clk::now() - t0).count();
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
    std::string cmd;
    for (const auto& a : args) cmd += a + " ";
    std::fprintf(stderr, "harness_overhead: `%s` failed (wait status %d)\n", cmd.c_str(), st);
    std::exit(1);
  }
  return ms;
}

// One floor sample: the median of `spawns` fork+exec of /bin/true.
double floor_sample(int spawns) {
  std::vector<double> v;
  for (int i = 0; i < spawns; ++i) v.push_back(time_process({"/bin/true"}));
  return median(v);
}

struct Series {
  const char* label;
  std::vector<double> ms;
};

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
    const double ms = time_process({cli, "run", "noop", "-n", std::to_string(trials), "-q", "--db",
                                    db, "--plugin-dir", plugins, "--system-name", "bench"});
    std::filesystem::remove(db);
    std::filesystem::remove(db + "-wal");
    std::filesystem::remove(db + "-shm");
    return ms;
  };

  Series floor{"fork+exec /bin/true (the floor)", {}};
  Series version{"`benchlab --version`", {}}, list{"`benchlab list`", {}},
      one{"`benchlab run noop -n 1`", {}};
  std::vector<double> t_n1, t_n2, slope;
  run_noop(1);  // page cache and plugin caches warm before the first sample
  for (int r = 0; r < reps; ++r) {
    floor.ms.push_back(floor_sample(spawns));
    version.ms.push_back(time_process({cli, "--version"}));
    list.ms.push_back(time_process({cli, "list", "--plugin-dir", plugins}));
    one.ms.push_back(run_noop(1));
    floor.ms.push_back(floor_sample(spawns));
    t_n1.push_back(run_noop(n1));
    floor.ms.push_back(floor_sample(spawns));
    t_n2.push_back(run_noop(n2));
    slope.push_back((t_n2.back() - t_n1.back()) / double(n2 - n1));
  }

  const double f = median(floor.ms);
  utsname u{};
  uname(&u);
  std::printf("harness_overhead: %s %s, %ld online CPUs; %d repetitions, interleaved\n\n",
              u.sysname, u.release, sysconf(_SC_NPROCESSORS_ONLN), reps);
  std::printf("%-52s %10s %10s %8s\n", "", "median ms", "range ms", "x floor");
  auto row = [&](const char* label, const std::vector<double>& v) {
    const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
    std::printf("%-52s %10.3f %4.1f-%-5.1f %8.2f\n", label, median(v), *lo, *hi, median(v) / f);
  };
  row(floor.label, floor.ms);
  row(version.label, version.ms);
  row(list.label, list.ms);
  row(one.label, one.ms);
  row(("`benchlab run noop -n " + std::to_string(n1) + "`").c_str(), t_n1);
  row(("`benchlab run noop -n " + std::to_string(n2) + "`").c_str(), t_n2);
  row(("per-trial overhead (slope between n=" + std::to_string(n1) + " and " + std::to_string(n2) +
       ")")
          .c_str(),
      slope);
  std::printf("\nper-trial overhead: %.2fx fork+exec of /bin/true (goal: at most 1x)\n",
              median(slope) / f);
  return 0;
}
