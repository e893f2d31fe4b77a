// SPDX-License-Identifier: MIT
// The lulesh workload: its parser on real LULESH output, the MPI rank rules, the shared
// source-build cache (locating, staging, hashing, building once), a real build of the
// stand-in tree (tests/fixtures/lulesh) with g++ and, when installed, mpicxx, and the
// plugin end to end through the benchlab command.
#include <benchlab_common/source_build.hpp>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "lulesh_output.hpp"
#include "lulesh_tree.hpp"
#include "mpi_ranks.hpp"
#include "subprocess.h"
#include "unit_support.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

const fs::path kFixtures = fs::path(FIXTURES_DIR) / "lulesh";
const fs::path kStandin = kFixtures / "LULESH-2.0.3-standin";

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

// Replaces the first line starting with `prefix` (after blanks) by `replacement`.
std::string replace_line(std::string text, const std::string& prefix,
                         const std::string& replacement) {
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    const std::size_t first = text.find_first_not_of(' ', start);
    if (first != std::string::npos && text.compare(first, prefix.size(), prefix) == 0) {
      text.replace(start, (end == std::string::npos ? text.size() : end) - start, replacement);
      return text;
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  FAIL("no line starting with " << prefix);
  return text;
}

using unit::benchlab_cli;
using unit::CliRun;
using unit::have;
using unit::only_result;
using unit::trial_value;

}  // namespace

// ---- parsing LULESH's output -------------------------------------------------------------

TEST_CASE("lulesh: a real LULESH report parses field by field") {
  const auto r = lulesh::parse_output(
      read_file(kFixtures / "captures" / "issue22-main-s5-i72-mpi8.stdout.txt"));
  CHECK(r.problem_size == 5);
  CHECK(r.mpi_tasks == 8);
  CHECK(r.iterations == 72);
  CHECK(r.final_origin_energy == Approx(6.232687e+04));
  CHECK(r.max_abs_diff == Approx(4.547474e-12));
  CHECK(r.total_abs_diff == Approx(1.360249e-11));
  CHECK(r.max_rel_diff == Approx(4.855244e-15));
  CHECK(r.elapsed_s == Approx(0.01));
  CHECK(r.grind_us_per_domain == Approx(1.1185698));
  CHECK(r.grind_us_overall == Approx(0.010067128));
  CHECK(r.fom_zones_per_s == Approx(7151.9901));
  CHECK_FALSE(r.threads.has_value());  // built without OpenMP: no "Num threads" line
}

TEST_CASE("lulesh: %g-formatted times and padded grind times of other builds parse too") {
  const auto r =
      lulesh::parse_output(read_file(kFixtures / "captures" / "caliper474-s30-mpi1.stdout.txt"));
  CHECK(r.problem_size == 30);
  CHECK(r.iterations == 932);
  CHECK(r.elapsed_s == Approx(210.0));            // printed as "2.1e+02"
  CHECK(r.grind_us_overall == Approx(212.4173));  // "(  212.4173 overall)"
  CHECK(r.fom_zones_per_s == Approx(118.46493));
}

TEST_CASE("lulesh: the negative FOM of LULESH 2.0.3's integer overflow is refused, not stored") {
  // The timing lines LULESH 2.0.3 printed on ~16000 ranks, in an otherwise complete report.
  std::string text = read_file(kFixtures / "captures" / "issue22-main-s5-i72-mpi8.stdout.txt");
  std::ifstream excerpt(kFixtures / "captures" / "issue12-2.0.3-overflow.excerpt.txt");
  std::string line;
  for (const char* prefix : {"Elapsed time", "Grind time", "FOM"}) {
    REQUIRE(std::getline(excerpt, line));
    text = replace_line(text, prefix, line);
  }
  CHECK_THROWS_WITH(lulesh::parse_output(text),
                    Contains("FOM = -6611426") && Contains("overflows a 32-bit integer"));
}

