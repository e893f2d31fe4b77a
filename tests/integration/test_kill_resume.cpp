// SPDX-License-Identifier: MIT
// kill -9 of benchlab in the middle of a suite: the store stays intact with every trial
// committed so far, no worker outlives benchlab, and `benchlab run --resume` finishes the
// run with exactly the planned trials, none twice.
#include <signal.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>

#include "harness_fixture.h"

using namespace it;

namespace {

long long trials_so_far(const fs::path& db_file) {
  try {
    if (!fs::exists(db_file)) return 0;
    Db db(db_file);
    return db.integer("SELECT COUNT(*) FROM trials");
  } catch (const std::exception&) {
    return 0;  // not created or migrated yet
  }
}

}  // namespace

TEST_CASE("kill -9 mid-suite leaves a sound store that --resume completes", "[kill][integration]") {
  TempDir tmp;
  const fs::path db_file = tmp.path() / "results.db";
  const fs::path log = tmp.path() / "benchlab.log";
  const std::vector<std::string> common = {"--db",
                                           db_file.string(),
                                           "--plugin-dir",
                                           test_plugin_dir().string(),
                                           "--profile-dir",
                                           profile_dir().string(),
                                           "-q"};
  std::vector<std::string> args = {"run", "it-slow", "--system-name", "kill-test"};
  args.insert(args.end(), common.begin(), common.end());

  pid_t cli = start_cli(args, log);
  // Into the second of three tests (10 trials of 100 ms each), then kill without warning.
  bool midway = wait_until([&] { return trials_so_far(db_file) >= 12; }, std::chrono::seconds(30));
  kill(cli, SIGKILL);
  int status = 0;
  waitpid(cli, &status, 0);
  INFO("benchlab output:\n" << read_file(log));
  REQUIRE(midway);
  REQUIRE(WIFSIGNALED(status));

  // Workers die with benchlab (their argv names a scratch directory inside tmp).
  CHECK(wait_until([&] { return live_processes_mentioning(tmp.path().string()).empty(); },
                   std::chrono::milliseconds(1000)));

  std::int64_t run_id = 0;
  long long before = 0;
  {
    Db db(db_file);
    CHECK(db.text("PRAGMA integrity_check") == "ok");
    CHECK(db.integer("SELECT COUNT(*) FROM runs") == 1);
    run_id = db.integer("SELECT id FROM runs");
    CHECK(db.text("SELECT status FROM runs") == "running");
    CHECK(db.text("SELECT COALESCE(finished_at, '') FROM runs").empty());
    before = db.integer("SELECT COUNT(*) FROM trials");
    CHECK(before >= 12);
    CHECK(before < 30);
    CHECK(db.text("SELECT status FROM results WHERE seq = 1") == "ok");
    CHECK(db.text("SELECT status FROM results WHERE seq = 3") == "pending");
    // Every committed trial is whole: a status, and its value when ok.
    CHECK(db.integer("SELECT COUNT(*) FROM trials t WHERE t.status = 'ok' AND NOT EXISTS "
                     "(SELECT 1 FROM trial_values v WHERE v.trial_id = t.id)") == 0);
  }

  std::vector<std::string> resume = {"run", "--resume", std::to_string(run_id)};
  resume.insert(resume.end(), common.begin(), common.end());
  int rc = run_cli(resume, log);
  INFO("benchlab output:\n" << read_file(log));
  CHECK(rc == 0);

  Db db(db_file);
  CHECK(db.text("PRAGMA integrity_check") == "ok");
  CHECK(db.integer("SELECT COUNT(*) FROM runs") == 1);
  CHECK(db.text("SELECT status FROM runs") == "complete");
  CHECK_FALSE(db.text("SELECT COALESCE(finished_at, '') FROM runs").empty());
  auto per_result = db.rows(
      "SELECT r.seq, r.status, COUNT(t.id), COUNT(DISTINCT t.idx), MIN(t.idx), MAX(t.idx), "
      "SUM(t.status = 'ok') FROM results r LEFT JOIN trials t ON t.result_id = r.id AND t.warmup = "
      "0 "
      "GROUP BY r.id ORDER BY r.seq");
  REQUIRE(per_result.size() == 3);
  for (const auto& r : per_result) {
    INFO("result " << r[0]);
    CHECK(r[1] == "ok");
    CHECK(r[2] == "10");  // exactly the planned count
    CHECK(r[3] == "10");  // no index twice
    CHECK(r[4] == "0");
    CHECK(r[5] == "9");
    CHECK(r[6] == "10");
  }
  CHECK(live_processes_mentioning(tmp.path().string()).empty());
}

