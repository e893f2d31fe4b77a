// SPDX-License-Identifier: MIT
// Many values of one metric per trial (benchlab/ext/values.h), end to end: the latency
// test plugin reports them through the real worker, the store keeps every one, and the
// results give pooled percentiles over all measured trials (not an average of per-trial
// percentiles) in the C API's rows, the JSON document and the CLI's table. What the
// header forbids fails the trial with the refusal as its reason, as report_metric does.
#include <algorithm>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <string>

#include "harness_fixture.h"

using namespace it;
using Catch::Matchers::Contains;

namespace {

SingleRun run_latency(const TempDir& tmp, const std::vector<std::string>& options,
                      std::uint32_t trials = 1) {
  RunSpec spec;
  spec.targets = {"latency"};
  spec.options = options;
  spec.trials = trials;
  spec.warmup = 1;
  return run_single(tmp, spec, {WORKER_PLUGIN_DIR}, {});
}

const ResultRow& row(const SingleRun& s, const std::string& metric) {
  for (const auto& r : s.rows)
    if (r.metric == metric) return r;
  FAIL("no row for " << metric);
  return s.rows.front();
}

// The output of `benchlab results ARGS` on the test's store.
std::string results_text(const TempDir& tmp, std::vector<std::string> args) {
  const fs::path log = tmp.path() / "cli.txt";
  fs::remove(log);
  args.insert(args.begin(), "results");
  args.insert(args.end(), {"--db", (tmp.path() / "results.db").string()});
  REQUIRE(run_cli(args, log) == 0);
  return read_file(log);
}

// The p-quantile by linear interpolation over sorted values, as docs/statistics.md says.
double quantile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const double h = (v.size() - 1) * p;
  const auto lo = static_cast<std::size_t>(h);
  return lo + 1 < v.size() ? v[lo] + (h - lo) * (v[lo + 1] - v[lo]) : v.back();
}

}  // namespace

TEST_CASE("every value of every measured trial is stored, and the percentiles pool them",
          "[values][integration]") {
  TempDir tmp;
  // Trials 1 and 2 are measured (trial 0 is the warm-up): 1000..1099, -2, 2000..2099, -3.
  auto s = run_latency(tmp, {"n=100"}, 2);
  INFO(s.run.message);
  REQUIRE(s.run.rc == BENCHLAB_OK);
  Db db(tmp.path() / "results.db");
  // The warm-up's values are stored too (a person may look at them), 101 a trial.
  CHECK(db.integer("SELECT COUNT(*) FROM trial_distributions WHERE metric = 'latency'") == 303);
  CHECK(db.integer("SELECT COUNT(*) FROM trial_distributions d JOIN trials t ON t.id = "
                   "d.trial_id WHERE t.idx = 1 AND d.seq = 100 AND d.value = -2") == 1);

  std::vector<double> pooled;
  for (int t = 1; t <= 2; ++t) {
    for (int i = 0; i < 100; ++i) pooled.push_back(t * 1000.0 + i);
    pooled.push_back(-1.0 - t);
  }
  const ResultRow& lat = row(s, "latency");
  CHECK(lat.dist_n == pooled.size());
  CHECK(lat.dist_p50 == Approx(quantile(pooled, 0.50)));
  CHECK(lat.dist_p90 == Approx(quantile(pooled, 0.90)));
  CHECK(lat.dist_p99 == Approx(quantile(pooled, 0.99)));
  CHECK_THAT(lat.description, Contains("every value run() and parse() report"));
  // The trial's own value is the mean of its values (the plugin reported none).
  CHECK(lat.n == 2);
  const double mean1 = (100 * 1049.5 - 2) / 101, mean2 = (100 * 2049.5 - 3) / 101;
  CHECK(lat.mean == Approx((mean1 + mean2) / 2));
  CHECK(lat.dist_mean == Approx((mean1 + mean2) / 2));
  // A metric without values has no distribution.
  CHECK(row(s, "count").dist_n == 0);

  // The JSON document carries the same.
  const std::string text = results_text(tmp, {"--json", std::to_string(s.run.run_id)});
  const auto doc = boost::json::parse(text);
  const auto& metrics = doc.at("results").at(0).at("metrics").as_array();
  bool seen = false;
  for (const auto& m : metrics) {
    if (m.at("name") == "latency") {
      const auto& d = m.at("distribution");
      CHECK(d.at("n").to_number<double>() == pooled.size());
      CHECK(d.at("p99").to_number<double>() == Approx(quantile(pooled, 0.99)));
      CHECK(d.at("min").to_number<double>() == -3);
      CHECK(d.at("max").to_number<double>() == 2099);
      CHECK(m.at("description").as_string() ==
            "every value run() and parse() report (a made-up latency)");
      seen = true;
    } else {
      CHECK(m.at("distribution").is_null());
    }
  }
  CHECK(seen);
}

TEST_CASE("the CLI's results table shows the percentiles, and -v the metric definitions",
          "[values][integration]") {
  TempDir tmp;
  auto s = run_latency(tmp, {"n=10"});
  REQUIRE(s.run.rc == BENCHLAB_OK);
  const std::string table = results_text(tmp, {});
  CHECK_THAT(table, Contains("Distributions (every value of every measured trial, pooled)"));
  CHECK_THAT(table, Contains("p99"));
  CHECK_THAT(table, Contains("latency [ms]"));
  CHECK_THAT(results_text(tmp, {"-v"}),
             Contains("latency [ms]: every value run() and parse() report (a made-up latency)"));
}

TEST_CASE("a refused report_values fails the trial with the refusal as its reason",
          "[values][integration]") {
  struct Case {
    const char* mode;
    const char* reason;
  };
  for (const Case& c : {
           Case{"undeclared", "report_values(\"no_such_metric\") failed: no such metric"},
           Case{"nan", "report_values(\"latency\") failed: value 1 is NaN"},
           Case{"over", "report_values(\"latency\") failed: more than 1048576 values"},
       }) {
    INFO("mode=" << c.mode);
    TempDir tmp;
    auto s = run_latency(tmp, {"n=10", std::string("mode=") + c.mode});
    CHECK(s.run.rc == BENCHLAB_E_TRIALS_FAILED);
    REQUIRE(s.trials.size() == 2);
    CHECK_FALSE(s.trials[1].ok);
    CHECK_THAT(s.trials[1].reason, Contains(c.reason));
    // The status the plugin saw: BL_INVALID_ARGUMENT, though it went on as if not.
    CHECK_THAT(s.trials[1].log, Contains(c.reason));
    // A failed trial's values do not count.
    for (const auto& r : s.rows) CHECK(r.dist_n == 0);
  }
}

TEST_CASE("values from setup() fail the result before any trial", "[values][integration]") {
  TempDir tmp;
  auto s = run_latency(tmp, {"mode=setup"});
  REQUIRE(!s.rows.empty());
  CHECK(s.rows[0].status == BENCHLAB_STATUS_FAILED);
  CHECK_THAT(s.rows[0].reason, Contains("report_values(\"latency\") failed: only run() and "
                                        "parse() report values"));
  CHECK(s.trials.empty());
}