TEST_CASE("lulesh: a run that aborted is reported with LULESH's last lines") {
  // The start of a real aborted run (github.com/llnl/LULESH/issues/10).
  const std::string text =
      "Num threads: 24\nTotal number of elements: 32768000000\n\n"
      "cycle = 6, time = 1.169435e-10, dt=9.378386e-12\n"
      "cycle = 7, time = 1.258599e-10, dt=8.916427e-12\n"
      "ERROR: domain.q(1) = 1026443320729.883911\n";
  CHECK_THROWS_WITH(
      lulesh::parse_output(text),
      Contains("did not finish") && Contains("ERROR: domain.q(1) = 1026443320729.883911"));
  CHECK_THROWS_WITH(lulesh::parse_output(""), Contains("printed nothing"));
}

TEST_CASE("lulesh: a missing or garbled report line is named") {
  const std::string good =
      read_file(kFixtures / "captures" / "issue22-main-s5-i72-mpi8.stdout.txt");
  CHECK_THROWS_WITH(lulesh::parse_output(replace_line(good, "FOM", "")), Contains("\"FOM\""));
  CHECK_THROWS_WITH(lulesh::parse_output(replace_line(good, "FOM", "FOM = fast (z/s)")),
                    Contains("\"FOM = fast (z/s)\"") && Contains("FOM = <number> (z/s)"));
  CHECK_THROWS_WITH(lulesh::parse_output(
                        replace_line(good, "Grind time", "Grind time (us/z/c)  = 1.5 (per dom)")),
                    Contains("(<number> overall)"));
  CHECK_THROWS_WITH(lulesh::parse_output(replace_line(good, "Iteration count", "")),
                    Contains("\"Iteration count\""));
}

TEST_CASE("lulesh: the thread count of an OpenMP build is read from the banner") {
  const std::string text = "Num threads: 12\n" + read_file(kFixtures / "captures" /
                                                           "issue22-main-s5-i72-mpi8.stdout.txt");
  CHECK(lulesh::parse_output(text).threads == 12);
}

// ---- MPI ranks ------------------------------------------------------------------------------

TEST_CASE("lulesh: rank counts must be cubes; 'cube' picks pts/lulesh's count") {
  CHECK(lulesh::is_cube(1));
  CHECK(lulesh::is_cube(27));
  CHECK(lulesh::is_cube(64));
  CHECK_FALSE(lulesh::is_cube(0));
  CHECK_FALSE(lulesh::is_cube(9));
  CHECK(lulesh::largest_cube_at_most(26) == 8);
  CHECK(lulesh::largest_cube_at_most(27) == 27);
  // The study's machines: 20 (10+10), 16 and 20 physical cores all run 8 ranks.
  CHECK(lulesh::parse_ranks("cube", 20) == 8);
  CHECK(lulesh::parse_ranks("cube", 16) == 8);
  CHECK(lulesh::parse_ranks("cube", 2) == 1);
  CHECK(lulesh::parse_ranks("0", 16) == 0);
  CHECK(lulesh::parse_ranks("27", 16) == 27);
  CHECK_THROWS_WITH(lulesh::parse_ranks("12", 16), Contains("8 is the nearest below"));
  CHECK_THROWS_WITH(lulesh::parse_ranks("eight", 16), Contains("'cube'"));
  CHECK_THROWS_AS(lulesh::parse_ranks("", 16), lulesh::RanksError);
}

TEST_CASE("lulesh: physical cores count SMT siblings once and skip offline CPUs") {
  TempDir tmp("lulesh-cpus");
  // 4 logical CPUs on 2 cores (0,2 and 1,3), and an offline cpu4 without topology.
  for (auto [cpu, siblings] :
       std::vector<std::pair<int, const char*>>{{0, "0,2"}, {1, "1,3"}, {2, "0,2"}, {3, "1,3"}})
    write_file(tmp.path / ("cpu" + std::to_string(cpu)) / "topology" / "thread_siblings_list",
               std::string(siblings) + "\n");
  fs::create_directories(tmp.path / "cpu4");
  fs::create_directories(tmp.path / "cpufreq");  // not a CPU
  CHECK(lulesh::physical_cores(tmp.path) == 2);
  CHECK(lulesh::physical_cores(tmp.path / "absent") == 0);
}

// ---- the source-build cache -----------------------------------------------------------------

