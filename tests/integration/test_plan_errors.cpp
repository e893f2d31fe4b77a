// SPDX-License-Identifier: MIT
// Mistakes in what the operator asks for are refused before anything runs: the message
// names the test and the option and lists what is valid, and no run is stored.
#include <catch2/catch.hpp>
#include <fstream>

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

TEST_CASE("a profile's sweep makes one result per value, and an operator's value replaces it",
          "[plan][sweep][integration]") {
  TempDir tmp;
  const fs::path profiles = tmp.path() / "profiles";
  fs::create_directories(profiles);
  {
    std::ofstream(profiles / "it-sweep.xml") << R"(<profile id="it-sweep">
  <workload plugin="noop">
    <sweep name="sleep_ms">0 1 2</sweep>
    <sweep name="label">a b</sweep>
  </workload>
  <trials count="1"/>
</profile>)";
  }
  RunSpec s = spec({"it-sweep"});
  auto one = run_single(tmp, s, {test_plugin_dir().string()}, {profiles.string()});
  INFO(one.run.message);
  REQUIRE(one.run.rc == BENCHLAB_OK);
  std::vector<std::string> options;
  for (const auto& r : one.rows)
    if (options.empty() || options.back() != r.options) options.push_back(r.options);
  REQUIRE(options.size() == 6);  // 3 x 2, the first sweep outermost
  CHECK_THAT(options[0], Contains("sleep_ms=0") && Contains("label=a"));
  CHECK_THAT(options[1], Contains("sleep_ms=0") && Contains("label=b"));
  CHECK_THAT(options[5], Contains("sleep_ms=2") && Contains("label=b"));

  TempDir tmp2;
  s.options = {"sleep_ms=5"};
  auto two = run_single(tmp2, s, {test_plugin_dir().string()}, {profiles.string()});
  REQUIRE(two.run.rc == BENCHLAB_OK);
  std::vector<std::string> options2;
  for (const auto& r : two.rows)
    if (options2.empty() || options2.back() != r.options) options2.push_back(r.options);
  REQUIRE(options2.size() == 2);  // label still swept; sleep_ms is the operator's
  for (const auto& o : options2) CHECK_THAT(o, Contains("sleep_ms=5"));
}
