// SPDX-License-Identifier: MIT
// The dolfyn workload: its parser on a real Dolfyn run's output, the source fix
// pts/dolfyn applies, a real build of the stand-in tree (tests/fixtures/dolfyn) with make
// and gfortran, the per-trial copy of the demo, and the plugin end to end through the
// benchlab command. Without gfortran the end-to-end test checks the "cannot run" answer.
#include <sys/stat.h>

#include <benchlab_common/source_build.hpp>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "dolfyn_output.hpp"
#include "dolfyn_tree.hpp"
#include "subprocess.h"
#include "unit_support.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using Catch::Matchers::Contains;

const fs::path kFixtures = fs::path(FIXTURES_DIR) / "dolfyn";
const fs::path kStandin = kFixtures / "dolfyn-cfd_0.527-standin";

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  REQUIRE(in);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_file(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

using unit::TempDir;

// Runs programs for real, as host->spawn does in the plugin.
source_build::Finished run_for_real(const source_build::Command& command) {
  benchlab::SpawnSpec spec;
  spec.argv = command.argv;
  spec.env_add = command.env;
  spec.cwd = command.cwd.string();
  source_build::Finished done;
  try {
    const auto exit = benchlab::run_process(
        spec, [&](std::string_view d) { done.out += d; },
        [&](std::string_view d) { done.err += d; });
    done.exit_code = exit.exit_code;
    done.term_signal = exit.term_signal;
  } catch (const benchlab::SpawnError& e) {
    throw source_build::CannotRun(e.what());
  }
  return done;
}

using unit::benchlab_cli;
using unit::CliRun;
using unit::have;
using unit::only_result;
using unit::trial_value;

}  // namespace

// ---- parsing Dolfyn's output ----------------------------------------------------------------

TEST_CASE("dolfyn: the end of a real demo run gives its case and CPU time") {
  const auto report =
      dolfyn::parse_output(read_file(kFixtures / "captures" / "revyos-doit-tail.stdout.txt"));
  REQUIRE(report.cases.size() == 1);
  CHECK(report.cases[0].name == "wes2");
  CHECK(report.cases[0].cpu_s == Approx(8.36350024E-02));
  CHECK(report.cpu_s == Approx(8.36350024E-02));
}

TEST_CASE("dolfyn: several cases add up, each with its own elapsed time") {
  const std::string one = read_file(kFixtures / "captures" / "revyos-doit-tail.stdout.txt");
  std::string two = one;
  two.replace(two.find("8.36350024E-02"), 14, "1.25000000E+00");
  two.replace(two.find(" Done wes2"), 10, " Done cavity");
  const auto report = dolfyn::parse_output(one + two);
  REQUIRE(report.cases.size() == 2);
  CHECK(report.cases[1].name == "cavity");
  CHECK(report.cases[1].cpu_s == Approx(1.25));
  CHECK(report.cpu_s == Approx(1.25 + 8.36350024E-02));
}

TEST_CASE("dolfyn: errors, divergence and unfinished demos are failures, not times") {
  const std::string good = read_file(kFixtures / "captures" / "revyos-doit-tail.stdout.txt");
  CHECK_THROWS_WITH(dolfyn::parse_output(" *** Error: File wes2.din does not exist\n" + good),
                    Contains("\"*** Error: File wes2.din does not exist\"") && Contains("line 1"));
  CHECK_THROWS_WITH(dolfyn::parse_output(" *** DIVERGENCE ***   1.00000002E+20\n" + good),
                    Contains("DIVERGENCE"));
  CHECK_THROWS_WITH(dolfyn::parse_output(" Opening geometry file\n"),
                    Contains("no Dolfyn case finished"));
  CHECK_THROWS_WITH(dolfyn::parse_output(" Done wes2\n"),
                    Contains("without its \"Elapsed time:\""));
  CHECK_THROWS_WITH(dolfyn::parse_output(" Elapsed time:    NaN\n Done wes2\n"),
                    Contains("expected Elapsed time: <seconds>"));
}