TEST_CASE("lulesh: without a usable source the operator is told what to provide") {
  const auto& project = lulesh::project();
  CHECK_THROWS_WITH(source_build::locate_source("", nullptr, project),
                    "LULESH 2.0.3 source not given: download LULESH 2.0.3 and run with "
                    "-o source=/path/to/LULESH-2.0.3 (a directory with lulesh.cc) or a .tar.gz");
  CHECK_THROWS_WITH(source_build::locate_source("LULESH-2.0.3", nullptr, project),
                    Contains("relative path 'LULESH-2.0.3'") && Contains("give an absolute path"));
  CHECK_THROWS_WITH(source_build::locate_source("/nonexistent/LULESH-2.0.3", nullptr, project),
                    Contains("/nonexistent/LULESH-2.0.3 does not exist") && Contains("-o source="));
  CHECK_THROWS_WITH(
      source_build::locate_source((kStandin / "lulesh.cc").string(), nullptr, project),
      Contains("neither a directory nor a tarball"));
  // A directory is checked at once, before anything is hashed or copied.
  const fs::path dolfyn = fs::path(FIXTURES_DIR) / "dolfyn" / "dolfyn-cfd_0.527-standin";
  CHECK_THROWS_WITH(source_build::locate_source(dolfyn.string(), nullptr, project),
                    Contains("is not a LULESH 2.0.3 source tree (no lulesh.cc"));
  // One level up from the tree is fine: a tarball unpacked where it lay.
  CHECK(source_build::locate_source(kFixtures.string(), nullptr, project) == kFixtures);

  // A relative path is taken from the profile's directory.
  const std::string fixtures = kFixtures.string();
  CHECK(source_build::locate_source("LULESH-2.0.3-standin", fixtures.c_str(), project) == kStandin);
  CHECK(source_build::locate_source("./LULESH-2.0.3-standin/", fixtures.c_str(), project) ==
        kStandin / "");
  CHECK(source_build::is_archive("lulesh2.0.3.tar.xz"));
  CHECK(source_build::is_archive("LULESH-2.0.3.tgz"));
  CHECK_FALSE(source_build::is_archive(".tar.gz"));
  CHECK_FALSE(source_build::is_archive("lulesh.cc"));
}

TEST_CASE("lulesh: the content hash follows the bytes and names, not the location") {
  TempDir tmp("lulesh-hash");
  fs::copy(kStandin, tmp.path / "a", fs::copy_options::recursive);
  fs::copy(kStandin, tmp.path / "b", fs::copy_options::recursive);
  const std::string original = source_build::content_hash(kStandin);
  CHECK(original.size() == 16);
  CHECK(source_build::content_hash(tmp.path / "a") == original);

  write_file(tmp.path / "a" / "lulesh.h", read_file(kStandin / "lulesh.h") + " ");
  CHECK(source_build::content_hash(tmp.path / "a") != original);
  fs::rename(tmp.path / "b" / "lulesh-viz.cc", tmp.path / "b" / "lulesh-vis.cc");
  CHECK(source_build::content_hash(tmp.path / "b") != original);
  CHECK(source_build::content_hash(kStandin / "lulesh.h") !=
        source_build::content_hash(kStandin / "lulesh.cc"));
}

