// SPDX-License-Identifier: MIT
// How many trials a result gets and which count: fixed counts, the dynamic count that
// stops at the target precision or at the cap, warm-ups stored but not counted, and a
// result with some failed trials kept as "partial".
#include <catch2/catch.hpp>
#include <numeric>

#include "harness_fixture.h"

using namespace it;
using Catch::Matchers::Contains;

namespace {

struct Measured {
  RunOutcome run;
  ResultRow row;
  std::vector<StoredTrial> trials;
};

Measured measure(const RunSpec& spec) {
  TempDir tmp;
  Harness h(tmp.path() / "results.db");
  Measured m;
  m.run = run(h, spec);
  INFO(m.run.message);
  REQUIRE(m.run.run_id > 0);
  auto rows = results(h, m.run.run_id);
  REQUIRE(rows.size() == 1);
  m.row = rows[0];
  Db db(tmp.path() / "results.db");
  m.trials = stored_trials(db, m.run.run_id, 1);
  return m;
}

RunSpec noop(std::vector<std::string> options = {}) {
  RunSpec s;
  s.targets = {"noop"};
  s.options = std::move(options);
  return s;
}

}  // namespace

TEST_CASE("a fixed trial count runs exactly that many trials", "[policy][integration]") {
  auto spec = noop();
  spec.trials = 4;
  auto m = measure(spec);
  CHECK(m.run.rc == BENCHLAB_OK);
  CHECK(m.trials.size() == 4);
  CHECK(m.row.n == 4);
  CHECK(m.row.mean == 1.0);
  CHECK(m.row.sd == 0.0);
  CHECK(m.row.status == BENCHLAB_STATUS_OK);
  CHECK_FALSE(m.row.has_reason);
}

TEST_CASE("the dynamic count stops at the minimum once the target precision is reached",
          "[policy][integration]") {
  auto spec = noop();
  spec.min_trials = 3;
  spec.max_trials = 10;
  spec.target_ci = 0.5;
  auto m = measure(spec);
  CHECK(m.run.rc == BENCHLAB_OK);
  CHECK(m.trials.size() == 3);
  CHECK(m.row.n == 3);
}

TEST_CASE("the dynamic count stops at the maximum when noise keeps the target out of reach",
          "[policy][integration]") {
  auto spec = noop({"jitter=0.5"});
  spec.min_trials = 3;
  spec.max_trials = 6;
  spec.target_ci = 0.001;
  auto m = measure(spec);
  CHECK(m.run.rc == BENCHLAB_OK);
  CHECK(m.trials.size() == 6);
  CHECK(m.row.n == 6);
  CHECK(m.row.sd > 0);
  CHECK(m.row.ci95 / m.row.mean > 0.001);
}

TEST_CASE("warm-up trials are stored as such and left out of the statistics",
          "[policy][integration]") {
  auto spec = noop({"jitter=0.3"});
  spec.trials = 3;
  spec.warmup = 2;
  auto m = measure(spec);
  REQUIRE(m.trials.size() == 5);
  for (int i = 0; i < 5; ++i) {
    CHECK(m.trials[i].idx == i);
    CHECK(m.trials[i].warmup == (i < 2));
    REQUIRE(m.trials[i].value);
  }
  CHECK(m.row.n == 3);
  double measured = (*m.trials[2].value + *m.trials[3].value + *m.trials[4].value) / 3;
  CHECK(m.row.mean == Approx(measured).epsilon(1e-12));
  double all = 0;
  for (const auto& t : m.trials) all += *t.value;
  CHECK(m.row.mean != Approx(all / 5).epsilon(1e-6));  // the warm-ups would move it
}

TEST_CASE("a result with some failed trials is partial and says which failed",
          "[policy][integration]") {
  auto spec = noop({"fail_trial=1"});
  spec.trials = 3;
  auto m = measure(spec);
  CHECK(m.run.rc == BENCHLAB_E_TRIALS_FAILED);
  REQUIRE(m.trials.size() == 3);
  CHECK(m.trials[0].ok);
  CHECK_FALSE(m.trials[1].ok);
  CHECK_THAT(m.trials[1].reason, Contains("run() returned BL_ERROR: trial 1 fails on purpose"));
  CHECK(m.trials[2].ok);
  CHECK(m.row.status == BENCHLAB_STATUS_PARTIAL);
  CHECK(m.row.n == 2);
  CHECK(m.row.failed == 1);
  CHECK_THAT(m.row.reason, Contains("1 of 3 trials failed"));
}

TEST_CASE("a failed warm-up does not count as a failed trial", "[policy][integration]") {
  auto spec = noop({"fail_trial=0"});
  spec.trials = 2;
  spec.warmup = 1;
  auto m = measure(spec);
  CHECK(m.run.rc == BENCHLAB_OK);
  REQUIRE(m.trials.size() == 3);
  CHECK(m.trials[0].warmup);
  CHECK_FALSE(m.trials[0].ok);
  CHECK(m.row.status == BENCHLAB_STATUS_OK);
  CHECK(m.row.n == 2);
  CHECK(m.row.failed == 0);
}
