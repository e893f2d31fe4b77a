// SPDX-License-Identifier: MIT
// The SQLite store: schema, one transaction per trial, migrations refusing a newer file,
// and text stored verbatim whatever it contains.
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>

#include "sqlite_stmt.h"
#include "store.h"
#include "unit_support.hpp"

using namespace benchlab;
namespace fs = std::filesystem;

namespace {

using unit::TempDir;

std::int64_t plan_one(Store& s, std::int64_t& run) {
  auto sys = s.upsert_system("box", "{}");
  run = s.create_run(sys, "quick", "{}", "{}", "0.1.0");
  ResultPlan p{1,
               "raytrace-1080p",
               "raytrace",
               "1.0.0",
               "/x/raytrace.so",
               std::string(64, 'a'),
               {{"resolution", "1080p"}},
               "",
               "{}",
               "cpu"};
  return s.add_results(run, {p}, {{{"seconds", "s", -1, ""}}}).at(0);
}

}  // namespace

TEST_CASE("a new store is created with its directory, in WAL mode, at the current schema") {
  TempDir t;
  Store s(t.path / "sub" / "dir" / "r.db", StoreOptions{.create_directory = true});
  CHECK(fs::exists(t.path / "sub" / "dir" / "r.db"));
  Stmt q(s.handle(), "PRAGMA journal_mode");
  REQUIRE(q.step());
  CHECK(q.text(0) == "wal");
  Stmt v(s.handle(), "PRAGMA user_version");
  REQUIRE(v.step());
  CHECK(v.i64(0) == kSchemaVersion);
}

TEST_CASE("trials, their values and dynamic metrics are stored and read back in order") {
  TempDir t;
  Store s(t.path / "r.db");
  std::int64_t run;
  auto rid = plan_one(s, run);
  TrialRecord a;
  a.idx = 0;
  a.warmup = true;
  a.ok = true;
  a.values = {{"seconds", 2.0}};
  s.add_trial(rid, a);
  TrialRecord b;
  b.idx = 1;
  b.ok = true;
  b.values = {{"seconds", 1.5}, {"rays", 7.0}};
  b.metrics = {{"rays", "Mrays/s", 1, ""}};
  b.max_rss_bytes = 1234;
  s.add_trial(rid, b);
  TrialRecord c;
  c.idx = 2;
  c.reason = "run() crashed: SIGSEGV";
  s.add_trial(rid, c);

  auto results = s.results(run);
  REQUIRE(results.size() == 1);
  REQUIRE(results[0].metrics.size() == 2);
  CHECK(results[0].metrics[1].name == "rays");
  CHECK(results[0].options == OptionList{{"resolution", "1080p"}});
  auto trials = s.trials(rid);
  REQUIRE(trials.size() == 3);
  CHECK(trials[0].warmup);
  CHECK(trials[1].values.size() == 2);
  CHECK(trials[1].max_rss_bytes == 1234);
  CHECK_FALSE(trials[2].ok);
  CHECK(trials[2].reason == "run() crashed: SIGSEGV");
}

TEST_CASE(
    "a trial keeps its window, both raw streams, memory peak and containment, and a result its "
    "plugin hash") {
  TempDir t;
  Store s(t.path / "r.db");
  std::int64_t run;
  auto rid = plan_one(s, run);
  TrialRecord a;
  a.ok = true;
  a.window = {1000, 5000};
  a.output = "to stdout";
  a.error_output = "to stderr";
  a.memory_peak_bytes = 1 << 20;
  a.containment = "cgroup";
  a.values = {{"seconds", 1.0}};
  s.add_trial(rid, a);
  TrialRecord b;  // crashed: no window, nothing known of its memory
  b.idx = 1;
  b.reason = "run() crashed";
  s.add_trial(rid, b);

  CHECK(s.results(run).at(0).plugin_sha256 == std::string(64, 'a'));
  auto trials = s.trials(rid);
  REQUIRE(trials.size() == 2);
  CHECK(trials[0].window.begin_ns == 1000);
  CHECK(trials[0].window.duration_ns() == 4000);
  CHECK(trials[0].memory_peak_bytes == 1 << 20);
  CHECK(trials[0].containment == "cgroup");
  CHECK_FALSE(trials[1].window.complete());
  CHECK(trials[1].memory_peak_bytes == 0);
  Stmt q(s.handle(), "SELECT output, error_output, begin_ns IS NULL FROM trials ORDER BY idx");
  REQUIRE(q.step());
  CHECK(q.text(0) == "to stdout");
  CHECK(q.text(1) == "to stderr");
  REQUIRE(q.step());
  CHECK(q.i64(2) == 1);
}