TEST_CASE(
    "lulesh: sources are staged from a directory or a tarball, and the wrong tree is refused") {
  TempDir tmp("lulesh-stage");
  const auto& project = lulesh::project();
  source_build::stage_source(run_for_real, kStandin, tmp.path / "from-dir", project);
  CHECK(fs::is_regular_file(tmp.path / "from-dir" / "lulesh.cc"));
  CHECK_FALSE(fs::exists(tmp.path / "from-dir.unpacked"));

  // A tarball holding one top directory, as LLNL's and Phoronix's do.
  fs::create_directories(tmp.path / "pack");
  fs::copy(kStandin, tmp.path / "pack" / "lulesh2.0.3", fs::copy_options::recursive);
  const fs::path tarball = tmp.path / "lulesh2.0.3.tar.gz";
  REQUIRE(run_for_real(
              {{"tar", "-czf", tarball.string(), "-C", (tmp.path / "pack").string(), "lulesh2.0.3"},
               tmp.path,
               {}})
              .exit_code == 0);
  source_build::stage_source(run_for_real, tarball, tmp.path / "from-tar", project);
  CHECK(read_file(tmp.path / "from-tar" / "lulesh.cc") == read_file(kStandin / "lulesh.cc"));

  // Dolfyn's tree given to the LULESH plugin.
  const fs::path dolfyn = fs::path(FIXTURES_DIR) / "dolfyn" / "dolfyn-cfd_0.527-standin";
  CHECK_THROWS_WITH(
      source_build::stage_source(run_for_real, dolfyn, tmp.path / "wrong", project),
      StartsWith(dolfyn.string() + " is not a LULESH 2.0.3 source tree (no lulesh.cc, lulesh.h, "
                                   "lulesh-init.cc, lulesh-util.cc); download"));
  fs::create_directories(tmp.path / "other" / "project");
  write_file(tmp.path / "other" / "project" / "README", "not lulesh\n");
  const fs::path other = tmp.path / "other.tar.gz";
  REQUIRE(
      run_for_real({{"tar", "-czf", other.string(), "-C", (tmp.path / "other").string(), "project"},
                    tmp.path,
                    {}})
          .exit_code == 0);
  CHECK_THROWS_WITH(
      source_build::stage_source(run_for_real, other, tmp.path / "wrong2", project),
      Contains("does not hold a LULESH 2.0.3 source tree (its top directory project/ has no "
               "lulesh.cc"));
  write_file(tmp.path / "broken.tar.gz", "this is no tarball");
  CHECK_THROWS_WITH(source_build::stage_source(run_for_real, tmp.path / "broken.tar.gz",
                                               tmp.path / "wrong3", project),
                    Contains("could not unpack") && Contains("complete tarball"));
  // Two LULESH trees side by side: which one is meant is the operator's call.
  fs::create_directories(tmp.path / "two");
  fs::copy(kStandin, tmp.path / "two" / "a", fs::copy_options::recursive);
  fs::copy(kStandin, tmp.path / "two" / "b", fs::copy_options::recursive);
  CHECK_THROWS_WITH(
      source_build::stage_source(run_for_real, tmp.path / "two", tmp.path / "wrong4", project),
      Contains("several LULESH 2.0.3 source trees (a, b)"));
}

TEST_CASE("lulesh: a build is made once, and a failed build leaves nothing behind") {
  TempDir tmp("lulesh-cache");
  int builds = 0;
  auto build = [&](const fs::path& dir) {
    ++builds;
    write_file(dir / "product", "built " + std::to_string(builds));
  };
  bool built = false;
  const fs::path first = source_build::cached_build(tmp.path, "entry", build, &built);
  CHECK(built);
  CHECK(first == tmp.path / "entry");
  CHECK(read_file(first / "product") == "built 1");
  const fs::path second = source_build::cached_build(tmp.path, "entry", build, &built);
  CHECK_FALSE(built);
  CHECK(second == first);
  CHECK(builds == 1);

  CHECK_THROWS_WITH(source_build::cached_build(tmp.path, "broken",
                                               [](const fs::path& dir) {
                                                 write_file(dir / "half", "x");
                                                 throw source_build::BuildFailed("compile error");
                                               }),
                    "compile error");
  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(tmp.path))
    left.push_back(e.path().filename().string());
  CHECK(left == std::vector<std::string>{"entry"});  // no "broken", no temporary directory
}

// ---- building and running the stand-in for real ---------------------------------------------

TEST_CASE("lulesh: the stand-in builds with g++ -fopenmp and its output parses at the asked size") {
  TempDir tmp("lulesh-build");
  lulesh::BuildSettings settings;
  settings.flags = {"-O3", "-fopenmp"};
  const auto argv = lulesh::compile_argv(settings, kStandin);
  CHECK(argv == std::vector<std::string>{"g++", "-O3", "-fopenmp", "-DUSE_MPI=0", "-I.",
                                         "lulesh-comm.cc", "lulesh-init.cc", "lulesh-util.cc",
                                         "lulesh-viz.cc", "lulesh.cc", "-o", "lulesh2.0", "-lm"});
  lulesh::build(run_for_real, kStandin, tmp.path, settings, "g++ test");
  REQUIRE(fs::is_regular_file(lulesh::program_path(tmp.path)));
  CHECK_THAT(read_file(tmp.path / "BUILD-INFO"), Contains("command: g++ -O3 -fopenmp -DUSE_MPI=0"));

  const auto done = run_for_real({lulesh::run_argv(lulesh::program_path(tmp.path), 0, 24, 3),
                                  tmp.path,
                                  {"OMP_NUM_THREADS=2"}});
  REQUIRE(done.exit_code == 0);
  const auto report = lulesh::parse_output(done.out);
  CHECK(report.problem_size == 24);
  CHECK(report.iterations == 3);
  CHECK(report.mpi_tasks == 1);
  CHECK(report.threads == 2);
  CHECK(report.fom_zones_per_s > 0);
  // LULESH's FOM is 1000 / grind time (us per zone and cycle), whatever its label says.
  CHECK(report.fom_zones_per_s == Approx(1000.0 / report.grind_us_overall).epsilon(1e-6));
}