TEST_CASE("resuming a complete run is refused and changes nothing", "[kill][integration]") {
  TempDir tmp;
  Harness h(tmp.path() / "results.db");
  RunSpec spec;
  spec.targets = {"noop"};
  spec.trials = 2;
  auto r = run(h, spec);
  REQUIRE(r.rc == BENCHLAB_OK);
  RunSpec again;
  again.resume = r.run_id;
  auto second = run(h, again);
  CHECK(second.rc != BENCHLAB_OK);
  CHECK_THAT(second.message, Catch::Matchers::Contains("already complete"));
  Db db(tmp.path() / "results.db");
  CHECK(db.integer("SELECT COUNT(*) FROM trials") == 2);
  CHECK(db.text("SELECT status FROM runs") == "complete");
}

TEST_CASE("Ctrl-C stops the run at once, leaves it interrupted, and --resume completes it",
          "[kill][integration]") {
  TempDir tmp;
  const fs::path db_file = tmp.path() / "results.db";
  const fs::path log = tmp.path() / "benchlab.log";
  const std::vector<std::string> common = {"--db",
                                           db_file.string(),
                                           "--plugin-dir",
                                           test_plugin_dir().string(),
                                           "--profile-dir",
                                           profile_dir().string(),
                                           "-q"};
  std::vector<std::string> args = {"run", "it-slow"};
  args.insert(args.end(), common.begin(), common.end());

  pid_t cli = start_cli(args, log);
  bool started = wait_until([&] { return trials_so_far(db_file) >= 3; }, std::chrono::seconds(30));
  kill(cli, SIGINT);
  auto t0 = std::chrono::steady_clock::now();
  int status = 0;
  waitpid(cli, &status, 0);
  std::chrono::duration<double> stop_time = std::chrono::steady_clock::now() - t0;
  INFO("benchlab output:\n" << read_file(log));
  REQUIRE(started);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 130);
  CHECK(stop_time.count() < 5);  // the trial in flight is cancelled, not waited for
  CHECK_THAT(read_file(log), Catch::Matchers::Contains("--resume"));
  CHECK(live_processes_mentioning(tmp.path().string()).empty());

  std::int64_t run_id = 0;
  {
    Db db(db_file);
    run_id = db.integer("SELECT id FROM runs");
    CHECK(db.text("SELECT status FROM runs") == "interrupted");
  }
  std::vector<std::string> resume = {"run", "--resume", std::to_string(run_id)};
  resume.insert(resume.end(), common.begin(), common.end());
  CHECK(run_cli(resume, log) == 0);
  Db db(db_file);
  CHECK(db.text("SELECT status FROM runs") == "complete");
  CHECK(db.integer("SELECT COUNT(*) FROM trials WHERE warmup = 0") == 30);
  CHECK(db.integer("SELECT COUNT(*) FROM (SELECT DISTINCT result_id, idx FROM trials)") == 30);
}

TEST_CASE("kill -9 of benchlab also ends the processes a trial forked", "[kill][integration]") {
  TempDir tmp;
  const fs::path log = tmp.path() / "benchlab.log";
  pid_t cli = start_cli(
      {"run", "hang", "-o", "fork_child=true", "--timeout", "30", "-n", "1", "--db",
       (tmp.path() / "results.db").string(), "--plugin-dir", test_plugin_dir().string(), "-q"},
      log);
  // The worker's reaper, the phase process and the child the plugin forked all carry the
  // worker's command line (so does benchlab, which names the store in the same directory).
  bool forked =
      wait_until([&] { return live_processes_mentioning(tmp.path().string()).size() >= 4; },
                 std::chrono::seconds(30));
  kill(cli, SIGKILL);
  int status = 0;
  waitpid(cli, &status, 0);
  INFO("benchlab output:\n" << read_file(log));
  REQUIRE(forked);
  bool gone = wait_until([&] { return live_processes_mentioning(tmp.path().string()).empty(); },
                         std::chrono::milliseconds(1000));
  auto survivors = live_processes_mentioning(tmp.path().string());
  for (pid_t p : survivors) kill(p, SIGKILL);  // leave nothing behind, even on failure
  CHECK(gone);
}
