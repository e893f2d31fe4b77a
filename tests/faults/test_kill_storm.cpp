// SPDX-License-Identifier: MIT
// SIGKILL of benchlab at random points of a 50-trial suite, 20 times, resumes killed
// too: after every kill the store passes integrity_check, keeps every trial it held
// before, holds no index twice and no worker outlives benchlab; in the end `--resume`
// completes every run with exactly the planned trials. The seed is printed;
// BENCHLAB_FAULT_SEED=N repeats a sequence.
#include <signal.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <random>
#include <thread>

#include "fault_fixture.h"

using namespace it;
using namespace ft;

namespace {

constexpr int kKills = 20;
constexpr int kResults = 5, kPerResult = 10;  // ft-storm

std::uint64_t seed() {
  if (const char* s = std::getenv("BENCHLAB_FAULT_SEED"); s && *s) return std::stoull(s);
  return std::random_device{}();
}

// The run being worked on: the newest one not complete; 0 if there is none yet.
std::int64_t unfinished_run(const fs::path& db_file) {
  if (!fs::exists(db_file)) return 0;
  try {
    Db db(db_file);
    return db.integer("SELECT COALESCE(MAX(id), 0) FROM runs WHERE status != 'complete'");
  } catch (const std::exception&) {
    return 0;  // killed before the schema was written
  }
}

// What must hold after any kill: a sound file, nothing lost since `before`, no index
// twice, never more measured trials than planned.
void check_after_kill(const fs::path& db_file, std::vector<std::string>& before) {
  if (!fs::exists(db_file)) return;  // killed before it was created
  Db db(db_file);
  REQUIRE(db.text("PRAGMA integrity_check") == "ok");
  long long tables = db.integer("SELECT COUNT(*) FROM sqlite_master WHERE name = 'trials'");
  if (tables == 0) return;  // killed before the schema was written
  auto now = trial_snapshot(db);
  CHECK(std::includes(now.begin(), now.end(), before.begin(), before.end()));
  before = now;
  CHECK(db.integer("SELECT COUNT(*) FROM (SELECT result_id, idx FROM trials GROUP BY "
                   "result_id, idx HAVING COUNT(*) > 1)") == 0);
  CHECK(db.integer("SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM trials WHERE "
                   "warmup = 0 GROUP BY result_id)") <= kPerResult);
}

}  // namespace

TEST_CASE("20 random SIGKILLs of run and --resume lose no trial and duplicate none",
          "[kill][integration]") {
  const std::uint64_t s = seed();
  WARN("kill storm seed: " << s << " (BENCHLAB_FAULT_SEED=" << s << " repeats it)");
  std::mt19937_64 rng(s);
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };

  TempDir tmp;
  const fs::path db_file = tmp.path() / "results.db", log = tmp.path() / "benchlab.log";
  std::vector<std::string> before;
  int kills = 0, early_kills = 0, starts = 0, resumes = 0, finished = 0;
  const auto t0 = std::chrono::steady_clock::now();

  while (kills < kKills) {
    const std::int64_t run_id = unfinished_run(db_file);
    std::vector<std::string> args =
        run_id ? store_args(db_file, {"run", "--resume", std::to_string(run_id), "-q"})
               : store_args(db_file, {"run", "ft-storm", "-q"});
    ++(run_id ? resumes : starts);
    Benchlab b(args, log);
    if (uniform(0, 9) < 3) {
      // Anywhere in start-up (inventory, discovery, plan) or the first trial.
      std::this_thread::sleep_for(std::chrono::milliseconds(uniform(0, 200)));
      ++early_kills;
    } else {
      // Up to two trials further, then at a random moment of a trial or its commit.
      const long long target = trials_in(db_file) + uniform(0, 2);
      wait_until([&] { return b.ended() || trials_in(db_file) >= target; },
                 std::chrono::seconds(30));
      std::this_thread::sleep_for(std::chrono::milliseconds(uniform(0, 60)));
    }
    if (b.ended()) {
      // The run finished before the kill came: it must have finished well. The storm
      // goes on with a new run.
      Exit e = b.wait();
      INFO("benchlab output:\n" << read_file(log));
      REQUIRE(e.describe() == "exit status 0");
      ++finished;
      continue;
    }
    b.kill(SIGKILL);
    Exit e = b.wait();
    REQUIRE(e.describe() == "killed by SIGKILL");
    ++kills;
    INFO("after kill " << kills);
    // Workers and what they forked die with benchlab (their argv names the scratch dir).
    CHECK(wait_until([&] { return live_processes_mentioning(tmp.path().string()).empty(); },
                     std::chrono::seconds(2)));
    check_after_kill(db_file, before);
  }
  const std::size_t stored_by_storm = before.size();
  // Finish what the last kill interrupted.
  if (std::int64_t run_id = unfinished_run(db_file)) {
    Exit e =
        run_benchlab(store_args(db_file, {"run", "--resume", std::to_string(run_id), "-q"}), log);
    INFO("benchlab output:\n" << read_file(log));
    REQUIRE(e.describe() == "exit status 0");
  }
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - t0;
  WARN(kills << " kills (" << early_kills << " in start-up or the first trial), " << starts
             << " runs started, " << resumes << " resumes, " << finished
             << " finished between kills; " << stored_by_storm
             << " trials stored by then; a last --resume; " << took.count() << " s in all");

  Db db(db_file);
  CHECK(db.text("PRAGMA integrity_check") == "ok");
  auto after = trial_snapshot(db);
  CHECK(std::includes(after.begin(), after.end(), before.begin(), before.end()));
  auto runs = db.rows("SELECT id, status FROM runs");
  REQUIRE_FALSE(runs.empty());
  for (const auto& run : runs) {
    INFO("run " << run[0]);
    CHECK(run[1] == "complete");
    auto per_result = db.rows(
        "SELECT r.seq, r.status, SUM(t.warmup = 0), COUNT(DISTINCT t.idx), COUNT(t.id), "
        "SUM(t.warmup = 0 AND t.status = 'ok') FROM results r LEFT JOIN trials t ON "
        "t.result_id = r.id WHERE r.run_id = ?1 GROUP BY r.id ORDER BY r.seq",
        {run[0]});
    REQUIRE(per_result.size() == static_cast<std::size_t>(kResults));
    for (const auto& r : per_result) {
      INFO("result " << r[0]);
      CHECK(r[1] == "ok");
      CHECK(r[2] == std::to_string(kPerResult));  // exactly the planned measured trials
      CHECK(r[3] == r[4]);                        // no index twice
      CHECK(r[5] == std::to_string(kPerResult));
    }
  }
  CHECK(live_processes_mentioning(tmp.path().string()).empty());
}
