// SPDX-License-Identifier: MIT
#include "store.h"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <random>

#include "sqlite_stmt.h"

namespace benchlab {
namespace json = boost::json;

namespace {

const char* kSchemaV1 = R"sql(
CREATE TABLE systems (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  inventory TEXT NOT NULL,          -- JSON, the latest seen
  updated_at TEXT NOT NULL
);
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,        -- stable across `benchlab merge`
  system_id INTEGER NOT NULL REFERENCES systems(id),
  started_at TEXT NOT NULL,
  finished_at TEXT,
  status TEXT NOT NULL CHECK (status IN ('running','interrupted','complete','failed')),
  targets TEXT NOT NULL,
  settings TEXT NOT NULL,           -- JSON: trial policy overrides, options, probes
  inventory TEXT NOT NULL,          -- JSON, as measured at the start of this run
  benchlab_version TEXT NOT NULL
);
CREATE TABLE results (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  test TEXT NOT NULL,               -- profile id, or plugin id when run bare
  plugin TEXT NOT NULL,
  plugin_version TEXT NOT NULL,
  plugin_path TEXT NOT NULL,
  options TEXT NOT NULL,            -- JSON array of [key, value], in order
  profile_path TEXT,
  policy TEXT NOT NULL,             -- JSON: the effective trial policy
  status TEXT NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending','ok','partial','failed','cannot_run')),
  reason TEXT,
  UNIQUE (run_id, seq)
);
CREATE TABLE result_metrics (
  result_id INTEGER NOT NULL REFERENCES results(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  name TEXT NOT NULL,
  unit TEXT NOT NULL,
  direction INTEGER NOT NULL CHECK (direction IN (-1, 1)),
  PRIMARY KEY (result_id, name)
);
CREATE TABLE trials (
  id INTEGER PRIMARY KEY,
  result_id INTEGER NOT NULL REFERENCES results(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  warmup INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('ok','failed')),
  reason TEXT,
  begin_ns INTEGER, end_ns INTEGER,  -- CLOCK_MONOTONIC window of run()
  wall_ns INTEGER, user_ns INTEGER, sys_ns INTEGER,
  max_rss_bytes INTEGER,
  exit_code INTEGER, term_signal INTEGER,
  output BLOB, log TEXT,
  created_at TEXT NOT NULL,
  UNIQUE (result_id, idx)
);
CREATE TABLE trial_values (
  trial_id INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
  metric TEXT NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (trial_id, metric)
);
CREATE TABLE channels (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  probe TEXT NOT NULL,
  channel TEXT NOT NULL,
  label TEXT,
  quantity INTEGER NOT NULL,
  domain INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  counter_range REAL,
  parent TEXT,
  device TEXT,
  UNIQUE (run_id, probe, channel)
);
CREATE TABLE samples (
  channel_id INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
  t_ns INTEGER NOT NULL,
  value REAL NOT NULL
);
CREATE INDEX results_run ON results(run_id, seq);
CREATE INDEX trials_result ON trials(result_id, idx);
CREATE INDEX samples_channel_time ON samples(channel_id, t_ns);
)sql";

// Schema 2: which code produced a result (the plugin file's SHA-256), the second raw
// stream of a trial, and how its processes were contained.
const char* kMigrationTo2 = R"sql(
ALTER TABLE results ADD COLUMN plugin_sha256 TEXT;  -- hex; NULL for results of schema 1
ALTER TABLE trials ADD COLUMN error_output BLOB;    -- append_error_output, first 1 MiB
ALTER TABLE trials ADD COLUMN memory_peak_bytes INTEGER;  -- cgroup memory.peak
ALTER TABLE trials ADD COLUMN containment TEXT;     -- 'cgroup' or 'subreaper'
)sql";

// Schema 3: probes. Which probe a run sampled and how it went, the idle baseline, the
// phases a workload marked in a trial, the cool-down wait before it, and throttling.
const char* kMigrationTo3 = R"sql(
CREATE TABLE probes (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  probe TEXT NOT NULL,
  plugin_version TEXT NOT NULL,
  plugin_path TEXT NOT NULL,
  plugin_sha256 TEXT,
  status TEXT NOT NULL CHECK (status IN ('sampling','stopped','unavailable','failed')),
  reason TEXT,
  interval_ns INTEGER,
  samples INTEGER NOT NULL DEFAULT 0,   -- sample() calls that returned
  skipped INTEGER NOT NULL DEFAULT 0,   -- ticks skipped while sample() was still busy
  cpu_ns INTEGER,                       -- the sampler process's own CPU time
  PRIMARY KEY (run_id, probe)
);
ALTER TABLE channels ADD COLUMN limit_value REAL;   -- bl_channel_desc.limit; NULL unknown
CREATE TABLE idle_baselines (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  channel TEXT NOT NULL,                -- 'total', or PROBE.CHANNEL
  mean REAL NOT NULL,                   -- W (power, energy, total) or °C (temperature)
  sem REAL NOT NULL,                    -- standard error of mean (batch means)
  dof REAL NOT NULL,                    -- its degrees of freedom
  begin_ns INTEGER NOT NULL, end_ns INTEGER NOT NULL,
  samples INTEGER NOT NULL,
  PRIMARY KEY (run_id, channel)
);
CREATE TABLE trial_marks (
  trial_id INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  name TEXT NOT NULL,
  t_ns INTEGER NOT NULL,
  PRIMARY KEY (trial_id, seq)
);
ALTER TABLE trials ADD COLUMN cooldown_ns INTEGER;  -- waited for idle before the trial
ALTER TABLE trials ADD COLUMN throttled TEXT;       -- why the trial is flagged; NULL not
)sql";

