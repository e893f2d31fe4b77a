// SPDX-License-Identifier: MIT
// The trial pipeline's promises about what a result is made of: every declared metric is
// reported or the trial fails saying which; each result records the plugin file and its
// SHA-256; a resume refuses to continue a result with another plugin file.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <fstream>

#include "harness_fixture.h"

using namespace it;

namespace {

fs::path pipeline_plugin_dir() { return PIPELINE_PLUGIN_DIR; }

// A plugin directory of our own holding a copy of one test plugin, so the test can change
// the file under a run.
fs::path private_plugin_dir(const TempDir& tmp, const fs::path& plugin) {
  fs::path dir = tmp.path() / "plugins";
  fs::create_directories(dir);
  fs::copy_file(plugin, dir / plugin.filename());
  return dir;
}

// Makes run `run_id` look as if benchlab had been killed before its results ran.
void reopen_as_interrupted(const fs::path& db_file, std::int64_t run_id) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(db_file.c_str(), &db) == SQLITE_OK);
  std::string id = std::to_string(run_id);
  std::string sql =
      "DELETE FROM trials WHERE result_id IN (SELECT id FROM results WHERE run_id = " + id +
      "); UPDATE results SET status = 'pending', reason = NULL WHERE run_id = " + id +
      "; UPDATE runs SET status = 'interrupted', finished_at = NULL WHERE id = " + id;
  CHECK(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
}

RunSpec spec(std::vector<std::string> targets, std::vector<std::string> options,
             std::uint32_t trials) {
  RunSpec s;
  s.targets = std::move(targets);
  s.options = std::move(options);
  s.trials = trials;
  return s;
}

RunSpec resume(std::int64_t run_id) {
  RunSpec s;
  s.resume = run_id;
  return s;
}

}  // namespace

TEST_CASE("a declared metric never reported fails the trial, an optional one does not",
          "[pipeline][integration]") {
  TempDir tmp;
  Harness h(tmp.path() / "r.db", {pipeline_plugin_dir().string()});
  auto ok = run(h, spec({"metrics"}, {}, 1));
  REQUIRE(ok.rc == BENCHLAB_OK);

  auto optional = run(h, spec({"metrics"}, {"skip=extra"}, 1));
  CHECK(optional.rc == BENCHLAB_OK);
  for (const auto& r : results(h, optional.run_id)) CHECK(r.status == BENCHLAB_STATUS_OK);

  auto required = run(h, spec({"metrics"}, {"skip=second"}, 2));
  CHECK(required.rc == BENCHLAB_E_TRIALS_FAILED);
  auto rows = results(h, required.run_id);
  REQUIRE_FALSE(rows.empty());
  CHECK(rows[0].status == BENCHLAB_STATUS_FAILED);
  CHECK_THAT(rows[0].reason, Catch::Contains("metric \"second\" declared but not reported"));
  Db db(tmp.path() / "r.db");
  auto trials = stored_trials(db, required.run_id, 1);
  REQUIRE(trials.size() == 2);
  for (const auto& t : trials) {
    CHECK_FALSE(t.ok);
    CHECK_THAT(t.reason, Catch::Contains("metrics: metric \"second\" declared but not reported"));
  }
}

