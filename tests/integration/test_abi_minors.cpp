// SPDX-License-Identifier: MIT
// Plugins built against another minor of plugin ABI 1 than the host's, run by the real
// benchlab command: `abi-v1-0` with ABI 1.0's shorter structs (no metric flags, no
// parse_streams) and `abi-next` with the structs of a minor newer than the host's
// (larger struct_size, fields and a callback this host does not know, an extension id
// it cannot offer). Both must load, list their options and metrics, run their trials
// and store their metrics; docs/abi-stability.md gives the rules they rely on. (A
// plugin with structs shorter still, `oldheader`, has its own tests in
// test_discovery.cpp and test_results_output.cpp.)
#include <benchlab/plugin.h>

#include <catch2/catch.hpp>
#include <map>

#include "harness_fixture.h"

using namespace it;
using Catch::Matchers::Contains;

namespace {

const fs::path kPluginDir = ABI_MINOR_PLUGIN_DIR;

struct Cli {
  TempDir tmp;
  fs::path log = tmp.path() / "benchlab.log";
  fs::path db = tmp.path() / "results.db";

  // `benchlab ARGS` with the minor plugins' directory (and, for `run`, this test's store).
  int operator()(std::vector<std::string> args) {
    fs::remove(log);
    args.insert(args.end(), {"--plugin-dir", kPluginDir.string()});
    if (args.front() == "run") args.insert(args.end(), {"--db", db.string()});
    return run_cli(args, log);
  }
  std::string output() const { return read_file(log); }
};

// "plugin/metric" -> its row, for the results of one run, read through the C API.
std::map<std::string, ResultRow> rows_of(const Cli& cli, std::int64_t run_id) {
  Harness h(cli.db, {kPluginDir.string()}, {});
  std::map<std::string, ResultRow> out;
  for (auto& r : results(h, run_id)) out[r.plugin + "/" + r.metric] = r;
  return out;
}

}  // namespace

TEST_CASE("plugins of an older (1.0) and a newer minor than the host's load, run and report",
          "[abi][cli][integration]") {
  Cli cli;
  INFO("host ABI 1." << BL_ABI_MINOR << ", newer plugin 1." << BL_ABI_MINOR + 1);

  // Discovery read every element of each array with the plugin's own stride.
  REQUIRE(cli({"list", "plugins", "-v"}) == 0);
  std::string listed = cli.output();
  INFO(listed);
  CHECK_THAT(listed, Contains("abi-v1-0"));
  CHECK_THAT(listed, Contains("option offset=4 (int, 0..9) units\n"));
  CHECK_THAT(listed, Contains("metric double [x] higher is better: twice the value\n"));
  CHECK_THAT(listed, Contains("abi-next"));
  CHECK_THAT(listed, Contains("option offset=5 (int, 0..9) units\n"));
  CHECK_THAT(listed, Contains("metric host_minor [minor] higher is better: the ABI minor"));

  // Both in one run of the real command; every trial succeeds.
  int rc = cli({"run", "abi-v1-0", "abi-next", "-n", "2"});
  std::string out = cli.output();
  INFO(out);
  REQUIRE(rc == 0);
  CHECK_THAT(out, Contains("Stored as run 1"));

  auto rows = rows_of(cli, 1);
  REQUIRE(rows.count("abi-v1-0/value") == 1);
  REQUIRE(rows.count("abi-v1-0/double") == 1);
  REQUIRE(rows.count("abi-next/value") == 1);
  REQUIRE(rows.count("abi-next/host_minor") == 1);
  for (const auto& [key, row] : rows) {
    INFO(key << ": " << row.reason);
    CHECK(row.status == BENCHLAB_STATUS_OK);
    CHECK(row.n == 2);
    CHECK(row.failed == 0);
  }
  // 1.0: run() wrote raw output, the host called parse() (the 1.0 workload has no
  // parse_streams) and both metrics came back, neither optional in 1.0.
  CHECK(rows["abi-v1-0/value"].mean == 34.0);  // scale 3 * 10 + offset 4
  CHECK(rows["abi-v1-0/double"].mean == 68.0);
  CHECK(rows["abi-v1-0/value"].plugin_version == "1.0.0");
  // Newer: run() found the host keeping to its own minor (see abi_next_plugin.c) and
  // reported the host's minor, older than its own.
  CHECK(rows["abi-next/value"].mean == 65.0);  // scale 6 * 10 + offset 5
  CHECK(rows["abi-next/host_minor"].mean == double(BL_ABI_MINOR));

  // The second option of each, past the first element, reaches the plugin.
  REQUIRE(cli({"run", "abi-v1-0", "-n", "1", "-o", "offset=9"}) == 0);
  CHECK(rows_of(cli, 2).at("abi-v1-0/value").mean == 39.0);
  REQUIRE(cli({"run", "abi-next", "-n", "1", "-o", "offset=1"}) == 0);
  CHECK(rows_of(cli, 3).at("abi-next/value").mean == 61.0);
}
