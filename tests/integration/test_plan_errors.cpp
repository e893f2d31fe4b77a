// Mistakes in what the operator asks for are refused before anything runs: the message
// names the test and the option and lists what is valid, and no run is stored.
#include <catch2/catch.hpp>

#include "harness_fixture.h"

using namespace it;
using Catch::Matchers::Contains;

namespace {

// Runs `spec` on a fresh store; expects a plan error and an untouched store.
std::string plan_error(const RunSpec& spec, std::int32_t expected = BENCHLAB_E_INVALID) {
  TempDir tmp;
  Harness h(tmp.path() / "results.db");
  auto r = run(h, spec);
  INFO("message: " << r.message);
  CHECK(r.rc == expected);
  CHECK(r.run_id == 0);
  CHECK_FALSE(r.message.empty());
  Db db(tmp.path() / "results.db");
  CHECK(db.integer("SELECT COUNT(*) FROM runs") == 0);
  CHECK(db.integer("SELECT COUNT(*) FROM results") == 0);
  return r.message;
}

RunSpec spec(std::vector<std::string> targets, std::vector<std::string> options = {}) {
  RunSpec s;
  s.targets = std::move(targets);
  s.options = std::move(options);
  return s;
}

// benchlab.h: BENCHLAB_E_NOT_FOUND is "no such target, run or plugin".
constexpr std::int32_t kNoSuchTarget = BENCHLAB_E_NOT_FOUND;

}  // namespace

TEST_CASE("an option no test has is refused and the valid ones are listed", "[plan][integration]") {
  auto msg = plan_error(spec({"noop"}, {"bogus=1"}));
  CHECK_THAT(msg, Contains("bogus"));
  CHECK_THAT(msg, Contains("sleep_ms"));
  CHECK_THAT(msg, Contains("fail_trial"));
}

TEST_CASE("an unknown option in a profile names the profile and the valid options",
          "[plan][integration]") {
  auto msg = plan_error(spec({"it-bad-option"}));
  CHECK_THAT(msg, Contains("it-bad-option"));
  CHECK_THAT(msg, Contains("no option 'bogus'"));
  CHECK_THAT(msg, Contains("valid options: "));
  CHECK_THAT(msg, Contains("sleep_ms"));
}

TEST_CASE("an enum value outside the allowed list is refused with the allowed values",
          "[plan][integration]") {
  auto msg = plan_error(spec({"crash"}, {"how=explode"}));
  CHECK_THAT(msg, Contains("how='explode'"));
  CHECK_THAT(msg, Contains("segv, abort, exit, exit0"));
}

TEST_CASE("a non-integer for an integer option is refused", "[plan][integration]") {
  auto msg = plan_error(spec({"noop"}, {"sleep_ms=abc"}));
  CHECK_THAT(msg, Contains("sleep_ms='abc'"));
  CHECK_THAT(msg, Contains("not an integer"));
  CHECK_THAT(plan_error(spec({"noop"}, {"sleep_ms=12abc"})), Contains("not an integer"));
  CHECK_THAT(plan_error(spec({"noop"}, {"sleep_ms=1.5"})), Contains("not an integer"));
}

TEST_CASE("out-of-range, non-numeric and non-boolean values are refused", "[plan][integration]") {
  CHECK_THAT(plan_error(spec({"noop"}, {"sleep_ms=999999"})), Contains("between 0 and 60000"));
  CHECK_THAT(plan_error(spec({"noop"}, {"jitter=lots"})), Contains("not a number"));
  CHECK_THAT(plan_error(spec({"noop"}, {"fork_child=yes"})), Contains("true or false"));
}

TEST_CASE("an option given twice that takes one value is refused", "[plan][integration]") {
  CHECK_THAT(plan_error(spec({"noop"}, {"sleep_ms=1", "sleep_ms=2"})), Contains("given 2 times"));
}

TEST_CASE("an option that is not KEY=VALUE is refused", "[plan][integration]") {
  CHECK_THAT(plan_error(spec({"noop"}, {"sleep_ms"})), Contains("KEY=VALUE"));
}

TEST_CASE("a suite member that exists nowhere is refused before the suite starts",
          "[plan][integration]") {
  auto msg = plan_error(spec({"it-broken-suite"}), kNoSuchTarget);
  CHECK_THAT(msg, Contains("it-does-not-exist"));
  CHECK_THAT(msg, Contains("it-broken-suite"));
}

TEST_CASE("an unknown target is refused as not found", "[plan][integration]") {
  auto msg = plan_error(spec({"no-such-test"}), kNoSuchTarget);
  CHECK_THAT(msg, Contains("unknown target 'no-such-test'"));
}

TEST_CASE("a plugin refused at discovery cannot be run", "[plan][integration]") {
  auto msg = plan_error(spec({"wrongabi"}), kNoSuchTarget);
  CHECK_THAT(msg, Contains("wrongabi"));
}

TEST_CASE("TEST:KEY=VALUE sets an option of that test only", "[plan][integration]") {
  TempDir tmp;
  Harness h(tmp.path() / "results.db");
  RunSpec s = spec({"it-noop", "noop"}, {"it-noop:label=scoped"});
  s.trials = 1;
  auto r = run(h, s);
  REQUIRE(r.rc == BENCHLAB_OK);
  auto rows = results(h, r.run_id);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].test == "it-noop");
  CHECK_THAT(rows[0].options, Contains("label=scoped"));
  CHECK(rows[1].test == "noop");
  CHECK_THAT(rows[1].options, !Contains("scoped"));

  auto msg = plan_error(spec({"noop"}, {"crash:how=segv"}));
  CHECK_THAT(msg, Contains("no test or plugin 'crash'"));
  CHECK_THAT(msg, Contains("'how'"));
}
