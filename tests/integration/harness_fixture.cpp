// SPDX-License-Identifier: MIT
#include "harness_fixture.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace it {

fs::path test_plugin_dir() { return TEST_PLUGIN_DIR; }
fs::path profile_dir() { return INTEGRATION_PROFILES_DIR; }
std::string worker_path() { return BENCHLAB_WORKER_PATH; }
std::string cli_path() { return BENCHLAB_CLI_PATH; }

namespace {

std::optional<std::string> getenv_opt(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::optional<std::string>(v) : std::nullopt;
}

void restore_env(const char* name, const std::optional<std::string>& v) {
  if (v)
    setenv(name, v->c_str(), 1);
  else
    unsetenv(name);
}

}  // namespace

TempDir::TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "benchlab-it-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed for " + tmpl);
  path_ = tmpl;
  fs::create_directories(path_ / "tmp");
  fs::create_directories(path_ / "cache");
  old_tmpdir_ = getenv_opt("TMPDIR");
  old_cache_ = getenv_opt("XDG_CACHE_HOME");
  setenv("TMPDIR", (path_ / "tmp").c_str(), 1);
  setenv("XDG_CACHE_HOME", (path_ / "cache").c_str(), 1);
}

TempDir::~TempDir() {
  restore_env("TMPDIR", old_tmpdir_);
  restore_env("XDG_CACHE_HOME", old_cache_);
  std::error_code ec;
  // A test may have made parts unwritable (permission tests); give them back first.
  for (auto it = fs::recursive_directory_iterator(path_, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
  fs::remove_all(path_, ec);
}

Harness::Harness(const fs::path& db, std::vector<std::string> plugin_dirs,
                 std::vector<std::string> profile_dirs, std::string sysroot) {
  std::vector<const char*> pd, fd;
  for (const auto& d : plugin_dirs) pd.push_back(d.c_str());
  for (const auto& d : profile_dirs) fd.push_back(d.c_str());
  pd.push_back(nullptr);
  fd.push_back(nullptr);
  std::string db_s = db.string(), worker = worker_path();
  benchlab_config cfg{};
  cfg.struct_size = sizeof cfg;
  cfg.db_path = db_s.c_str();
  cfg.plugin_dirs = pd.data();
  cfg.profile_dirs = fd.data();
  cfg.worker_path = worker.c_str();
  cfg.flags = BENCHLAB_NO_DEFAULT_DIRS;
  cfg.sysroot = sysroot.empty() ? nullptr : sysroot.c_str();
  if (benchlab_open(&cfg, &ctx_) != BENCHLAB_OK)
    throw std::runtime_error(std::string("benchlab_open failed: ") + benchlab_errmsg());
}

Harness::~Harness() { benchlab_close(ctx_); }

std::vector<std::string> Harness::diagnostics() const {
  std::vector<std::string> out;
  for (uint32_t i = 0; i < benchlab_diagnostic_count(ctx_); ++i)
    out.emplace_back(benchlab_diagnostic_at(ctx_, i));
  return out;
}

std::vector<std::string> Harness::plugin_ids() const {
  std::vector<std::string> out;
  for (uint32_t i = 0; i < benchlab_plugin_count(ctx_); ++i) {
    benchlab_plugin_info p{};
    p.struct_size = sizeof p;
    if (benchlab_plugin_at(ctx_, i, &p) == BENCHLAB_OK) out.emplace_back(p.id);
  }
  return out;
}

std::optional<benchlab_plugin_info> Harness::plugin(const std::string& id) const {
  for (uint32_t i = 0; i < benchlab_plugin_count(ctx_); ++i) {
    benchlab_plugin_info p{};
    p.struct_size = sizeof p;
    if (benchlab_plugin_at(ctx_, i, &p) == BENCHLAB_OK && id == p.id) return p;
  }
  return std::nullopt;
}

RunOutcome run(const Harness& h, const RunSpec& spec) {
  std::vector<const char*> targets, options;
  for (const auto& t : spec.targets) targets.push_back(t.c_str());
  for (const auto& o : spec.options) options.push_back(o.c_str());
  targets.push_back(nullptr);
  options.push_back(nullptr);
  benchlab_run_request req{};
  req.struct_size = sizeof req;
  req.targets = targets.data();
  req.options = options.data();
  req.trials = spec.trials;
  req.min_trials = spec.min_trials;
  req.max_trials = spec.max_trials;
  req.target_ci = spec.target_ci;
  // RunSpec: -1 the profile's, 0 none; the request: 0 the profile's.
  req.warmup = spec.warmup < 0 ? 0 : spec.warmup == 0 ? BENCHLAB_WARMUP_NONE : spec.warmup;
  req.timeout_s = spec.timeout_s;
  req.system_name = spec.system_name.empty() ? nullptr : spec.system_name.c_str();
  req.resume_run_id = spec.resume;
  std::vector<const char*> probe_options;
  for (const auto& o : spec.probe_options) probe_options.push_back(o.c_str());
  probe_options.push_back(nullptr);
  req.probes = spec.probes.empty() ? nullptr : spec.probes.c_str();
  req.probe_interval_ms = spec.probe_interval_ms;
  req.probe_options = probe_options.data();
  req.idle_baseline_s = spec.idle_baseline_s;
  req.cooldown_max_s = spec.cooldown_max_s;
  RunOutcome out;
  auto t0 = std::chrono::steady_clock::now();
  out.rc = benchlab_run(h.ctx(), &req, &out.run_id);
  out.elapsed = std::chrono::steady_clock::now() - t0;
  if (out.rc != BENCHLAB_OK) out.message = benchlab_errmsg();
  return out;
}

std::vector<ResultRow> results(const Harness& h, std::int64_t run_id) {
  benchlab_cursor* cur = nullptr;
  if (benchlab_results(h.ctx(), run_id, &cur) != BENCHLAB_OK)
    throw std::runtime_error(std::string("benchlab_results failed: ") + benchlab_errmsg());
  std::vector<ResultRow> out;
  benchlab_result r{};
  r.struct_size = sizeof r;
  while (benchlab_cursor_next(cur, &r) == BENCHLAB_OK) {
    ResultRow x;
    x.run_id = r.run_id;
    x.result_id = r.result_id;
    x.system = r.system ? r.system : "";
    x.test = r.test ? r.test : "";
    x.plugin = r.plugin ? r.plugin : "";
    x.plugin_version = r.plugin_version ? r.plugin_version : "";
    x.options = r.options ? r.options : "";
    x.has_metric = r.metric != nullptr;
    x.metric = r.metric ? r.metric : "";
    x.unit = r.unit ? r.unit : "";
    x.has_reason = r.reason != nullptr;
    x.reason = r.reason ? r.reason : "";
    x.direction = r.direction;
    x.status = r.status;
    x.n = r.n;
    x.failed = r.failed;
    x.outliers = r.outliers;
    x.throttled = r.throttled;
    x.derived = r.derived != 0;
    x.description = r.description ? r.description : "";
    x.dist_n = r.dist_n;
    x.dist_mean = r.dist_mean;
    x.dist_p50 = r.dist_p50;
    x.dist_p90 = r.dist_p90;
    x.dist_p99 = r.dist_p99;
    x.mean = r.mean;
    x.median = r.median;
    x.sd = r.sd;
    x.cov = r.cov;
    x.ci95 = r.ci95;
    x.min = r.min;
    x.max = r.max;
    out.push_back(std::move(x));
  }
  benchlab_cursor_free(cur);
  return out;
}

Db::Db(const fs::path& file) {
  if (sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw std::runtime_error("cannot open " + file.string() + ": " + msg);
  }
  sqlite3_busy_timeout(db_, 10000);
}

Db::~Db() { sqlite3_close(db_); }

std::vector<std::vector<std::string>> Db::rows(const std::string& sql,
                                               const std::vector<std::string>& params) const {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
    throw std::runtime_error(std::string("SQL error: ") + sqlite3_errmsg(db_) + " in " + sql);
  for (std::size_t i = 0; i < params.size(); ++i)
    sqlite3_bind_text(st, static_cast<int>(i + 1), params[i].c_str(), -1, SQLITE_TRANSIENT);
  std::vector<std::vector<std::string>> out;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int c = 0; c < sqlite3_column_count(st); ++c) {
      const unsigned char* t = sqlite3_column_text(st, c);
      row.emplace_back(
          t ? std::string(reinterpret_cast<const char*>(t), sqlite3_column_bytes(st, c)) : "");
    }
    out.push_back(std::move(row));
  }
  std::string err = rc == SQLITE_DONE ? "" : sqlite3_errmsg(db_);
  sqlite3_finalize(st);
  if (!err.empty()) throw std::runtime_error("SQL error: " + err + " in " + sql);
  return out;
}

