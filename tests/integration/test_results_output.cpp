// SPDX-License-Identifier: MIT
// What comes out of the store: the JSON documents tools read (one run, every run; see
// docs/json-format.md), text that looks like SQL stored verbatim, metrics a plugin
// declares at run time, and a plugin built against an older header measured like any
// other.
#include <algorithm>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <utility>
#include <vector>

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
  CHECK(doc.at("format_version").to_number<int>() == 1);
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

namespace {

// The {name, value} objects of a JSON options array as pairs.
std::vector<std::pair<std::string, std::string>> option_pairs(const json::value& options) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& o : options.as_array())
    out.emplace_back(std::string(o.at("name").as_string()), std::string(o.at("value").as_string()));
  return out;
}

using Pairs = std::vector<std::pair<std::string, std::string>>;

}  // namespace

TEST_CASE("results --all --json is one document with every run, its results, trials and system",
          "[output][integration]") {
  TempDir tmp;
  const fs::path db = tmp.path() / "results.db";
  std::vector<std::int64_t> ids;
  {
    Harness h(db);
    for (const char* target : {"noop", "dynmetric", "it-noop"}) {
      RunSpec spec;
      spec.targets = {target};
      spec.trials = 2;
      spec.system_name = std::string("box-") + target;
      auto r = run(h, spec);
      INFO(r.message);
      REQUIRE(r.rc == BENCHLAB_OK);
      ids.push_back(r.run_id);
    }
    // The API and the command line give the same document.
    char* text = nullptr;
    REQUIRE(benchlab_results_json(h.ctx(), -1, &text) == BENCHLAB_OK);
    const json::value api = json::parse(text);
    benchlab_free(text);
    const fs::path log = tmp.path() / "all.json";
    REQUIRE(run_cli({"results", "--all", "--json", "--db", db.string()}, log) == 0);
    CHECK(json::parse(read_file(log)) == api);
  }
  const fs::path log = tmp.path() / "all-2.json";
  REQUIRE(run_cli({"results", "--all", "--json", "--db", db.string()}, log) == 0);
  const json::value doc = json::parse(read_file(log));
  CHECK(doc.at("format_version").to_number<int>() == 1);
  const auto& runs = doc.at("runs").as_array();
  REQUIRE(runs.size() == 3);
  const char* tests[] = {"noop", "dynmetric", "it-noop"};
  for (std::size_t i = 0; i < 3; ++i) {
    INFO("run " << i);
    const auto& r = runs[i].as_object();
    CHECK(r.at("run").at("id").to_number<std::int64_t>() == ids[i]);
    CHECK(r.at("run").at("system").as_string() == std::string("box-") + tests[i]);
    CHECK(r.at("inventory").is_object());
    CHECK_FALSE(r.contains("format_version"));  // once, at the top
    const auto& results = r.at("results").as_array();
    REQUIRE(results.size() == 1);
    CHECK(results[0].at("test").as_string() == tests[i]);
    CHECK(results[0].at("trials").as_array().size() == 2);
  }

  // The table of every run lists all three.
  const fs::path table = tmp.path() / "all.txt";
  REQUIRE(run_cli({"results", "--all", "--db", db.string()}, table) == 0);
  const std::string text = read_file(table);
  CHECK_THAT(text, Contains("noop") && Contains("dynmetric") && Contains("it-noop"));
}

TEST_CASE("options in the JSON are {name, value} objects in order, repeats kept, not strings",
          "[output][integration]") {
  TempDir tmp;
  Harness h(tmp.path() / "results.db");
  RunSpec spec;
  spec.targets = {"noop"};
  spec.trials = 1;
  spec.options = {"label=a \"b\"", "noop:sleep_ms=1"};
  auto r = run(h, spec);
  INFO(r.message);
  REQUIRE(r.rc == BENCHLAB_OK);
  const json::value doc = json::parse(results_json(h, r.run_id));
  const json::value& settings = doc.at("run").at("settings");
  CHECK(option_pairs(settings.at("options")) ==
        Pairs{{"label", "a \"b\""}, {"noop:sleep_ms", "1"}});
  CHECK(settings.at("trials").to_number<int>() == 1);
  CHECK(settings.at("target_ci").is_null());  // not overridden
  CHECK(settings.at("warmup").is_null());
  const auto result_options = option_pairs(doc.at("results").at(0).at("options"));
  CHECK(std::find(result_options.begin(), result_options.end(),
                  std::pair<std::string, std::string>{"label", "a \"b\""}) != result_options.end());
  CHECK(std::find(result_options.begin(), result_options.end(),
                  std::pair<std::string, std::string>{"sleep_ms", "1"}) != result_options.end());
}

TEST_CASE("a run stored by an older benchlab, with options as a string and NaN, reads as JSON",
          "[output][integration]") {
  TempDir tmp;
  const fs::path db_file = tmp.path() / "results.db";
  std::int64_t id = 0;
  {
    Harness h(db_file);
    RunSpec spec;
    spec.targets = {"noop"};
    spec.trials = 1;
    auto r = run(h, spec);
    REQUIRE(r.rc == BENCHLAB_OK);
    id = r.run_id;
  }
  {
    // What benchlab 0.1 wrote for `-o label=x --target-ci nan`.
    Db db(db_file);
    db.rows("UPDATE runs SET settings = ?1",
            {R"({"options":"[[\"label\",\"x\"]]","trials":0,"target_ci":NaN,"warmup":-1,)"
             R"("timeout_s":-Infinity})"});
  }
  Harness h(db_file);
  const json::value doc = json::parse(results_json(h, id));
  const json::value& settings = doc.at("run").at("settings");
  CHECK(option_pairs(settings.at("options")) == Pairs{{"label", "x"}});
  CHECK(settings.at("target_ci").is_null());
  CHECK(settings.at("timeout_s").is_null());
  CHECK(settings.at("warmup").to_number<int>() == -1);
}
