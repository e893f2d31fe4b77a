// SPDX-License-Identifier: MIT
// A report_metric() call the host refuses (an undeclared metric, NaN or infinity, a
// report from setup()) fails the trial, or the result, with that refusal as the stored
// reason, even when the plugin ignores the status and returns BL_OK: a trial must not
// pass with a value the plugin could not report.
#include <catch2/catch.hpp>

#include "harness_fixture.h"

using namespace it;
using Catch::Matchers::Contains;

namespace {

SingleRun run_badmetric(const TempDir& tmp, const std::string& how) {
  RunSpec spec;
  spec.targets = {"badmetric"};
  spec.options = {"how=" + how};
  spec.trials = 1;
  spec.warmup = 0;
  return run_single(tmp, spec, {WORKER_PLUGIN_DIR}, {});
}

}  // namespace

TEST_CASE("an undeclared metric reported and ignored fails the trial with that reason",
          "[report_metric][integration]") {
  TempDir tmp;
  auto s = run_badmetric(tmp, "undeclared");
  CHECK(s.run.rc == BENCHLAB_E_TRIALS_FAILED);
  REQUIRE(s.trials.size() == 1);
  CHECK_FALSE(s.trials[0].ok);
  CHECK_THAT(s.trials[0].reason,
             Contains("badmetric: report_metric(\"bogus\") failed: no such metric"));
  REQUIRE(s.rows.size() == 1);
  CHECK(s.rows[0].status == BENCHLAB_STATUS_FAILED);
  CHECK_THAT(s.rows[0].reason, Contains("report_metric(\"bogus\") failed"));
}

TEST_CASE("a NaN or infinite value fails the trial though the plugin reports a good one after",
          "[report_metric][integration]") {
  for (const char* how : {"nan", "inf"}) {
    INFO("how=" << how);
    TempDir tmp;
    auto s = run_badmetric(tmp, how);
    REQUIRE(s.trials.size() == 1);
    CHECK_FALSE(s.trials[0].ok);
    CHECK_THAT(s.trials[0].reason, Contains("report_metric(\"value\") failed: the value is"));
  }
}

TEST_CASE("a metric reported from setup() fails the result before any trial",
          "[report_metric][integration]") {
  TempDir tmp;
  auto s = run_badmetric(tmp, "setup");
  CHECK(s.trials.empty());
  REQUIRE(s.rows.size() == 1);
  CHECK(s.rows[0].status == BENCHLAB_STATUS_FAILED);
  CHECK_THAT(s.rows[0].reason, Contains("only run() and parse() report metrics, not setup()"));
}

TEST_CASE("the same plugin without a refused call succeeds", "[report_metric][integration]") {
  TempDir tmp;
  auto s = run_badmetric(tmp, "none");
  CHECK(s.run.rc == BENCHLAB_OK);
  REQUIRE(s.trials.size() == 1);
  CHECK(s.trials[0].ok);
  CHECK(s.trials[0].value == 1.0);
}
