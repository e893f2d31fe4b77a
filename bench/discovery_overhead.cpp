// SPDX-License-Identifier: MIT
// bench/discovery_overhead: what `benchlab list` costs beside the floor of starting any
// process, measured side by side in one run, interleaved so that a busy machine slows
// every column alike.
//
//   discovery_overhead [--rounds N]
//
// Columns: spawning /bin/true (the fork+exec floor), `benchlab --version` (the command's
// own start-up: its libraries and argument parsing), `benchlab list` with the plugin cache
// warm (the everyday case), and `benchlab list` with the cache removed before each run
// (every plugin file described by a worker, in parallel). Plugins and profiles are the
// ones built beside the command; the cache and the store live in a private directory.
// Then, inside a fresh process of its own through the C API, the parts of a warm `list`:
// opening the results store, and discovery itself.
#include <benchlab/benchlab.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

extern char** environ;

namespace {

using clk = std::chrono::steady_clock;

// A private directory for the store and the cache, removed at the end.
class TempDir {
 public:
  TempDir() {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "benchlab-discovery-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) {
      std::perror("mkdtemp");
      std::exit(1);
    }
    dir_ = tmpl;
  }
  ~TempDir() { std::filesystem::remove_all(dir_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (dir_ / name).string(); }

 private:
  std::filesystem::path dir_;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// Runs argv with stdout and stderr to /dev/null; returns its wall time in ms.
double time_process(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  const auto t0 = clk::now();
  pid_t pid;
  if (posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ) != 0) {
    std::perror(argv[0]);
    std::exit(1);
  }
  int st = 0;
  waitpid(pid, &st, 0);
  const double ms = std::chrono::duration<double, std::milli>(clk::now() - t0).count();
  posix_spawn_file_actions_destroy(&fa);
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
    std::fprintf(stderr, "%s failed (status %d)\n", argv[0], st);
    std::exit(1);
  }
  return ms;
}

// `discovery_overhead --probe DB`: in this fresh process, the time benchlab_open() takes
// (the store) and the time the first discovery takes, in ms, on one line.
int probe(const char* db) {
  using ms = std::chrono::duration<double, std::milli>;
  benchlab_config cfg{};
  cfg.struct_size = sizeof cfg;
  cfg.db_path = db;
  const auto t0 = clk::now();
  benchlab_ctx* ctx = nullptr;
  if (benchlab_open(&cfg, &ctx) != BENCHLAB_OK) return 1;
  const auto t1 = clk::now();
  const unsigned n = benchlab_plugin_count(ctx) + benchlab_profile_count(ctx);
  const auto t2 = clk::now();
  benchlab_close(ctx);
  std::printf("%.4f %.4f %u\n", ms(t1 - t0).count(), ms(t2 - t1).count(), n);
  return 0;
}

// Runs `self --probe DB` and reads its line.
void run_probe(const std::string& self, const std::string& db, std::vector<double>& open_ms,
               std::vector<double>& discover_ms) {
  FILE* p = popen(("'" + self + "' --probe '" + db + "'").c_str(), "r");
  double o = 0, d = 0;
  unsigned n = 0;
  if (!p || std::fscanf(p, "%lf %lf %u", &o, &d, &n) != 3 || pclose(p) != 0 || n == 0) {
    std::fprintf(stderr, "discovery_overhead: the probe failed\n");
    std::exit(1);
  }
  open_ms.push_back(o);
  discover_ms.push_back(d);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--probe") return probe(argv[2]);
  int rounds = 100;
  for (int i = 1; i + 1 < argc; i += 2)
    if (std::string(argv[i]) == "--rounds") rounds = std::atoi(argv[i + 1]);
  TempDir tmp;
  setenv("XDG_CACHE_HOME", tmp.file("cache").c_str(), 1);
  const std::filesystem::path cache_file = tmp.file("cache") + "/benchlab/_discovery/plugins.json";
  const std::vector<std::string> list = {BENCHLAB_CLI, "list"};  // opens no store
  time_process(list);                                            // fills the plugin cache
  if (!std::filesystem::exists(cache_file)) {
    std::fprintf(stderr, "discovery_overhead: no plugin cache at %s\n", cache_file.c_str());
    return 1;
  }

  std::vector<double> true_ms, version_ms, warm_ms, cold_ms;
  for (int i = 0; i < rounds; ++i) {
    true_ms.push_back(time_process({"/bin/true"}));
    version_ms.push_back(time_process({BENCHLAB_CLI, "--version"}));
    warm_ms.push_back(time_process(list));
    if (i % 10 == 0) {  // a cold list costs tens of ms: fewer of them
      std::filesystem::remove(cache_file);
      cold_ms.push_back(time_process(list));
    }
  }
  std::vector<double> open_ms, discover_ms;
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  for (int i = 0; i < rounds; ++i) run_probe(self, tmp.file("results.db"), open_ms, discover_ms);
  const double floor = median(true_ms);
  std::printf("discovery_overhead: %d rounds, interleaved\n\n", rounds);
  std::printf("%-40s %10s %14s\n", "", "median ms", "x /bin/true");
  auto row = [&](const char* what, const std::vector<double>& v) {
    std::printf("%-40s %10.2f %14.1f\n", what, median(v), median(v) / floor);
  };
  row("spawning /bin/true (fork+exec floor)", true_ms);
  row("benchlab --version", version_ms);
  row("benchlab list, plugin cache warm", warm_ms);
  row("benchlab list, plugin cache cold", cold_ms);
  std::printf("\nin a fresh process, through the C API (plugin cache warm):\n");
  row("  benchlab_open(): the results store", open_ms);
  row("  first discovery: plugins and profiles", discover_ms);
  std::printf("\ntarget: a warm `benchlab list` within 5x the fork+exec floor\n");
  return 0;
}