std::string Db::text(const std::string& sql, const std::vector<std::string>& params) const {
  auto r = rows(sql, params);
  if (r.empty() || r[0].empty()) throw std::runtime_error("no row for " + sql);
  return r[0][0];
}

long long Db::integer(const std::string& sql, const std::vector<std::string>& params) const {
  return std::stoll(text(sql, params));
}

SingleRun run_single(const TempDir& tmp, const RunSpec& spec, std::vector<std::string> plugin_dirs,
                     std::vector<std::string> profile_dirs) {
  const fs::path db_file = tmp.path() / "results.db";
  Harness h(db_file, std::move(plugin_dirs), std::move(profile_dirs));
  SingleRun s;
  s.run = run(h, spec);
  if (s.run.run_id <= 0) throw std::runtime_error("no run was stored: " + s.run.message);
  s.rows = results(h, s.run.run_id);
  Db db(db_file);
  s.trials = stored_trials(db, s.run.run_id, 1);
  return s;
}

std::vector<StoredTrial> stored_trials(const Db& db, std::int64_t run_id, int seq) {
  auto rows = db.rows(
      "SELECT t.idx, t.warmup, t.status, COALESCE(t.reason, ''), COALESCE(t.log, ''), "
      "COALESCE(t.wall_ns, 0), COALESCE(t.max_rss_bytes, 0), COALESCE(t.exit_code, 0), "
      "COALESCE(t.term_signal, 0), (SELECT value FROM trial_values v WHERE v.trial_id = t.id "
      "AND v.metric = 'value') FROM trials t JOIN results r ON r.id = t.result_id "
      "WHERE r.run_id = ?1 AND r.seq = ?2 ORDER BY t.idx",
      {std::to_string(run_id), std::to_string(seq)});
  std::vector<StoredTrial> out;
  for (const auto& r : rows) {
    StoredTrial t;
    t.idx = std::stoi(r[0]);
    t.warmup = r[1] == "1";
    t.ok = r[2] == "ok";
    t.reason = r[3];
    t.log = r[4];
    t.wall_ns = std::stoll(r[5]);
    t.max_rss_bytes = std::stoll(r[6]);
    t.exit_code = std::stoll(r[7]);
    t.term_signal = std::stoll(r[8]);
    if (!r[9].empty()) t.value = std::stod(r[9]);
    out.push_back(std::move(t));
  }
  return out;
}