TEST_CASE("lulesh: a compile error fails the build with the compiler's own words") {
  TempDir tmp("lulesh-broken");
  fs::copy(kStandin, tmp.path / "src", fs::copy_options::recursive);
  write_file(tmp.path / "src" / "lulesh-init.cc",
             read_file(kStandin / "lulesh-init.cc") + "\nint broken = ;\n");
  lulesh::BuildSettings settings;
  CHECK_THROWS_WITH(
      lulesh::build(run_for_real, tmp.path / "src", tmp.path / "out", settings, "g++ test"),
      Contains("exit status 1") && Contains("lulesh-init.cc") && Contains("option cxxflags"));
}

TEST_CASE("lulesh: with MPI the stand-in builds with mpicxx and runs under mpirun") {
  if (!have("mpicxx") || !have("mpirun")) {
    WARN(
        "mpicxx or mpirun not installed (apt-get install openmpi-bin libopenmpi-dev): MPI build "
        "not tested");
    return;
  }
  TempDir tmp("lulesh-mpi");
  lulesh::BuildSettings settings;
  settings.mpi = true;
  settings.flags = {"-O2", "-fopenmp"};
  lulesh::build(run_for_real, kStandin, tmp.path, settings, "mpicxx test");
  const auto argv = lulesh::run_argv(lulesh::program_path(tmp.path), 1, 16, 2);
  CHECK(argv.front() == "mpirun");
  const auto done = run_for_real(
      {argv,
       tmp.path,
       {"OMP_NUM_THREADS=1", "OMPI_ALLOW_RUN_AS_ROOT=1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1"}});
  INFO(done.out << done.err);
  REQUIRE(done.exit_code == 0);
  const auto report = lulesh::parse_output(done.out);
  CHECK(report.mpi_tasks == 1);
  CHECK(report.problem_size == 16);
}

// ---- end to end through the benchlab command ------------------------------------------------

TEST_CASE(
    "lulesh: benchlab run lulesh builds the given sources once and reports zones per second") {
  TempDir home("lulesh-cli");
  const std::string source = "source=" + kStandin.string();
  const CliRun first =
      benchlab_cli(home.path, {"run", "lulesh", "-n", "2", "--db", (home.path / "r.db").string(),
                               "-o", source, "-o", "size=32", "--json"});
  INFO(first.err);
  CHECK(first.exit_code == 0);
  const json::object result = only_result(first);
  CHECK(result.at("status").as_string() == "ok");
  CHECK(result.at("plugin").as_string() == "lulesh");
  const auto& metrics = result.at("metrics").as_array();
  REQUIRE(metrics.size() == 3);
  CHECK(metrics[0].at("name").as_string() == "fom");
  CHECK(metrics[0].at("unit").as_string() == "z/s");
  CHECK(metrics[0].at("direction").as_string() == "higher");
  CHECK(metrics[0].at("stats").at("n").to_number<int>() == 2);
  CHECK(trial_value(result, 0, "fom") > 0);
  CHECK(trial_value(result, 1, "grind_time") > 0);
  CHECK_THAT(first.err, Contains("built LULESH in"));
  // The result names the compiler that built the binary, by its --version line.
  const auto& programs = result.at("programs").as_array();
  REQUIRE_FALSE(programs.empty());
  bool compiler = false;
  for (const auto& p : programs)
    if (p.at("name").as_string() == "g++") {
      compiler = true;
      CHECK_THAT(std::string(p.at("version").as_string()), Contains("g++"));
    }
  CHECK(compiler);

  // The second run finds the build in the cache.
  const CliRun second =
      benchlab_cli(home.path, {"run", "lulesh", "-n", "1", "--db", (home.path / "r.db").string(),
                               "-o", source, "-o", "size=32", "--json"});
  CHECK(only_result(second).at("status").as_string() == "ok");
  CHECK_THAT(second.err, Contains("using the LULESH built earlier"));
}

