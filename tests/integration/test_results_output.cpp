// What comes out of the store: the JSON document tools read, text that looks like SQL
// stored verbatim, metrics a plugin declares at run time, and a plugin built against an
// older header measured like any other.
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "harness_fixture.h"

using namespace it;
using Catch::Matchers::Contains;
namespace json = boost::json;

namespace {

std::string results_json(const Harness& h, std::int64_t run_id) {
  char* text = nullptr;
  REQUIRE(benchlab_results_json(h.ctx(), run_id, &text) == BENCHLAB_OK);
  REQUIRE(text != nullptr);
  std::string s = text;
  benchlab_free(text);
  return s;
}

}  // namespace

TEST_CASE("the results JSON holds the run, the inventory, and results with stats and trials",
          "[output][integration]") {
  TempDir tmp;
  Harness h(tmp.path() / "results.db");
  RunSpec spec;
  spec.targets = {"noop"};
  spec.trials = 3;
  spec.warmup = 1;
  auto r = run(h, spec);
  REQUIRE(r.rc == BENCHLAB_OK);

  json::value doc = json::parse(results_json(h, r.run_id));
  const auto& run = doc.at("run").as_object();
  CHECK(run.at("id").to_number<std::int64_t>() == r.run_id);
  CHECK(run.at("status").as_string() == "complete");
  CHECK(run.at("system").as_string() == "integration-test");
  CHECK(run.at("targets").as_string() == "noop");
  CHECK(run.at("uuid").as_string().size() == 36);
  CHECK_FALSE(run.at("finished_at").is_null());

  CHECK(doc.at("inventory").is_object());
  CHECK_FALSE(doc.at("inventory").as_object().empty());

  const auto& results = doc.at("results").as_array();
  REQUIRE(results.size() == 1);
  const auto& res = results[0].as_object();
  CHECK(res.at("test").as_string() == "noop");
  CHECK(res.at("plugin_version").as_string() == "1.0.0");
  CHECK(res.at("status").as_string() == "ok");
  const auto& metric = res.at("metrics").as_array().at(0).as_object();
  CHECK(metric.at("name").as_string() == "value");
  CHECK(metric.at("unit").as_string() == "x");
  CHECK(metric.at("direction").as_string() == "higher");
  const auto& stats = metric.at("stats").as_object();
  CHECK(stats.at("n").to_number<int>() == 3);
  CHECK(stats.at("mean").to_number<double>() == 1.0);
  const auto& trials = res.at("trials").as_array();
  REQUIRE(trials.size() == 4);
  CHECK(trials[0].at("warmup").as_bool());
  for (std::size_t i = 1; i < trials.size(); ++i) {
    CHECK_FALSE(trials[i].at("warmup").as_bool());
    CHECK(trials[i].at("status").as_string() == "ok");
    CHECK(trials[i].at("values").at("value").to_number<double>() == 1.0);
    CHECK(trials[i].at("wall_s").to_number<double>() > 0);
  }
}

TEST_CASE("the results JSON of the latest run is the default", "[output][integration]") {
  TempDir tmp;
  Harness h(tmp.path() / "results.db");
  RunSpec spec;
  spec.targets = {"noop"};
  spec.trials = 1;
  auto first = run(h, spec);
  auto second = run(h, spec);
  REQUIRE(second.run_id > first.run_id);
  json::value doc = json::parse(results_json(h, 0));
  CHECK(doc.at("run").at("id").to_number<std::int64_t>() == second.run_id);
}

TEST_CASE("names and option values that look like SQL are stored verbatim",
          "[output][integration]") {
  TempDir tmp;
  const std::string system = "x'); DROP TABLE runs;--";
  const std::string label = "it's \"quoted\"; DELETE FROM results;--";
  std::int64_t run_id = 0;
  {
    Harness h(tmp.path() / "results.db");
    RunSpec spec;
    spec.targets = {"noop"};
    spec.trials = 1;
    spec.system_name = system;
    spec.options = {"label=" + label};
    auto r = run(h, spec);
    REQUIRE(r.rc == BENCHLAB_OK);
    run_id = r.run_id;
    auto rows = results(h, run_id);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].system == system);
    CHECK_THAT(rows[0].options, Contains("label=" + label));
  }
  Db db(tmp.path() / "results.db");
  CHECK(db.integer("SELECT COUNT(*) FROM runs") == 1);
  CHECK(db.integer("SELECT COUNT(*) FROM results") == 1);
  CHECK(db.text("SELECT s.name FROM runs r JOIN systems s ON s.id = r.system_id") == system);
  json::value opts = json::parse(db.text("SELECT options FROM results"));
  bool found = false;
  for (const auto& kv : opts.as_array())
    if (kv.at(0).as_string() == "label") found = kv.at(1).as_string() == label;
  CHECK(found);
}

TEST_CASE("a metric declared at run time is stored with its unit", "[output][integration]") {
  TempDir tmp;
  Harness h(tmp.path() / "results.db");
  RunSpec spec;
  spec.targets = {"dynmetric"};
  spec.trials = 3;
  auto r = run(h, spec);
  INFO(r.message);
  REQUIRE(r.rc == BENCHLAB_OK);
  auto rows = results(h, r.run_id);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].metric == "widgets_per_s");
  CHECK(rows[0].unit == "widgets/s");
  CHECK(rows[0].direction == 1);
  CHECK(rows[0].n == 3);
  CHECK(rows[0].mean == Approx(43.0));  // 42, 43, 44
}

TEST_CASE("a plugin built against an older header runs, without the teardown it does not have",
          "[output][integration][abi]") {
  TempDir tmp;
  Harness h(tmp.path() / "results.db");
  RunSpec spec;
  spec.targets = {"oldheader"};
  spec.trials = 2;
  auto r = run(h, spec);
  INFO(r.message);
  REQUIRE(r.rc == BENCHLAB_OK);
  auto rows = results(h, r.run_id);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].plugin_version == "0.9.0");
  CHECK(rows[0].n == 2);
  CHECK(rows[0].mean == 25.0);  // scale 2 * 10 + offset 5: both defaults reached the plugin

  spec.options = {"offset=7"};  // the second option, found with the old stride
  r = run(h, spec);
  REQUIRE(r.rc == BENCHLAB_OK);
  CHECK(results(h, r.run_id).at(0).mean == 27.0);
}