namespace {

struct ProcStat {
  pid_t pid = 0;
  char state = '?';
  pid_t pgrp = 0;
};

std::vector<ProcStat> all_processes() {
  std::vector<ProcStat> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    const std::string name = e.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string stat = read_file(e.path() / "stat");
    auto close = stat.rfind(')');
    if (close == std::string::npos) continue;  // gone meanwhile
    std::istringstream rest(stat.substr(close + 1));
    ProcStat p;
    p.pid = std::stoi(name);
    pid_t ppid = 0;
    rest >> p.state >> ppid >> p.pgrp;
    out.push_back(p);
  }
  return out;
}

}  // namespace

std::vector<pid_t> live_group_members(pid_t pgid) {
  std::vector<pid_t> out;
  for (const auto& p : all_processes())
    if (p.pgrp == pgid && p.state != 'Z' && p.state != 'X') out.push_back(p.pid);
  return out;
}

std::vector<pid_t> live_processes_mentioning(const std::string& text) {
  std::vector<pid_t> out;
  for (const auto& p : all_processes()) {
    if (p.state == 'Z' || p.state == 'X' || p.pid == getpid()) continue;
    std::string cmd = read_file("/proc/" + std::to_string(p.pid) + "/cmdline");
    for (auto& c : cmd)
      if (c == '\0') c = ' ';
    if (cmd.find(text) != std::string::npos) out.push_back(p.pid);
  }
  return out;
}

bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  auto end = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (pred()) return true;
    if (std::chrono::steady_clock::now() >= end) return pred();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

pid_t start_cli(const std::vector<std::string>& args, const fs::path& log) {
  std::vector<std::string> argv_s{cli_path()};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw std::runtime_error("cannot start " + argv_s[0] + ": " + std::strerror(rc));
  return pid;
}

int run_cli(const std::vector<std::string>& args, const fs::path& log) {
  pid_t pid = start_cli(args, log);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

std::string read_file(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

}  // namespace it