// Schema 4: distributions. Many values of one metric per trial (benchlab/ext/values.h),
// e.g. every request's time to first token, and what each metric measures (a metric's
// definition, e.g. which TPOT, travels with the results).
const char* kMigrationTo4 = R"sql(
CREATE TABLE trial_distributions (
  trial_id INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
  metric TEXT NOT NULL,
  seq INTEGER NOT NULL,                 -- report order within the trial and metric
  value REAL NOT NULL,
  PRIMARY KEY (trial_id, metric, seq)
) WITHOUT ROWID;
ALTER TABLE result_metrics ADD COLUMN description TEXT;  -- bl_metric_desc.description
)sql";

// Schema 5: where a run came from (NULL: measured by benchlab; else e.g. "pts: FILE" for
// a run imported from a Phoronix result file), the category of a result's test (a
// profile's <category>), and the programs a workload wrapped, with their versions.
const char* kMigrationTo5 = R"sql(
ALTER TABLE runs ADD COLUMN source TEXT;
ALTER TABLE results ADD COLUMN category TEXT;
CREATE TABLE result_programs (
  result_id INTEGER NOT NULL REFERENCES results(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  path TEXT,
  PRIMARY KEY (result_id, name)
) WITHOUT ROWID;
)sql";

std::string now_utc() {
  auto now = std::chrono::system_clock::now();
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", std::chrono::floor<std::chrono::seconds>(now));
}

std::string new_uuid() {
  std::random_device rd;
  std::uniform_int_distribution<std::uint32_t> d;
  std::uint32_t w[4] = {d(rd), d(rd), d(rd), d(rd)};
  w[1] = (w[1] & 0xffff0fffu) | 0x00004000u;  // version 4
  w[2] = (w[2] & 0x3fffffffu) | 0x80000000u;  // variant 1
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:04x}{:08x}", w[0], w[1] >> 16, w[1] & 0xffff,
                     w[2] >> 16, w[2] & 0xffff, w[3]);
}

}  // namespace

std::filesystem::path default_store_path() {
  const char* xdg = std::getenv("XDG_DATA_HOME");
  if (xdg && *xdg == '/') return std::filesystem::path(xdg) / "benchlab" / "results.db";
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home && *home ? home : ".") / ".local/share/benchlab/results.db";
}

std::string options_to_json(const OptionList& o) {
  json::array a;
  for (const auto& [k, v] : o) a.push_back(json::array{json::string(k), json::string(v)});
  return json::serialize(a);
}

OptionList options_from_json(const std::string& text) {
  OptionList o;
  const json::value doc = json::parse(text);
  for (const auto& e : doc.as_array()) {
    const auto& p = e.as_array();
    o.emplace_back(std::string(p.at(0).as_string()), std::string(p.at(1).as_string()));
  }
  return o;
}

std::string options_to_text(const OptionList& o) {
  std::string s;
  for (const auto& [k, v] : o) {
    if (!s.empty()) s += ", ";
    s += k + "=" + v;
  }
  return s;
}

namespace {

namespace fs = std::filesystem;

std::string what_it_is(const struct stat& st) {
  if (S_ISDIR(st.st_mode)) return "a directory";
  if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) return "a device";
  if (S_ISFIFO(st.st_mode)) return "a FIFO";
  if (S_ISSOCK(st.st_mode)) return "a socket";
  return "not a regular file";
}