TEST_CASE("dolfyn: stderr is searched for errors, stdout gives the times") {
  const std::string good = read_file(kFixtures / "captures" / "revyos-doit-tail.stdout.txt");
  const dolfyn::DemoReport quiet = dolfyn::parse_output(good, "");
  const dolfyn::DemoReport noted = dolfyn::parse_output(good, "Note: IEEE_UNDERFLOW_FLAG\n");
  CHECK(noted.cases.size() == quiet.cases.size());
  CHECK(noted.cpu_s == quiet.cpu_s);
  CHECK_THROWS_WITH(dolfyn::parse_output(good, "\n *** Error: File wes2.din does not exist\n"),
                    Contains("\"*** Error: File wes2.din does not exist\" (stderr line 2)"));
  // A time printed on stderr is not a time of the demo.
  CHECK_THROWS_WITH(dolfyn::parse_output("", " Elapsed time:    1.0\n Done wes2\n"),
                    Contains("no Dolfyn case finished"));
}

// ---- the tree: fix, build, run --------------------------------------------------------------

TEST_CASE("dolfyn: the pts/dolfyn source fix is applied once") {
  TempDir tmp("dolfyn-fix");
  fs::copy(kStandin, tmp.path, fs::copy_options::recursive);
  CHECK(dolfyn::apply_pts_fixes(tmp.path) == 1);
  const std::string fixed = read_file(tmp.path / "src" / "gmsh2dolfyn.f90");
  CHECK_THAT(fixed, Contains("     stop 'bug: error in dimensions of array v' "));
  CHECK(dolfyn::apply_pts_fixes(tmp.path) == 0);
  CHECK(read_file(tmp.path / "src" / "gmsh2dolfyn.f90") == fixed);
  CHECK(dolfyn::apply_pts_fixes(tmp.path / "src") == 0);  // no src/gmsh2dolfyn.f90 there
}

TEST_CASE("dolfyn: the tree is recognised by src/dolfyn.f90, src/Makefile and demo/doit.sh") {
  const auto& project = dolfyn::project();
  CHECK(project.why_not_root(kStandin).empty());
  CHECK(project.why_not_root(kStandin / "src") == "no src/dolfyn.f90, src/Makefile, demo/doit.sh");
  CHECK_THROWS_WITH(
      source_build::locate_source("", nullptr, project),
      "Dolfyn 0.527 source not given: download dolfyn-cfd_0.527.tgz (the tarball "
      "Phoronix's pts/dolfyn uses) and run with -o source=/path/to/dolfyn-cfd_0.527 (a "
      "directory with src/dolfyn.f90 and demo/doit.sh) or the .tgz");
  CHECK(dolfyn::make_argv("gfortran", {"F90FLAGS=-O3"}) ==
        std::vector<std::string>{"make", "F90=gfortran", "F90FLAGS=-O3"});
  CHECK(dolfyn::build_name("0123456789abcdef", "GNU Fortran 12.2.0", "gfortran", {}) !=
        dolfyn::build_name("0123456789abcdef", "GNU Fortran 13.1.0", "gfortran", {}));
  CHECK(dolfyn::build_name("0123456789abcdef", "GNU Fortran 12.2.0", "gfortran", {}) !=
        dolfyn::build_name("0123456789abcdef", "GNU Fortran 12.2.0", "gfortran", {"F90FLAGS=-O3"}));
}