TEST_CASE("each result records its plugin file and the file's SHA-256", "[pipeline][integration]") {
  TempDir tmp;
  fs::path dir = private_plugin_dir(tmp, test_plugin_dir() / "noop.so");
  Harness h(tmp.path() / "r.db", {dir.string()});
  auto r = run(h, spec({"noop"}, {}, 1));
  REQUIRE(r.rc == BENCHLAB_OK);
  Db db(tmp.path() / "r.db");
  auto row = db.rows("SELECT plugin_path, plugin_sha256 FROM results WHERE run_id = ?1",
                     {std::to_string(r.run_id)});
  REQUIRE(row.size() == 1);
  CHECK(row[0][0] == (dir / "noop.so").string());
  const std::string sha = row[0][1];
  CHECK(sha.size() == 64);
  CHECK(sha.find_first_not_of("0123456789abcdef") == std::string::npos);

  // The C API's result row, the JSON document and `benchlab results -v` say the same.
  benchlab_cursor* cur = nullptr;
  REQUIRE(benchlab_results(h.ctx(), r.run_id, &cur) == BENCHLAB_OK);
  benchlab_result res{};
  res.struct_size = sizeof res;
  REQUIRE(benchlab_cursor_next(cur, &res) == BENCHLAB_OK);
  CHECK(std::string(res.plugin_path) == (dir / "noop.so").string());
  CHECK(std::string(res.plugin_sha256) == sha);
  const std::string containment = res.containment;
  CHECK((containment == "cgroup" || containment == "subreaper"));
  benchlab_cursor_free(cur);

  char* text = nullptr;
  REQUIRE(benchlab_results_json(h.ctx(), r.run_id, &text) == BENCHLAB_OK);
  const boost::json::value doc = boost::json::parse(text);
  benchlab_free(text);
  const auto& result = doc.at("results").at(0);
  CHECK(result.at("plugin_file").as_string() == (dir / "noop.so").string());
  CHECK(result.at("plugin_sha256").as_string() == sha);
  CHECK(result.at("containment").as_string() == containment);
  const auto& trial = result.at("trials").at(0);
  CHECK(trial.at("containment").as_string() == containment);
  CHECK(trial.at("window").at("end_ns").to_number<double>() >=
        trial.at("window").at("begin_ns").to_number<double>());

  const fs::path log = tmp.path() / "results.log";
  REQUIRE(run_cli({"results", "-v", "--db", (tmp.path() / "r.db").string()}, log) == 0);
  const std::string out = read_file(log);
  CHECK_THAT(out, Catch::Contains("noop: noop ") && Catch::Contains((dir / "noop.so").string()) &&
                      Catch::Contains("sha256 " + sha) &&
                      Catch::Contains("held by " + containment));
}

TEST_CASE("resume refuses a plugin file that changed since the run started",
          "[pipeline][integration]") {
  TempDir tmp;
  fs::path dir = private_plugin_dir(tmp, test_plugin_dir() / "noop.so");
  const fs::path db_file = tmp.path() / "r.db";
  std::int64_t run_id = 0;
  {
    Harness h(db_file, {dir.string()});
    auto r = run(h, spec({"noop"}, {}, 2));
    REQUIRE(r.rc == BENCHLAB_OK);
    run_id = r.run_id;
  }
  reopen_as_interrupted(db_file, run_id);
  {  // The same file: the resume goes through.
    Harness h(db_file, {dir.string()});
    auto r = run(h, resume(run_id));
    CHECK(r.rc == BENCHLAB_OK);
  }
  reopen_as_interrupted(db_file, run_id);
  {  // Bytes appended: still a loadable plugin with the same id and version, other code.
    std::ofstream(dir / "noop.so", std::ios::app) << "rebuilt";
  }
  Harness h(db_file, {dir.string()});
  auto r = run(h, resume(run_id));
  CHECK(r.rc == BENCHLAB_E_INVALID);
  CHECK_THAT(r.message, Catch::Contains("cannot resume run " + std::to_string(run_id)) &&
                            Catch::Contains("is another file now") && Catch::Contains("noop.so"));
  Db db(db_file);
  CHECK(db.integer("SELECT COUNT(*) FROM trials") == 0);  // nothing ran with the new file
  CHECK(db.text("SELECT status FROM runs WHERE id = ?1", {std::to_string(run_id)}) ==
        "interrupted");
}

TEST_CASE("resume refuses when the plugin is gone", "[pipeline][integration]") {
  TempDir tmp;
  fs::path dir = private_plugin_dir(tmp, test_plugin_dir() / "noop.so");
  const fs::path db_file = tmp.path() / "r.db";
  std::int64_t run_id = 0;
  {
    Harness h(db_file, {dir.string()});
    auto r = run(h, spec({"noop"}, {}, 1));
    REQUIRE(r.rc == BENCHLAB_OK);
    run_id = r.run_id;
  }
  reopen_as_interrupted(db_file, run_id);
  fs::remove(dir / "noop.so");
  Harness h(db_file, {dir.string()});
  auto r = run(h, resume(run_id));
  CHECK(r.rc == BENCHLAB_E_INVALID);
  CHECK_THAT(r.message, Catch::Contains("not installed any more"));
}