// A store is a regular file, or a new one in an existing directory: SQLite would happily
// open /dev/null (and leave /dev/null-journal behind) or create a store under a mistyped
// directory tree. Throws StoreError naming the file and what to do.
void check_store_path(const fs::path& file, const StoreOptions& o) {
  if (file.empty())
    throw StoreError(
        "the results store path is empty: name a file with --db, or leave --db out "
        "for the default store");
  struct stat st {};
  if (::stat(file.c_str(), &st) == 0) {
    if (S_ISREG(st.st_mode)) return;
    throw StoreError(fmt::format("{} is {}, not a results store: choose a file with --db",
                                 file.string(), what_it_is(st)));
  }
  if (errno != ENOENT)
    throw StoreError(
        fmt::format("cannot use the results store {}: {}", file.string(), std::strerror(errno)));
  if (o.read_only)
    throw StoreError(
        fmt::format("there is no results store {}: nothing has been stored there yet (benchlab run "
                    "stores results), or the path is mistyped",
                    file.string()));
  const fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
  if (::stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return;
    throw StoreError(fmt::format("cannot create the results store {}: {} is not a directory",
                                 file.string(), dir.string()));
  }
  if (errno == ENOENT && o.create_directory) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (!ec) return;
    throw StoreError(fmt::format("cannot create the directory {} for the results store: {}",
                                 dir.string(), ec.message()));
  }
  if (errno == ENOENT)
    throw StoreError(fmt::format(
        "cannot create the results store {}: the directory {} does not exist (create it, or "
        "choose another file with --db)",
        file.string(), dir.string()));
  throw StoreError(fmt::format("cannot create the results store {}: {}: {}", file.string(),
                               dir.string(), std::strerror(errno)));
}

int pragma_int(sqlite3* db, const char* pragma) {
  Stmt q(db, std::string("PRAGMA ") + pragma);
  q.step();
  return static_cast<int>(q.i64(0));
}

}  // namespace

Store::Store(const std::filesystem::path& file, StoreOptions options) : path_(file) {
  check_store_path(file, options);
  open_handle(options.read_only ? SQLITE_OPEN_READONLY
                                : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  try {
    check_application(options.read_only);
    if (options.read_only) {
      const int v = pragma_int(db_, "user_version");
      if (v < kSchemaVersion) {
        // An older store is migrated once, through a writable connection, so that the
        // readers only ever see the current schema.
        sqlite3_close(db_);
        db_ = nullptr;
        open_handle(SQLITE_OPEN_READWRITE);
        if (sqlite3_db_readonly(db_, "main") == 1)
          throw StoreError(
              fmt::format("written by an older benchlab (schema {}, this one reads "
                          "{}) and not writable, so it cannot be upgraded: copy it "
                          "somewhere writable",
                          v, kSchemaVersion));
        exec("PRAGMA journal_mode = WAL");
        migrate();
        exec(fmt::format("PRAGMA application_id = {}", kApplicationId));
        sqlite3_close(db_);
        db_ = nullptr;
        open_handle(SQLITE_OPEN_READONLY);
      }
      if (v > kSchemaVersion)
        throw StoreError(
            fmt::format("written by a newer benchlab (schema {}, this one knows {}): "
                        "upgrade benchlab to read it",
                        v, kSchemaVersion));
      exec("PRAGMA foreign_keys = ON");
    } else {
      exec("PRAGMA foreign_keys = ON");
      // WAL: readers never block the runner, and a committed trial survives a kill -9.
      exec("PRAGMA journal_mode = WAL");
      exec("PRAGMA synchronous = NORMAL");
      migrate();
      // A new store, or one from before application_id: mark it as benchlab's.
      if (pragma_int(db_, "application_id") != kApplicationId)
        exec(fmt::format("PRAGMA application_id = {}", kApplicationId));
    }
  } catch (const StoreError& e) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError(file.string() + ": " + e.what());
  }
}

void Store::open_handle(int flags) {
  int rc = sqlite3_open_v2(path_.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError("cannot open the results store " + path_.string() + ": " + msg +
                     " (choose another file with --db)");
  }
  sqlite3_busy_timeout(db_, 10000);
}

void Store::check_application(bool read_only) {
  std::int32_t id = 0;
  try {
    id = pragma_int(db_, "application_id");  // the first read of the file
  } catch (const StoreError&) {
    if (sqlite3_errcode(db_) != SQLITE_NOTADB) throw;
    throw StoreError(
        "not a benchlab results store, nor any SQLite database: choose another file "
        "with --db");
  }
  if (id == kApplicationId) return;
  const char* other = "not a benchlab results store but the SQLite database of another program";
  if (id != 0)
    throw StoreError(fmt::format("{} (application_id {:#010x}): choose another file with --db",
                                 other, static_cast<std::uint32_t>(id)));
  std::vector<std::string> tables;
  Stmt t(db_,
         "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
         "ORDER BY name");
  while (t.step()) tables.push_back(t.text(0));
  if (tables.empty() && pragma_int(db_, "user_version") == 0) {
    // A new or empty file: benchlab's to fill, unless there is nothing to read.
    if (read_only)
      throw StoreError(
          "is empty: no results have been stored in it yet (benchlab run stores "
          "results)");
    return;
  }
  // A store written before benchlab set application_id: the schema version and the
  // tables every version has.
  auto has = [&](const char* name) {
    return std::find(tables.begin(), tables.end(), name) != tables.end();
  };
  if (pragma_int(db_, "user_version") >= 1 && has("systems") && has("runs") && has("results") &&
      has("trials"))
    return;
  std::string list;
  for (std::size_t i = 0; i < tables.size() && i < 5; ++i) list += (i ? ", " : "") + tables[i];
  if (tables.size() > 5) list += ", ...";
  throw StoreError(fmt::format("{} (tables: {}): choose another file with --db", other,
                               list.empty() ? "none" : list));
}