TEST_CASE(
    "dolfyn: the stand-in builds with make and gfortran, and its demo runs from a fresh copy") {
  if (!have("gfortran") || !have("make")) {
    WARN("gfortran or make not installed (apt-get install gfortran make): build not tested");
    return;
  }
  TempDir tmp("dolfyn-build");
  // Unfixed, the tree does not build with this gfortran: the fix is what pts/dolfyn needs.
  fs::copy(kStandin, tmp.path / "unfixed", fs::copy_options::recursive);
  fs::create_directories(tmp.path / "unfixed" / "bin");
  const auto unfixed = run_for_real({{"make", "gmsh2dolfyn"}, tmp.path / "unfixed" / "src", {}});
  CHECK(unfixed.exit_code != 0);
  CHECK_THAT(unfixed.err, Contains("Blank required in STOP statement"));

  // From a tarball with one top directory, as dolfyn-cfd_0.527.tgz has.
  fs::create_directories(tmp.path / "pack");
  fs::copy(kStandin, tmp.path / "pack" / "dolfyn-cfd_0.527", fs::copy_options::recursive);
  const fs::path tarball = tmp.path / "dolfyn-cfd_0.527.tgz";
  REQUIRE(run_for_real({{"tar", "-czf", tarball.string(), "-C", (tmp.path / "pack").string(),
                         "dolfyn-cfd_0.527"},
                        tmp.path,
                        {}})
              .exit_code == 0);
  const fs::path build_dir = tmp.path / "build";
  fs::create_directories(build_dir);
  dolfyn::build(run_for_real, tarball, build_dir, "gfortran", {}, "GNU Fortran test");
  CHECK(fs::is_regular_file(dolfyn::tree_path(build_dir) / "bin" / "dolfyn"));
  CHECK(fs::is_regular_file(dolfyn::tree_path(build_dir) / "bin" / "gmsh2dolfyn"));
  CHECK_THAT(read_file(build_dir / "BUILD-INFO"), Contains("pts fixes applied: 1"));

  // A trial's copy: a scribble from the previous trial is gone, the script is runnable.
  const fs::path run_dir = tmp.path / "run";
  write_file(run_dir / "demo" / "leftover.res", "previous trial");
  const fs::path script = dolfyn::prepare_run(build_dir, run_dir);
  CHECK_FALSE(fs::exists(run_dir / "demo" / "leftover.res"));
  CHECK((fs::status(script).permissions() & fs::perms::owner_exec) != fs::perms::none);
  const auto done = run_for_real({{script.string()}, script.parent_path(), {}});
  INFO(done.out << done.err);
  REQUIRE(done.exit_code == 0);
  const auto report = dolfyn::parse_output(done.out);
  REQUIRE(report.cases.size() == 2);
  CHECK(report.cases[0].name == "cavity");
  CHECK(report.cases[1].name == "wes2");
  CHECK(report.cpu_s > 0);
}

TEST_CASE("dolfyn: objects left in a built source tree are not reused") {
  if (!have("gfortran") || !have("make")) {
    WARN("gfortran or make not installed: rebuild not tested");
    return;
  }
  TempDir tmp("dolfyn-stale");
  fs::copy(kStandin, tmp.path / "tree", fs::copy_options::recursive);
  // Newer than the sources, so make would link these instead of compiling.
  write_file(tmp.path / "tree" / "src" / "watches.o", "not an object file");
  write_file(tmp.path / "tree" / "src" / "watches.mod", "not a module file");
  write_file(tmp.path / "tree" / "bin" / "dolfyn", "#!/bin/sh\necho stale\n");
  fs::create_directories(tmp.path / "build");
  dolfyn::build(run_for_real, tmp.path / "tree", tmp.path / "build", "gfortran", {}, "test");
  const fs::path script = dolfyn::prepare_run(tmp.path / "build", tmp.path / "run");
  const auto done = run_for_real({{script.string()}, script.parent_path(), {}});
  CHECK(dolfyn::parse_output(done.out).cases.size() == 2);
}

TEST_CASE("dolfyn: a build that fails names make's error") {
  if (!have("gfortran") || !have("make")) {
    WARN("gfortran or make not installed: build failure not tested");
    return;
  }
  TempDir tmp("dolfyn-broken");
  fs::copy(kStandin, tmp.path / "src-tree", fs::copy_options::recursive);
  write_file(tmp.path / "src-tree" / "src" / "dolfyn.f90",
             "program dolfyn\n  x = = 1\nend program dolfyn\n");
  fs::create_directories(tmp.path / "build");
  CHECK_THROWS_WITH(
      dolfyn::build(run_for_real, tmp.path / "src-tree", tmp.path / "build", "gfortran", {},
                    "test"),
      Contains("make F90=gfortran") && Contains("dolfyn.f90") && Contains("option fc"));
}

