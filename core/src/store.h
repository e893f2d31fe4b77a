/* SPDX-License-Identifier: MIT */
// The SQLite store: systems, runs, results, trials, their values, probe channels and
// samples. WAL, foreign keys, migrations by PRAGMA user_version, one transaction per
// trial so that a killed benchlab loses at most the trial in flight. Schema: docs/store.md.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "measured_window.h"
#include "probe_channel.h"

namespace benchlab {

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline constexpr int kSchemaVersion = 5;

// PRAGMA application_id of every benchlab store ("BLAB"), set when the store is created:
// a file with another id is another program's database, never written to.
inline constexpr std::int32_t kApplicationId = 0x424c4142;

// How a store file is opened.
struct StoreOptions {
  // SQLITE_OPEN_READONLY: the file must exist and be a benchlab store. Only a store of
  // an older schema is written to, once, to migrate it (refused when it is not writable).
  bool read_only = false;
  // Create the file's directory when it is missing (for the default store only: an
  // explicit path with a typo in its directory is an error, not a new tree of folders).
  bool create_directory = false;
};

using OptionList = std::vector<std::pair<std::string, std::string>>;

struct ResultPlan {  // one option combination of one test, planned before it runs
  int seq = 0;
  std::string test, plugin, plugin_version, plugin_path;
  std::string plugin_sha256;  // hex SHA-256 of the plugin file the result is planned with
  OptionList options;
  std::string profile_path;  // empty when run as a bare plugin
  std::string policy_json;   // the effective trial policy
  std::string category;      // the profile's <category> ("cpu", "ai", ...); may be empty
};

struct MetricDecl {
  std::string name, unit;
  int direction = 1;
  std::string description;  // what it measures and by which definition; may be empty
};

struct TrialRecord {
  int idx = 0;  // 0-based within the result, warm-ups included
  bool warmup = false;
  bool ok = false;
  std::string reason;
  MeasuredWindow window;
  std::uint64_t wall_ns = 0, user_ns = 0, sys_ns = 0;
  std::uint64_t max_rss_bytes = 0;
  std::uint64_t memory_peak_bytes = 0;  // cgroup memory.peak; 0 unknown
  std::string containment;              // "cgroup" or "subreaper"; empty unknown
  int exit_code = 0, term_signal = 0;
  std::string output, error_output, log;
  std::vector<std::pair<std::string, double>> values;
  std::vector<MetricDecl> metrics;  // declared with this trial (dynamic metrics)
  std::uint64_t cooldown_ns = 0;    // waited for the machine to cool down before it
  std::string throttled;            // why probes saw throttling in it; empty when not
  std::vector<Mark> marks;          // phases the workload marked inside it
  // many values of one metric each (benchlab/ext/values.h), e.g. every request's latency
  std::vector<std::pair<std::string, std::vector<double>>> distributions;
};

struct RunRow {
  std::int64_t id = 0;
  std::string uuid, system, started_at, finished_at, status, targets, settings_json, inventory_json,
      version;
  std::string source;  // empty: measured by benchlab; else where it was imported from
};

struct ResultRow {
  std::int64_t id = 0, run_id = 0;
  int seq = 0;
  std::string test, plugin, plugin_version, plugin_path, profile_path, policy_json, status, reason;
  std::string plugin_sha256;  // empty for results stored before schema 2
  std::string category;       // empty when unknown (no profile category, or before schema 5)
  OptionList options;
  std::vector<MetricDecl> metrics;  // in declaration order
};

struct TrialRow {
  std::int64_t id = 0;
  int idx = 0;
  bool warmup = false, ok = false;
  std::string reason;
  MeasuredWindow window;
  std::uint64_t wall_ns = 0, user_ns = 0, sys_ns = 0, max_rss_bytes = 0, memory_peak_bytes = 0;
  std::string containment;
  std::uint64_t cooldown_ns = 0;
  std::string throttled;
  std::vector<std::pair<std::string, double>> values;
};

// A program a workload wrapped (ffmpeg, llama-bench, ...), as the workload reported it.
struct ProgramRecord {
  std::string name, version, path;  // path may be empty
};

// A probe as a run used it, with its sampler's counters (added up over resumes).
struct ProbeRecord {
  std::string probe, plugin_version, plugin_path, plugin_sha256;
  std::string status;  // sampling, stopped, unavailable, failed
  std::string reason;
  std::uint64_t interval_ns = 0, samples = 0, skipped = 0, cpu_ns = 0;
};

// Idle mean of one channel ("PROBE.CHANNEL": W, or °C for a temperature) or of the total
// power ("total", W), with its standard error and that error's degrees of freedom.
struct IdleRecord {
  std::string channel;
  double mean = 0, sem = 0, dof = 0;
  std::uint64_t begin_ns = 0, end_ns = 0, samples = 0;
};

struct StoredChannel {
  std::int64_t id = 0;
  ChannelInfo info;
};

class Store {
 public:
  // Opens an existing store or creates one (a regular file, or a new file in an existing
  // directory), checks that it is a benchlab store (application_id, or the tables of a
  // store written before the id existed), enables WAL and foreign keys and migrates the
  // schema; read-only: opens an existing store and writes nothing but a migration.
  // Throws StoreError with the path and what to do.
  explicit Store(const std::filesystem::path& file, StoreOptions options = {});
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const std::filesystem::path& path() const { return path_; }
  sqlite3* handle() const { return db_; }