Store::~Store() {
  if (db_) sqlite3_close(db_);
}

void Store::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    throw StoreError("SQLite: " + msg);
  }
}

void Store::migrate() {
  Stmt q(db_, "PRAGMA user_version");
  q.step();
  int v = static_cast<int>(q.i64(0));
  if (v > kSchemaVersion) {
    throw StoreError(
        fmt::format("written by a newer benchlab (schema {}, this one knows {}): "
                    "upgrade benchlab to read it",
                    v, kSchemaVersion));
  }
  if (v == kSchemaVersion) return;
  Transaction tx(db_);
  if (v < 1) exec(kSchemaV1);
  if (v < 2) exec(kMigrationTo2);
  if (v < 3) exec(kMigrationTo3);
  if (v < 4) exec(kMigrationTo4);
  if (v < 5) exec(kMigrationTo5);
  exec(fmt::format("PRAGMA user_version = {}", kSchemaVersion));
  tx.commit();
}

std::int64_t Store::upsert_system(const std::string& name, const std::string& inventory_json) {
  Stmt s(db_,
         "INSERT INTO systems(name, inventory, updated_at) VALUES (?1, ?2, ?3) "
         "ON CONFLICT(name) DO UPDATE SET inventory = excluded.inventory, updated_at = "
         "excluded.updated_at "
         "RETURNING id");
  s.bind(1, name).bind(2, inventory_json).bind(3, now_utc());
  s.step();
  return s.i64(0);
}

std::int64_t Store::create_run(std::int64_t system_id, const std::string& targets,
                               const std::string& settings_json, const std::string& inventory_json,
                               const std::string& version) {
  Stmt s(db_,
         "INSERT INTO runs(uuid, system_id, started_at, status, targets, settings, inventory, "
         "benchlab_version) VALUES (?1, ?2, ?3, 'running', ?4, ?5, ?6, ?7)");
  s.bind(1, new_uuid())
      .bind(2, system_id)
      .bind(3, now_utc())
      .bind(4, targets)
      .bind(5, settings_json)
      .bind(6, inventory_json)
      .bind(7, version);
  s.run();
  return sqlite3_last_insert_rowid(db_);
}

std::vector<std::int64_t> Store::add_results(std::int64_t run_id,
                                             const std::vector<ResultPlan>& plan,
                                             const std::vector<std::vector<MetricDecl>>& metrics) {
  Transaction tx(db_);
  auto ids = insert_results(run_id, plan, metrics);
  tx.commit();
  return ids;
}

std::int64_t Store::create_planned_run(std::int64_t system_id, const std::string& targets,
                                       const std::string& settings_json,
                                       const std::string& inventory_json,
                                       const std::string& version,
                                       const std::vector<ResultPlan>& plan,
                                       const std::vector<std::vector<MetricDecl>>& metrics) {
  Transaction tx(db_);
  std::int64_t run_id = create_run(system_id, targets, settings_json, inventory_json, version);
  insert_results(run_id, plan, metrics);
  tx.commit();
  return run_id;
}

