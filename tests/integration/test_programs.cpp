// SPDX-License-Identifier: MIT
// The programs a workload wraps (benchlab/ext/programs.h), end to end: the wraps test
// plugin reports a program in setup() and another in run(); both are stored with the
// result (result_programs) and listed in the results JSON. Malformed calls, and calls
// outside setup() and run(), are refused with BL_INVALID_ARGUMENT and stored nowhere.
#include <benchlab/plugin.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "harness_fixture.h"

using namespace it;

namespace {

SingleRun run_wraps(const TempDir& tmp, const std::vector<std::string>& options) {
  RunSpec spec;
  spec.targets = {"wraps"};
  spec.options = options;
  spec.trials = 2;
  spec.warmup = 0;
  spec.probes = "none";
  return run_single(tmp, spec, {WORKER_PLUGIN_DIR}, {});
}

// name, version and path ("<null>" for NULL) of the run's result_programs rows, by name.
std::vector<std::vector<std::string>> stored_programs(const TempDir& tmp) {
  Db db(tmp.path() / "results.db");
  return db.rows(
      "SELECT name, version, COALESCE(path, '<null>') FROM result_programs ORDER BY name");
}

double metric_bad(const SingleRun& s) {
  for (const auto& row : s.rows)
    if (row.metric == "bad") return row.mean;
  FAIL("no metric bad");
  return 0;
}

std::string cache_note(const TempDir& tmp, const char* file) {
  return read_file(tmp.path() / "cache" / "benchlab" / "wraps" / "1.0.0" / file);
}

}  // namespace

TEST_CASE("programs reported in setup() and run() are stored once with the result") {
  TempDir tmp;
  auto s = run_wraps(tmp, {"name=ffmpeg", "version=6.1.1-3ubuntu5", "path=/usr/bin/ffmpeg"});
  REQUIRE(s.run.rc == BENCHLAB_OK);
  REQUIRE_FALSE(s.rows.empty());
  CHECK(s.rows[0].status == BENCHLAB_STATUS_OK);
  const auto programs = stored_programs(tmp);
  REQUIRE(programs.size() == 2);  // two trials reported "helper": one row
  CHECK(programs[0] == std::vector<std::string>{"ffmpeg", "6.1.1-3ubuntu5", "/usr/bin/ffmpeg"});
  CHECK(programs[1] == std::vector<std::string>{"helper", "2.0", "<null>"});
  // teardown() is neither setup() nor run(): refused, and not stored.
  CHECK(cache_note(tmp, "teardown") == std::to_string(BL_INVALID_ARGUMENT) + "\n");

  // The results JSON lists them per result, a NULL path as null.
  const int rc = run_cli({"results", "--db", (tmp.path() / "results.db").string(), "--json"},
                         tmp.path() / "results.json");
  REQUIRE(rc == 0);
  const auto doc = boost::json::parse(read_file(tmp.path() / "results.json"));
  const auto& listed = doc.at("results").as_array().at(0).at("programs").as_array();
  REQUIRE(listed.size() == 2);
  CHECK(listed[0].at("name").as_string() == "ffmpeg");
  CHECK(listed[0].at("version").as_string() == "6.1.1-3ubuntu5");
  CHECK(listed[0].at("path").as_string() == "/usr/bin/ffmpeg");
  CHECK(listed[1].at("name").as_string() == "helper");
  CHECK(listed[1].at("path").is_null());
}

TEST_CASE("malformed report_program() calls return BL_INVALID_ARGUMENT and keep nothing") {
  for (const std::string bad : {"empty_name", "long_name", "control_version", "long_version",
                                "long_path", "null_version"}) {
    DYNAMIC_SECTION("bad=" << bad) {
      TempDir tmp;
      auto s = run_wraps(tmp, {"name=ngspice", "version=39", "bad=" + bad});
      REQUIRE(s.run.rc == BENCHLAB_OK);
      REQUIRE_FALSE(s.rows.empty());
      CHECK(s.rows[0].status == BENCHLAB_STATUS_OK);  // a refused call does not fail setup
      CHECK(metric_bad(s) == BL_INVALID_ARGUMENT);
      const auto programs = stored_programs(tmp);
      REQUIRE(programs.size() == 2);
      CHECK(programs[0][0] == "helper");
      CHECK(programs[1] == std::vector<std::string>{"ngspice", "39", "<null>"});
    }
  }
}