  std::int64_t upsert_system(const std::string& name, const std::string& inventory_json);
  std::int64_t create_run(std::int64_t system_id, const std::string& targets,
                          const std::string& settings_json, const std::string& inventory_json,
                          const std::string& version);
  // All results of a run are planned in one transaction, before the first trial.
  std::vector<std::int64_t> add_results(std::int64_t run_id, const std::vector<ResultPlan>& plan,
                                        const std::vector<std::vector<MetricDecl>>& metrics);
  // create_run() and add_results() in one transaction: a kill or a full disk leaves either
  // the run with its whole plan or no run at all, never a run without results.
  std::int64_t create_planned_run(std::int64_t system_id, const std::string& targets,
                                  const std::string& settings_json,
                                  const std::string& inventory_json, const std::string& version,
                                  const std::vector<ResultPlan>& plan,
                                  const std::vector<std::vector<MetricDecl>>& metrics);
  void set_result_status(std::int64_t result_id, const std::string& status,
                         const std::string& reason);
  // The trial, its values and any newly declared metrics in one transaction.
  std::int64_t add_trial(std::int64_t result_id, const TrialRecord& t);
  void set_run_status(std::int64_t run_id, const std::string& status, bool finished);

  std::optional<RunRow> run(std::int64_t run_id) const;
  std::int64_t latest_run_id() const;  // 0 when none
  std::vector<RunRow> runs() const;
  std::vector<ResultRow> results(std::int64_t run_id) const;
  std::vector<TrialRow> trials(std::int64_t result_id) const;
  // Marks a run as imported (e.g. "pts: composite.xml"); an empty source clears it.
  void set_run_source(std::int64_t run_id, const std::string& source);
  // The programs a result's workload wrapped; a name reported again replaces its row.
  void set_result_programs(std::int64_t result_id, const std::vector<ProgramRecord>& programs);
  std::vector<ProgramRecord> result_programs(std::int64_t result_id) const;  // by name

  // Probes. Channels of a run are registered once (a resume finds them again); their
  // samples are written by SampleWriter on its own connection.
  std::vector<std::int64_t> add_channels(std::int64_t run_id,
                                         const std::vector<ChannelInfo>& channels);
  std::vector<StoredChannel> channels(std::int64_t run_id) const;
  std::vector<std::pair<std::uint64_t, double>> samples(std::int64_t channel_id,
                                                        std::uint64_t begin_ns,
                                                        std::uint64_t end_ns) const;
  // Inserts the probe's row, or updates it: counters are added to what is stored.
  void set_probe(std::int64_t run_id, const ProbeRecord& p);
  std::vector<ProbeRecord> probes(std::int64_t run_id) const;
  void set_idle_baseline(std::int64_t run_id, const std::vector<IdleRecord>& rows);
  std::vector<IdleRecord> idle_baseline(std::int64_t run_id) const;  // "total" first
  std::vector<Mark> marks(std::int64_t trial_id) const;
  // Every value of `metric` the measured (not warm-up), successful trials of a result
  // gave with report_values(), pooled, in trial then report order.
  std::vector<double> distribution(std::int64_t result_id, const std::string& metric) const;
  // The metrics of a result with values in trial_distributions.
  std::vector<std::string> distribution_metrics(std::int64_t result_id) const;

  // Runs `sql` (no parameters) and returns nothing; for PRAGMAs and tests.
  void exec(const std::string& sql);

 private:
  void migrate();
  void insert_distributions(
      std::int64_t trial_id,
      const std::vector<std::pair<std::string, std::vector<double>>>& distributions);
  void open_handle(int flags);
  // Whether the open file is a benchlab store; throws StoreError when it is not.
  void check_application(bool read_only);
  std::vector<std::int64_t> insert_results(std::int64_t run_id, const std::vector<ResultPlan>& plan,
                                           const std::vector<std::vector<MetricDecl>>& metrics);
  std::filesystem::path path_;
  sqlite3* db_ = nullptr;
};

// The default store file: $XDG_DATA_HOME/benchlab/results.db, else
// ~/.local/share/benchlab/results.db.
std::filesystem::path default_store_path();

// OptionList <-> JSON array of [key, value] pairs (kept in order, repeats included).
std::string options_to_json(const OptionList& o);
OptionList options_from_json(const std::string& json);
// "key=value, key=value"
std::string options_to_text(const OptionList& o);

}  // namespace benchlab