std::vector<std::int64_t> Store::insert_results(
    std::int64_t run_id, const std::vector<ResultPlan>& plan,
    const std::vector<std::vector<MetricDecl>>& metrics) {
  Stmt ins(
      db_,
      "INSERT INTO results(run_id, seq, test, plugin, plugin_version, plugin_path, options, "
      "profile_path, policy, plugin_sha256, category) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
      "?10, ?11)");
  Stmt met(db_,
           "INSERT OR IGNORE INTO result_metrics(result_id, seq, name, unit, direction, "
           "description) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  std::vector<std::int64_t> ids;
  for (std::size_t i = 0; i < plan.size(); ++i) {
    const auto& p = plan[i];
    ins.reset();
    ins.bind(1, run_id)
        .bind(2, p.seq)
        .bind(3, p.test)
        .bind(4, p.plugin)
        .bind(5, p.plugin_version)
        .bind(6, p.plugin_path)
        .bind(7, options_to_json(p.options))
        .bind_text_or_null(8, p.profile_path)
        .bind(9, p.policy_json)
        .bind_text_or_null(10, p.plugin_sha256)
        .bind_text_or_null(11, p.category);
    ins.run();
    std::int64_t id = sqlite3_last_insert_rowid(db_);
    ids.push_back(id);
    int seq = 0;
    for (const auto& m : i < metrics.size() ? metrics[i] : std::vector<MetricDecl>{}) {
      met.reset();
      met.bind(1, id).bind(2, seq++).bind(3, m.name).bind(4, m.unit).bind(5, m.direction);
      met.bind_text_or_null(6, m.description);
      met.run();
    }
  }
  return ids;
}

void Store::set_result_status(std::int64_t result_id, const std::string& status,
                              const std::string& reason) {
  Stmt s(db_, "UPDATE results SET status = ?2, reason = ?3 WHERE id = ?1");
  s.bind(1, result_id).bind(2, status).bind_text_or_null(3, reason);
  s.run();
}

std::int64_t Store::add_trial(std::int64_t result_id, const TrialRecord& t) {
  Transaction tx(db_);
  if (!t.metrics.empty()) {
    Stmt next(db_, "SELECT COALESCE(MAX(seq) + 1, 0) FROM result_metrics WHERE result_id = ?1");
    next.bind(1, result_id);
    next.step();
    std::int64_t seq = next.i64(0);
    Stmt met(db_,
             "INSERT OR IGNORE INTO result_metrics(result_id, seq, name, unit, direction, "
             "description) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    for (const auto& m : t.metrics) {
      met.reset();
      met.bind(1, result_id).bind(2, seq).bind(3, m.name).bind(4, m.unit).bind(5, m.direction);
      met.bind_text_or_null(6, m.description);
      met.run();
      if (sqlite3_changes(db_) > 0) ++seq;
    }
  }
  Stmt s(db_,
         "INSERT INTO trials(result_id, idx, warmup, status, reason, begin_ns, end_ns, wall_ns, "
         "user_ns, "
         "sys_ns, max_rss_bytes, exit_code, term_signal, output, log, created_at, error_output, "
         "memory_peak_bytes, containment, cooldown_ns, throttled) VALUES "
         "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, "
         "?20, ?21)");
  s.bind(1, result_id)
      .bind(2, t.idx)
      .bind(3, t.warmup ? 1 : 0)
      .bind(4, t.ok ? "ok" : "failed")
      .bind_text_or_null(5, t.reason);
  if (t.window.complete())
    s.bind(6, t.window.begin_ns).bind(7, t.window.end_ns);
  else
    s.bind_null(6).bind_null(7);
  s.bind(8, t.wall_ns)
      .bind(9, t.user_ns)
      .bind(10, t.sys_ns)
      .bind(11, t.max_rss_bytes)
      .bind(12, t.exit_code)
      .bind(13, t.term_signal)
      .bind_text_or_null(14, t.output)
      .bind_text_or_null(15, t.log)
      .bind(16, now_utc())
      .bind_text_or_null(17, t.error_output);
  if (t.memory_peak_bytes)
    s.bind(18, t.memory_peak_bytes);
  else
    s.bind_null(18);
  s.bind_text_or_null(19, t.containment);
  if (t.cooldown_ns)
    s.bind(20, t.cooldown_ns);
  else
    s.bind_null(20);
  s.bind_text_or_null(21, t.throttled);
  s.run();
  std::int64_t id = sqlite3_last_insert_rowid(db_);
  Stmt mk(db_, "INSERT INTO trial_marks(trial_id, seq, name, t_ns) VALUES (?1, ?2, ?3, ?4)");
  for (std::size_t i = 0; i < t.marks.size(); ++i) {
    mk.reset();
    mk.bind(1, id).bind(2, static_cast<std::int64_t>(i)).bind(3, t.marks[i].name);
    mk.bind(4, t.marks[i].t_ns);
    mk.run();
  }
  insert_distributions(id, t.distributions);
  Stmt v(db_, "INSERT OR REPLACE INTO trial_values(trial_id, metric, value) VALUES (?1, ?2, ?3)");
  for (const auto& [name, value] : t.values) {
    v.reset();
    v.bind(1, id).bind(2, name).bind(3, value);
    v.run();
  }
  tx.commit();
  return id;
}

void Store::set_run_status(std::int64_t run_id, const std::string& status, bool finished) {
  Stmt s(db_, finished ? "UPDATE runs SET status = ?2, finished_at = ?3 WHERE id = ?1"
                       : "UPDATE runs SET status = ?2, finished_at = NULL WHERE id = ?1");
  s.bind(1, run_id).bind(2, status);
  if (finished) s.bind(3, now_utc());
  s.run();
}

namespace {
const char* kRunSelect =
    "SELECT r.id, r.uuid, s.name, r.started_at, COALESCE(r.finished_at, ''), r.status, r.targets, "
    "r.settings, r.inventory, r.benchlab_version, COALESCE(r.source, '') FROM runs r JOIN systems "
    "s ON s.id = r.system_id ";

RunRow run_row(const Stmt& s) {
  return RunRow{s.i64(0),  s.text(1), s.text(2), s.text(3), s.text(4), s.text(5),
                s.text(6), s.text(7), s.text(8), s.text(9), s.text(10)};
}
}  // namespace

std::optional<RunRow> Store::run(std::int64_t run_id) const {
  Stmt s(db_, std::string(kRunSelect) + "WHERE r.id = ?1");
  s.bind(1, run_id);
  if (!s.step()) return std::nullopt;
  return run_row(s);
}

std::int64_t Store::latest_run_id() const {
  Stmt s(db_, "SELECT COALESCE(MAX(id), 0) FROM runs");
  s.step();
  return s.i64(0);
}

std::vector<RunRow> Store::runs() const {
  Stmt s(db_, std::string(kRunSelect) + "ORDER BY r.id");
  std::vector<RunRow> out;
  while (s.step()) out.push_back(run_row(s));
  return out;
}

std::vector<ResultRow> Store::results(std::int64_t run_id) const {
  Stmt s(db_,
         "SELECT id, run_id, seq, test, plugin, plugin_version, plugin_path, "
         "COALESCE(profile_path, ''), "
         "policy, status, COALESCE(reason, ''), options, COALESCE(plugin_sha256, ''), "
         "COALESCE(category, '') FROM results "
         "WHERE run_id = ?1 ORDER BY seq");
  s.bind(1, run_id);
  Stmt m(db_,
         "SELECT name, unit, direction, COALESCE(description, '') FROM result_metrics "
         "WHERE result_id = ?1 ORDER BY seq");
  std::vector<ResultRow> out;
  while (s.step()) {
    ResultRow r;
    r.id = s.i64(0);
    r.run_id = s.i64(1);
    r.seq = static_cast<int>(s.i64(2));
    r.test = s.text(3);
    r.plugin = s.text(4);
    r.plugin_version = s.text(5);
    r.plugin_path = s.text(6);
    r.profile_path = s.text(7);
    r.policy_json = s.text(8);
    r.status = s.text(9);
    r.reason = s.text(10);
    r.options = options_from_json(s.text(11));
    r.plugin_sha256 = s.text(12);
    r.category = s.text(13);
    m.reset();
    m.bind(1, r.id);
    while (m.step())
      r.metrics.push_back({m.text(0), m.text(1), static_cast<int>(m.i64(2)), m.text(3)});
    out.push_back(std::move(r));
  }
  return out;
}

void Store::set_run_source(std::int64_t run_id, const std::string& source) {
  Stmt s(db_, "UPDATE runs SET source = ?2 WHERE id = ?1");
  s.bind(1, run_id).bind_text_or_null(2, source);
  s.run();
}

void Store::set_result_programs(std::int64_t result_id,
                                const std::vector<ProgramRecord>& programs) {
  Transaction tx(db_);
  Stmt s(db_,
         "INSERT INTO result_programs(result_id, name, version, path) VALUES (?1, ?2, ?3, ?4) "
         "ON CONFLICT(result_id, name) DO UPDATE SET version = excluded.version, "
         "path = excluded.path");
  for (const auto& p : programs) {
    s.reset();
    s.bind(1, result_id).bind(2, p.name).bind(3, p.version).bind_text_or_null(4, p.path);
    s.run();
  }
  tx.commit();
}

std::vector<ProgramRecord> Store::result_programs(std::int64_t result_id) const {
  Stmt s(db_,
         "SELECT name, version, COALESCE(path, '') FROM result_programs WHERE result_id = ?1 "
         "ORDER BY name");
  s.bind(1, result_id);
  std::vector<ProgramRecord> out;
  while (s.step()) out.push_back({s.text(0), s.text(1), s.text(2)});
  return out;
}

std::vector<TrialRow> Store::trials(std::int64_t result_id) const {
  Stmt s(db_,
         "SELECT id, idx, warmup, status, COALESCE(reason, ''), COALESCE(wall_ns, 0), "
         "COALESCE(user_ns, 0), "
         "COALESCE(sys_ns, 0), COALESCE(max_rss_bytes, 0), COALESCE(begin_ns, 0), COALESCE(end_ns, "
         "0), "
         "COALESCE(memory_peak_bytes, 0), COALESCE(containment, ''), COALESCE(cooldown_ns, 0), "
         "COALESCE(throttled, '') FROM trials WHERE result_id = ?1 ORDER BY idx");
  s.bind(1, result_id);
  Stmt v(db_, "SELECT metric, value FROM trial_values WHERE trial_id = ?1 ORDER BY rowid");
  std::vector<TrialRow> out;
  while (s.step()) {
    TrialRow t;
    t.id = s.i64(0);
    t.idx = static_cast<int>(s.i64(1));
    t.warmup = s.i64(2) != 0;
    t.ok = s.text(3) == "ok";
    t.reason = s.text(4);
    t.wall_ns = static_cast<std::uint64_t>(s.i64(5));
    t.user_ns = static_cast<std::uint64_t>(s.i64(6));
    t.sys_ns = static_cast<std::uint64_t>(s.i64(7));
    t.max_rss_bytes = static_cast<std::uint64_t>(s.i64(8));
    t.window = {static_cast<std::uint64_t>(s.i64(9)), static_cast<std::uint64_t>(s.i64(10))};
    t.memory_peak_bytes = static_cast<std::uint64_t>(s.i64(11));
    t.containment = s.text(12);
    t.cooldown_ns = static_cast<std::uint64_t>(s.i64(13));
    t.throttled = s.text(14);
    v.reset();
    v.bind(1, t.id);
    while (v.step()) t.values.emplace_back(v.text(0), v.f64(1));
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<std::int64_t> Store::add_channels(std::int64_t run_id,
                                              const std::vector<ChannelInfo>& channels) {
  Transaction tx(db_);
  Stmt ins(db_,
           "INSERT INTO channels(run_id, probe, channel, label, quantity, domain, kind, "
           "counter_range, parent, device, limit_value) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
           "?9, ?10, ?11) ON CONFLICT(run_id, probe, channel) DO UPDATE SET label = "
           "excluded.label RETURNING id");
  std::vector<std::int64_t> ids;
  for (const auto& c : channels) {
    ins.reset();
    ins.bind(1, run_id).bind(2, c.probe).bind(3, c.id).bind_text_or_null(4, c.label);
    ins.bind(5, c.quantity).bind(6, c.domain).bind(7, c.kind);
    if (c.counter_range > 0)
      ins.bind(8, c.counter_range);
    else
      ins.bind_null(8);
    ins.bind_text_or_null(9, c.parent).bind_text_or_null(10, c.device);
    if (c.limit > 0)
      ins.bind(11, c.limit);
    else
      ins.bind_null(11);
    ins.step();
    ids.push_back(ins.i64(0));
    ins.reset();  // a RETURNING statement still stepping would block the commit
  }
  tx.commit();
  return ids;
}

std::vector<StoredChannel> Store::channels(std::int64_t run_id) const {
  Stmt s(db_,
         "SELECT id, probe, channel, COALESCE(label, ''), quantity, domain, kind, "
         "COALESCE(counter_range, 0), COALESCE(parent, ''), COALESCE(device, ''), "
         "COALESCE(limit_value, 0) FROM channels WHERE run_id = ?1 ORDER BY id");
  s.bind(1, run_id);
  std::vector<StoredChannel> out;
  while (s.step()) {
    StoredChannel c;
    c.id = s.i64(0);
    c.info.probe = s.text(1);
    c.info.id = s.text(2);
    c.info.label = s.text(3);
    c.info.quantity = static_cast<int32_t>(s.i64(4));
    c.info.domain = static_cast<int32_t>(s.i64(5));
    c.info.kind = static_cast<int32_t>(s.i64(6));
    c.info.counter_range = s.f64(7);
    c.info.parent = s.text(8);
    c.info.device = s.text(9);
    c.info.limit = s.f64(10);
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<std::pair<std::uint64_t, double>> Store::samples(std::int64_t channel_id,
                                                             std::uint64_t begin_ns,
                                                             std::uint64_t end_ns) const {
  Stmt s(db_,
         "SELECT t_ns, value FROM samples WHERE channel_id = ?1 AND t_ns BETWEEN ?2 AND ?3 "
         "ORDER BY t_ns");
  // SQLite integers are signed: a window open to the end is INT64_MAX, not UINT64_MAX (-1).
  constexpr auto kMax = static_cast<std::uint64_t>(INT64_MAX);
  s.bind(1, channel_id).bind(2, std::min(begin_ns, kMax)).bind(3, std::min(end_ns, kMax));
  std::vector<std::pair<std::uint64_t, double>> out;
  while (s.step()) out.emplace_back(static_cast<std::uint64_t>(s.i64(0)), s.f64(1));
  return out;
}

void Store::set_probe(std::int64_t run_id, const ProbeRecord& p) {
  Stmt s(db_,
         "INSERT INTO probes(run_id, probe, plugin_version, plugin_path, plugin_sha256, status, "
         "reason, interval_ns, samples, skipped, cpu_ns) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
         "?9, ?10, ?11) ON CONFLICT(run_id, probe) DO UPDATE SET plugin_version = "
         "excluded.plugin_version, plugin_path = excluded.plugin_path, plugin_sha256 = "
         "excluded.plugin_sha256, status = excluded.status, reason = excluded.reason, "
         "interval_ns = excluded.interval_ns, samples = probes.samples + excluded.samples, "
         "skipped = probes.skipped + excluded.skipped, cpu_ns = COALESCE(probes.cpu_ns, 0) + "
         "excluded.cpu_ns");
  s.bind(1, run_id).bind(2, p.probe).bind(3, p.plugin_version).bind(4, p.plugin_path);
  s.bind_text_or_null(5, p.plugin_sha256).bind(6, p.status).bind_text_or_null(7, p.reason);
  s.bind(8, p.interval_ns).bind(9, p.samples).bind(10, p.skipped).bind(11, p.cpu_ns);
  s.run();
}

std::vector<ProbeRecord> Store::probes(std::int64_t run_id) const {
  Stmt s(db_,
         "SELECT probe, plugin_version, plugin_path, COALESCE(plugin_sha256, ''), status, "
         "COALESCE(reason, ''), COALESCE(interval_ns, 0), samples, skipped, COALESCE(cpu_ns, 0) "
         "FROM probes WHERE run_id = ?1 ORDER BY probe");
  s.bind(1, run_id);
  std::vector<ProbeRecord> out;
  while (s.step()) {
    ProbeRecord p;
    p.probe = s.text(0);
    p.plugin_version = s.text(1);
    p.plugin_path = s.text(2);
    p.plugin_sha256 = s.text(3);
    p.status = s.text(4);
    p.reason = s.text(5);
    p.interval_ns = static_cast<std::uint64_t>(s.i64(6));
    p.samples = static_cast<std::uint64_t>(s.i64(7));
    p.skipped = static_cast<std::uint64_t>(s.i64(8));
    p.cpu_ns = static_cast<std::uint64_t>(s.i64(9));
    out.push_back(std::move(p));
  }
  return out;
}

void Store::set_idle_baseline(std::int64_t run_id, const std::vector<IdleRecord>& rows) {
  Transaction tx(db_);
  Stmt s(db_,
         "INSERT OR REPLACE INTO idle_baselines(run_id, channel, mean, sem, dof, begin_ns, end_ns, "
         "samples) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  for (const auto& r : rows) {
    s.reset();
    s.bind(1, run_id).bind(2, r.channel).bind(3, r.mean).bind(4, r.sem).bind(5, r.dof);
    s.bind(6, r.begin_ns).bind(7, r.end_ns).bind(8, r.samples);
    s.run();
  }
  tx.commit();
}

std::vector<IdleRecord> Store::idle_baseline(std::int64_t run_id) const {
  Stmt s(db_,
         "SELECT channel, mean, sem, dof, begin_ns, end_ns, samples FROM idle_baselines WHERE "
         "run_id = ?1 ORDER BY channel = 'total' DESC, channel");
  s.bind(1, run_id);
  std::vector<IdleRecord> out;
  while (s.step())
    out.push_back({s.text(0), s.f64(1), s.f64(2), s.f64(3), static_cast<std::uint64_t>(s.i64(4)),
                   static_cast<std::uint64_t>(s.i64(5)), static_cast<std::uint64_t>(s.i64(6))});
  return out;
}

std::vector<Mark> Store::marks(std::int64_t trial_id) const {
  Stmt s(db_, "SELECT name, t_ns FROM trial_marks WHERE trial_id = ?1 ORDER BY seq");
  s.bind(1, trial_id);
  std::vector<Mark> out;
  while (s.step()) out.push_back({s.text(0), static_cast<std::uint64_t>(s.i64(1))});
  return out;
}

// A serving trial gives thousands of values: one statement binds kRows of them, so the
// insert costs a statement step per kRows values rather than per value.
void Store::insert_distributions(
    std::int64_t trial_id,
    const std::vector<std::pair<std::string, std::vector<double>>>& distributions) {
  constexpr std::size_t kRows = 128;  // 4 parameters a row, under SQLite's 32766
  std::string sql = "INSERT INTO trial_distributions(trial_id, metric, seq, value) VALUES ";
  for (std::size_t i = 0; i < kRows; ++i) sql += i ? ",(?,?,?,?)" : "(?,?,?,?)";
  std::optional<Stmt> batch;
  Stmt one(db_, "INSERT INTO trial_distributions(trial_id, metric, seq, value) VALUES (?,?,?,?)");
  for (const auto& [metric, values] : distributions) {
    std::size_t i = 0;
    for (; i + kRows <= values.size(); i += kRows) {
      if (!batch) batch.emplace(db_, sql);
      batch->reset();
      for (std::size_t r = 0; r < kRows; ++r) {
        const int p = static_cast<int>(4 * r);
        batch->bind(p + 1, trial_id).bind(p + 2, metric);
        batch->bind(p + 3, static_cast<std::int64_t>(i + r)).bind(p + 4, values[i + r]);
      }
      batch->run();
    }
    for (; i < values.size(); ++i) {
      one.reset();
      one.bind(1, trial_id).bind(2, metric).bind(3, static_cast<std::int64_t>(i));
      one.bind(4, values[i]);
      one.run();
    }
  }
}

std::vector<double> Store::distribution(std::int64_t result_id, const std::string& metric) const {
  Stmt s(db_,
         "SELECT d.value FROM trial_distributions d JOIN trials t ON t.id = d.trial_id "
         "WHERE t.result_id = ?1 AND d.metric = ?2 AND t.warmup = 0 AND t.status = 'ok' "
         "ORDER BY t.idx, d.seq");
  s.bind(1, result_id).bind(2, metric);
  std::vector<double> out;
  while (s.step()) out.push_back(s.f64(0));
  return out;
}

std::vector<std::string> Store::distribution_metrics(std::int64_t result_id) const {
  Stmt s(db_,
         "SELECT DISTINCT d.metric FROM trial_distributions d JOIN trials t ON t.id = d.trial_id "
         "WHERE t.result_id = ?1");
  s.bind(1, result_id);
  std::vector<std::string> out;
  while (s.step()) out.push_back(s.text(0));
  return out;
}

}  // namespace benchlab
