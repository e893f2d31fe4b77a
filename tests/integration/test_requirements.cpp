// SPDX-License-Identifier: MIT
// Requirements a workload computes in setup() (benchlab/ext/requirements.h), end to end:
// the needs test plugin requires memory its options name; an unmet one makes the result
// "cannot run" with the host's reason and the plugin's hint before any trial, teardown
// still runs, and a met one lets the trials run. A malformed call, or one outside
// setup(), is refused and changes nothing.
#include <benchlab/plugin.h>

#include <catch2/catch.hpp>
#include <string>

#include "harness_fixture.h"

using namespace it;
using Catch::Matchers::Contains;

namespace {

SingleRun run_needs(const TempDir& tmp, const std::vector<std::string>& options) {
  RunSpec spec;
  spec.targets = {"needs"};
  spec.options = options;
  spec.trials = 1;
  spec.warmup = 0;
  spec.probes = "none";
  return run_single(tmp, spec, {WORKER_PLUGIN_DIR}, {});
}

// The phases the plugin ran, as it noted them in its cache directory.
std::string phases(const TempDir& tmp) {
  return read_file(tmp.path() / "cache" / "benchlab" / "needs" / "1.0.0" / "phases");
}

}  // namespace

TEST_CASE("an unmet requirement from setup() is cannot run before any trial, with the hint",
          "[requirements][integration]") {
  TempDir tmp;
  // 1 EiB of system memory: no machine has it.
  auto s = run_needs(tmp, {"kind=system", "amount=1152921504606846976"});
  REQUIRE(s.rows.size() == 1);
  CHECK(s.rows[0].status == BENCHLAB_STATUS_CANNOT_RUN);
  CHECK_THAT(s.rows[0].reason, Contains("needs 1073741824.0 GiB of system memory") &&
                                   Contains("(use a smaller model)"));
  CHECK(s.trials.empty());
  CHECK(phases(tmp) == "setup\nteardown\n");
}

TEST_CASE(
    "a met requirement from setup() lets the trials run; require() outside setup() is "
    "refused",
    "[requirements][integration]") {
  TempDir tmp;
  auto s = run_needs(tmp, {"kind=system", "amount=1024"});
  INFO(s.run.message);
  REQUIRE(s.run.rc == BENCHLAB_OK);
  REQUIRE(s.trials.size() == 1);
  CHECK(s.trials[0].ok);
  CHECK(s.rows.at(0).mean == BL_INVALID_ARGUMENT);  // "late": require() in run()
  CHECK(phases(tmp) == "setup\ntrial\nteardown\n");
}

TEST_CASE(
    "a missing file or GPU memory the machine lacks is cannot run; a malformed call is "
    "refused and gates nothing",
    "[requirements][integration]") {
  {
    TempDir tmp;
    auto s = run_needs(tmp, {"kind=file", "name=/nonexistent/model.gguf"});
    REQUIRE(s.rows.size() == 1);
    CHECK(s.rows[0].status == BENCHLAB_STATUS_CANNOT_RUN);
    CHECK_THAT(s.rows[0].reason, Contains("/nonexistent/model.gguf does not exist"));
  }
  {
    TempDir tmp;
    auto s = run_needs(tmp, {"kind=gpu_or_unified", "amount=1152921504606846976"});
    REQUIRE(s.rows.size() == 1);
    CHECK(s.rows[0].status == BENCHLAB_STATUS_CANNOT_RUN);
    CHECK_THAT(s.rows[0].reason, Contains("GPU memory"));
  }
  {
    TempDir tmp;
    auto s = run_needs(tmp, {"kind=bogus"});
    REQUIRE(s.run.rc == BENCHLAB_OK);
    CHECK(s.rows.at(0).status == BENCHLAB_STATUS_OK);
    CHECK(s.trials.size() == 1);
    CHECK(phases(tmp) == "setup\ntrial\nteardown\n");
  }
}