TEST_CASE(
    "a schema 1 store is migrated to the current schema with its runs, results and trials intact") {
  TempDir t;
  std::int64_t run = 0, rid = 0;
  {
    Store s(t.path / "r.db");
    rid = plan_one(s, run);
    TrialRecord a;
    a.ok = true;
    a.values = {{"seconds", 2.5}};
    s.add_trial(rid, a);
    // Back to what a schema 1 benchlab wrote: the columns schema 2 added are not there.
    s.exec("ALTER TABLE results DROP COLUMN plugin_sha256");
    for (const char* c :
         {"error_output", "memory_peak_bytes", "containment", "cooldown_ns", "throttled"})
      s.exec(std::string("ALTER TABLE trials DROP COLUMN ") + c);
    // ... nor the tables and columns of schema 3.
    s.exec("DROP TABLE probes; DROP TABLE idle_baselines; DROP TABLE trial_marks");
    s.exec("ALTER TABLE channels DROP COLUMN limit_value");
    // ... nor those of schema 4.
    s.exec("DROP TABLE trial_distributions");
    s.exec("ALTER TABLE result_metrics DROP COLUMN description");
    // ... nor those of schema 5.
    s.exec("ALTER TABLE runs DROP COLUMN source");
    s.exec("ALTER TABLE results DROP COLUMN category");
    s.exec("DROP TABLE result_programs");
    s.exec("PRAGMA user_version = 1");
  }
  Store s(t.path / "r.db");
  Stmt v(s.handle(), "PRAGMA user_version");
  REQUIRE(v.step());
  CHECK(v.i64(0) == kSchemaVersion);
  CHECK(s.probes(run).empty());
  CHECK(s.idle_baseline(run).empty());
  auto results = s.results(run);
  REQUIRE(results.size() == 1);
  CHECK(results[0].plugin_sha256.empty());
  CHECK(results[0].category.empty());
  CHECK(s.run(run)->source.empty());
  CHECK(s.result_programs(rid).empty());
  auto trials = s.trials(rid);
  REQUIRE(trials.size() == 1);
  CHECK(trials[0].values.at(0).second == 2.5);
  CHECK(trials[0].containment.empty());
  CHECK(trials[0].throttled.empty());
  CHECK(trials[0].cooldown_ns == 0);
  CHECK(results[0].metrics.at(0).description.empty());
  CHECK(s.distribution(rid, "seconds").empty());
}

TEST_CASE(
    "a trial's distributions are stored in order and pooled over measured, successful "
    "trials only") {
  TempDir t;
  Store s(t.path / "r.db");
  std::int64_t run;
  const auto rid = plan_one(s, run);
  auto trial = [&](int idx, bool warm, bool ok, std::size_t n, double base) {
    TrialRecord r;
    r.idx = idx;
    r.warmup = warm;
    r.ok = ok;
    r.values = {{"seconds", base}};
    std::vector<double> v;
    for (std::size_t i = 0; i < n; ++i) v.push_back(base + double(i));
    // 300 values cross the 128-row statement twice and leave a tail of single rows.
    r.distributions = {{"seconds", v}, {"other", {base}}};
    s.add_trial(rid, r);
  };
  trial(0, true, true, 5, 1000);    // warm-up: not pooled
  trial(1, false, true, 300, 0);    // pooled
  trial(2, false, false, 7, 5000);  // failed: not pooled
  trial(3, false, true, 2, 10000);  // pooled, after trial 1's values
  const auto v = s.distribution(rid, "seconds");
  REQUIRE(v.size() == 302);
  for (std::size_t i = 0; i < 300; ++i) CHECK(v[i] == double(i));
  CHECK(v[300] == 10000);
  CHECK(v[301] == 10001);
  auto metrics = s.distribution_metrics(rid);
  std::sort(metrics.begin(), metrics.end());
  CHECK(metrics == std::vector<std::string>{"other", "seconds"});
  Stmt c(s.handle(), "SELECT COUNT(*) FROM trial_distributions");
  REQUIRE(c.step());
  CHECK(c.i64(0) == 5 + 1 + 300 + 1 + 7 + 1 + 2 + 1);
}