// ---- end to end through the benchlab command ------------------------------------------------

TEST_CASE("dolfyn: benchlab run dolfyn times the demo, or says gfortran is missing") {
  TempDir home("dolfyn-cli");
  const CliRun run =
      benchlab_cli(home.path, {"run", "dolfyn", "-n", "2", "--db", (home.path / "r.db").string(),
                               "-o", "source=" + kStandin.string(), "--json"});
  const json::object result = only_result(run);
  if (!have("gfortran")) {
    CHECK(result.at("status").as_string() == "cannot_run");
    CHECK(result.at("reason").as_string() ==
          "gfortran not found on PATH (apt-get install gfortran)");
    return;
  }
  INFO(run.err);
  CHECK(run.exit_code == 0);
  CHECK(result.at("status").as_string() == "ok");
  const auto& metrics = result.at("metrics").as_array();
  REQUIRE(metrics.size() == 2);
  CHECK(metrics[0].at("name").as_string() == "seconds");
  CHECK(metrics[0].at("direction").as_string() == "lower");
  CHECK(metrics[1].at("name").as_string() == "cpu_seconds");
  for (std::size_t trial : {0u, 1u}) {
    CHECK(trial_value(result, trial, "seconds") > 0);
    CHECK(trial_value(result, trial, "cpu_seconds") > 0);
    // The whole script takes at least as long as the solver's CPU time in it (one thread).
    CHECK(trial_value(result, trial, "seconds") >= 0.9 * trial_value(result, trial, "cpu_seconds"));
  }
  CHECK_THAT(run.err, Contains("2 demo cases finished: cavity, wes2"));
}

TEST_CASE("dolfyn: without sources the result is 'cannot run' with what to download") {
  TempDir home("dolfyn-cli-nosource");
  const CliRun run = benchlab_cli(
      home.path, {"run", "dolfyn", "-n", "1", "--db", (home.path / "r.db").string(), "--json"});
  const json::object result = only_result(run);
  CHECK(result.at("status").as_string() == "cannot_run");
  const std::string reason(result.at("reason").as_string());
  if (have("gfortran") && have("make")) {
    CHECK_THAT(reason, Contains("Dolfyn 0.527 source not given: download dolfyn-cfd_0.527.tgz"));
  } else {
    CHECK_THAT(reason, Contains("not found on PATH (apt-get install"));
  }
}

TEST_CASE("dolfyn: a machine without gfortran gets 'cannot run' with what to install") {
  TempDir home("dolfyn-cli-nofortran");
  fs::create_directories(home.path / "empty-bin");
  const CliRun run =
      benchlab_cli(home.path,
                   {"run", "dolfyn", "-n", "1", "--db", (home.path / "r.db").string(), "-o",
                    "source=" + kStandin.string(), "--json"},
                   {"PATH=" + (home.path / "empty-bin").string()});
  const json::object result = only_result(run);
  CHECK(result.at("status").as_string() == "cannot_run");
  CHECK(result.at("reason").as_string() == "gfortran not found on PATH (apt-get install gfortran)");
}

TEST_CASE("dolfyn: a demo case that fails fails the trial with Dolfyn's error line") {
  if (!have("gfortran") || !have("make")) {
    WARN("gfortran or make not installed: failing demo not tested");
    return;
  }
  TempDir home("dolfyn-cli-broken");
  const fs::path tree = home.path / "dolfyn-cfd_0.527";
  fs::copy(kStandin, tree, fs::copy_options::recursive);
  fs::remove(tree / "demo" / "wes2.din");
  const CliRun run =
      benchlab_cli(home.path, {"run", "dolfyn", "-n", "1", "--db", (home.path / "r.db").string(),
                               "-o", "source=" + tree.string(), "--json"});
  const json::object result = only_result(run);
  CHECK(result.at("status").as_string() == "failed");
  CHECK_THAT(std::string(result.at("reason").as_string()),
             Contains("Dolfyn reported \"*** Error: File wes2.din does not exist\""));
}