TEST_CASE("lulesh: without sources the result is 'cannot run' with what to download") {
  TempDir home("lulesh-cli-nosource");
  const CliRun run = benchlab_cli(
      home.path, {"run", "lulesh", "-n", "1", "--db", (home.path / "r.db").string(), "--json"});
  const json::object result = only_result(run);
  CHECK(result.at("status").as_string() == "cannot_run");
  CHECK(result.at("reason").as_string() ==
        "LULESH 2.0.3 source not given: download LULESH 2.0.3 and run with "
        "-o source=/path/to/LULESH-2.0.3 (a directory with lulesh.cc) or a .tar.gz");

  const fs::path dolfyn = fs::path(FIXTURES_DIR) / "dolfyn" / "dolfyn-cfd_0.527-standin";
  const CliRun wrong =
      benchlab_cli(home.path, {"run", "lulesh", "-n", "1", "--db", (home.path / "r.db").string(),
                               "-o", "source=" + dolfyn.string(), "--json"});
  const json::object refused = only_result(wrong);
  CHECK(refused.at("status").as_string() == "cannot_run");
  CHECK_THAT(std::string(refused.at("reason").as_string()),
             Contains("is not a LULESH 2.0.3 source tree"));
}

TEST_CASE("lulesh: a machine without g++ or without MPI gets 'cannot run' with what to install") {
  TempDir home("lulesh-cli-tools");
  const std::string db = (home.path / "r.db").string();
  const std::string source = "source=" + kStandin.string();
  fs::create_directories(home.path / "empty-bin");
  const CliRun bare =
      benchlab_cli(home.path, {"run", "lulesh", "-n", "1", "--db", db, "-o", source, "--json"},
                   {"PATH=" + (home.path / "empty-bin").string()});
  const json::object no_compiler = only_result(bare);
  CHECK(no_compiler.at("status").as_string() == "cannot_run");
  CHECK(no_compiler.at("reason").as_string() == "g++ not found on PATH (apt-get install g++)");

  // g++ present, mpirun not: only the MPI layout needs it.
  fs::create_directories(home.path / "gxx-bin");
  fs::create_symlink(benchlab::find_program("g++"), home.path / "gxx-bin" / "g++");
  const CliRun no_mpi = benchlab_cli(
      home.path,
      {"run", "lulesh", "-n", "1", "--db", db, "-o", source, "-o", "ranks=cube", "--json"},
      {"PATH=" + (home.path / "gxx-bin").string()});
  const json::object refused = only_result(no_mpi);
  CHECK(refused.at("status").as_string() == "cannot_run");
  CHECK(refused.at("reason").as_string() ==
        "cannot start mpirun: not found on PATH or not executable (apt-get install openmpi-bin "
        "libopenmpi-dev)");
}

TEST_CASE("lulesh: ranks=cube runs under MPI, or says what to install") {
  TempDir home("lulesh-cli-mpi");
  const CliRun run = benchlab_cli(
      home.path, {"run", "lulesh", "-n", "1", "--db", (home.path / "r.db").string(), "-o",
                  "source=" + kStandin.string(), "-o", "size=16", "-o", "ranks=cube", "--json"});
  const json::object result = only_result(run);
  if (have("mpicxx") && have("mpirun")) {
    CHECK(result.at("status").as_string() == "ok");
    CHECK(trial_value(result, 0, "fom") > 0);
  } else {
    CHECK(result.at("status").as_string() == "cannot_run");
    CHECK_THAT(std::string(result.at("reason").as_string()),
               Contains("apt-get install openmpi-bin libopenmpi-dev"));
  }
  const CliRun bad =
      benchlab_cli(home.path, {"run", "lulesh", "-n", "1", "--db", (home.path / "r.db").string(),
                               "-o", "source=" + kStandin.string(), "-o", "ranks=12", "--json"});
  const json::object refused = only_result(bad);
  CHECK(refused.at("status").as_string() == "failed");
  CHECK_THAT(std::string(refused.at("reason").as_string()),
             Contains("give a cube (8 is the nearest below)"));
}