TEST_CASE("a metric's description is stored with the result") {
  TempDir t;
  Store s(t.path / "r.db");
  const auto sys = s.upsert_system("box", "{}");
  const auto run = s.create_run(sys, "t", "{}", "{}", "0.3.0");
  ResultPlan p;
  p.seq = 1;
  p.test = p.plugin = "serve";
  const auto rid =
      s.add_results(run, {p}, {{{"tpot", "ms", -1, "vLLM's definition"}, {"x", "", 1, ""}}}).at(0);
  const auto rows = s.results(run);
  REQUIRE(rows.size() == 1);
  REQUIRE(rows[0].metrics.size() == 2);
  CHECK(rows[0].metrics[0].description == "vLLM's definition");
  CHECK(rows[0].metrics[1].description.empty());
  CHECK(rid > 0);
}

TEST_CASE("a trial index is stored once: a duplicate fails and leaves no partial trial") {
  TempDir t;
  Store s(t.path / "r.db");
  std::int64_t run;
  auto rid = plan_one(s, run);
  TrialRecord a;
  a.idx = 0;
  a.ok = true;
  a.values = {{"seconds", 1.0}};
  s.add_trial(rid, a);
  a.values = {{"seconds", 9.0}};
  CHECK_THROWS_AS(s.add_trial(rid, a), StoreError);
  auto trials = s.trials(rid);
  REQUIRE(trials.size() == 1);
  CHECK(trials[0].values.at(0).second == 1.0);
}

TEST_CASE("a store written by a newer benchlab is refused with what to do") {
  TempDir t;
  {
    Store s(t.path / "r.db");
    s.exec("PRAGMA user_version = 99");
  }
  try {
    Store s(t.path / "r.db");
    FAIL("opened a newer store");
  } catch (const StoreError& e) {
    CHECK_THAT(e.what(), Catch::Contains("newer benchlab") && Catch::Contains("upgrade"));
  }
}

TEST_CASE("a file that is not SQLite is an error naming the file") {
  TempDir t;
  fs::path f = t.path / "notes.txt";
  {
    FILE* fp = fopen(f.c_str(), "w");
    fputs("this is not a database, just text that is long enough to be read as a header\n", fp);
    fclose(fp);
  }
  try {
    Store s(f);
    FAIL("opened a text file");
  } catch (const StoreError& e) {
    CHECK_THAT(e.what(), Catch::Contains("notes.txt"));
  }
}

TEST_CASE("names with quotes and SQL in them are stored verbatim") {
  TempDir t;
  Store s(t.path / "r.db");
  std::string evil = "box'); DROP TABLE runs; --";
  auto sys = s.upsert_system(evil, "{}");
  auto run = s.create_run(sys, "quick", "{}", "{}", "0.1.0");
  auto row = s.run(run);
  REQUIRE(row);
  CHECK(row->system == evil);
  CHECK(s.runs().size() == 1);
}

TEST_CASE("option lists keep order and repeats through JSON") {
  OptionList o{{"arg", "ngspice"}, {"arg", "-b"}, {"rule", "name=x regex=\"q\\d\""}};
  CHECK(options_from_json(options_to_json(o)) == o);
  CHECK(options_to_text({{"a", "1"}, {"b", "2"}}) == "a=1, b=2");
}

TEST_CASE("schema 5: a result's category, a run's source and the programs a result wrapped") {
  TempDir t;
  Store s(t.path / "r.db");
  std::int64_t run;
  const auto rid = plan_one(s, run);
  CHECK(s.results(run).at(0).category == "cpu");
  CHECK(s.run(run)->source.empty());
  s.set_run_source(run, "pts: lab/composite.xml");
  CHECK(s.run(run)->source == "pts: lab/composite.xml");
  s.set_result_programs(rid, {{"ffmpeg", "6.0", "/usr/bin/ffmpeg"}, {"cc", "GCC 12.2.0", ""}});
  s.set_result_programs(rid, {{"ffmpeg", "6.1", "/usr/bin/ffmpeg"}});  // replaces its row
  const auto programs = s.result_programs(rid);
  REQUIRE(programs.size() == 2);
  CHECK(programs[0].name == "cc");
  CHECK(programs[0].path.empty());
  CHECK(programs[1].version == "6.1");
}
