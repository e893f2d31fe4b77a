/* SPDX-License-Identifier: MIT */
// What every integration test needs: a private temporary directory (also the harness's
// TMPDIR and cache), a benchlab context over the C API on a store in it, a direct SQLite
// view of that store, and a look at /proc for processes a trial may have left behind.
#pragma once

#include <benchlab/benchlab.h>
#include <sqlite3.h>
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace it {

namespace fs = std::filesystem;

fs::path test_plugin_dir();  // the test-only plugins (tests/plugins)
fs::path profile_dir();      // tests/integration/profiles
std::string worker_path();   // the built benchlab-worker
std::string cli_path();      // the built benchlab command

// A fresh directory, removed with everything in it at the end of the test. While it
// lives, TMPDIR (scratch directories) and XDG_CACHE_HOME (plugin caches) point into it,
// so nothing a test runs writes elsewhere.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
  std::optional<std::string> old_tmpdir_, old_cache_;
};

// A benchlab context that sees only the given directories (BENCHLAB_NO_DEFAULT_DIRS)
// and stores into `db`.
class Harness {
 public:
  Harness(const fs::path& db, std::vector<std::string> plugin_dirs = {test_plugin_dir().string()},
          std::vector<std::string> profile_dirs = {profile_dir().string()},
          std::string sysroot = "");  // "": "/"
  ~Harness();
  Harness(const Harness&) = delete;
  Harness& operator=(const Harness&) = delete;

  benchlab_ctx* ctx() const { return ctx_; }
  std::vector<std::string> diagnostics() const;
  std::vector<std::string> plugin_ids() const;
  std::optional<benchlab_plugin_info> plugin(const std::string& id) const;

 private:
  benchlab_ctx* ctx_ = nullptr;
};

struct RunSpec {
  std::vector<std::string> targets;
  std::vector<std::string> options;  // KEY=VALUE
  std::uint32_t trials = 0, min_trials = 0, max_trials = 0;
  double target_ci = 0;
  std::int32_t warmup = -1;  // the profile's
  double timeout_s = 0;
  std::string system_name = "integration-test";
  std::int64_t resume = 0;
  std::string probes;                      // "": the default (auto)
  std::uint32_t probe_interval_ms = 0;     // 0: the default
  std::vector<std::string> probe_options;  // PROBE.KEY=VALUE
  double idle_baseline_s = 0, cooldown_max_s = 0;
};

struct RunOutcome {
  std::int32_t rc = -1;
  std::int64_t run_id = 0;
  std::string message;  // benchlab_errmsg() after a non-OK return
  std::chrono::duration<double> elapsed{};
};

RunOutcome run(const Harness& h, const RunSpec& spec);

// One row of benchlab_results(), with owned strings.
struct ResultRow {
  std::int64_t run_id = 0, result_id = 0;
  std::string system, test, plugin, plugin_version, options, metric, unit, reason;
  bool has_metric = false, has_reason = false;
  std::int32_t direction = 0, status = 0;
  std::uint32_t n = 0, failed = 0, outliers = 0, throttled = 0;
  bool derived = false;
  double mean = 0, median = 0, sd = 0, cov = 0, ci95 = 0, min = 0, max = 0;
  std::string description;
  std::uint64_t dist_n = 0;
  double dist_mean = 0, dist_p50 = 0, dist_p90 = 0, dist_p99 = 0;
};

std::vector<ResultRow> results(const Harness& h, std::int64_t run_id);

// The store file opened with SQLite itself, as another tool would.
class Db {
 public:
  explicit Db(const fs::path& file);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // Every row of `sql` with `params` bound as text; NULL reads as "".
  std::vector<std::vector<std::string>> rows(const std::string& sql,
                                             const std::vector<std::string>& params = {}) const;
  std::string text(const std::string& sql, const std::vector<std::string>& params = {}) const;
  long long integer(const std::string& sql, const std::vector<std::string>& params = {}) const;

 private:
  sqlite3* db_ = nullptr;
};

struct StoredTrial {
  int idx = 0;
  bool warmup = false, ok = false;
  std::string reason, log;
  long long wall_ns = 0, max_rss_bytes = 0, exit_code = 0, term_signal = 0;
  std::optional<double> value;  // metric `value`
};

// Trials of the result with sequence number `seq` (1-based) of run `run_id`.
std::vector<StoredTrial> stored_trials(const Db& db, std::int64_t run_id, int seq);

// One target run alone into `tmp`/results.db, and what an operator would look at: the
// run, its result rows and the trials of its first result. Throws, with benchlab's
// message, when no run was stored.
struct SingleRun {
  RunOutcome run;
  std::vector<ResultRow> rows;
  std::vector<StoredTrial> trials;
};
SingleRun run_single(const TempDir& tmp, const RunSpec& spec,
                     std::vector<std::string> plugin_dirs = {test_plugin_dir().string()},
                     std::vector<std::string> profile_dirs = {profile_dir().string()});

// Processes (not zombies) whose process group is `pgid`.
std::vector<pid_t> live_group_members(pid_t pgid);
// Processes (not zombies) whose command line contains `text`.
std::vector<pid_t> live_processes_mentioning(const std::string& text);

// Polls `pred` every 20 ms until it holds or `timeout` passes; returns the last result.
bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout);

// Runs the benchlab command with `args` and waits; stdout and stderr go to `log`.
// Returns the exit status (128 + signal when killed).
int run_cli(const std::vector<std::string>& args, const fs::path& log);
// Starts the benchlab command without waiting; returns its pid.
pid_t start_cli(const std::vector<std::string>& args, const fs::path& log);

std::string read_file(const fs::path& p);

}  // namespace it
