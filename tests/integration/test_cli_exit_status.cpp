// The benchlab command's exit status, which scripts and CI jobs branch on: 0 all ok,
// 1 some trials failed, 2 bad usage or target, 3 the store cannot be used.
#include <catch2/catch.hpp>

#include "harness_fixture.h"

using namespace it;
using Catch::Matchers::Contains;

namespace {

struct Cli {
  TempDir tmp;
  fs::path log = tmp.path() / "benchlab.log";

  int run(std::vector<std::string> args, const fs::path& db = {}) {
    std::vector<std::string> common = {
        "--db",          (db.empty() ? tmp.path() / "results.db" : db).string(),
        "--plugin-dir",  test_plugin_dir().string(),
        "--profile-dir", profile_dir().string()};
    args.insert(args.end(), common.begin(), common.end());
    return run_cli(args, log);
  }
  std::string output() const { return read_file(log); }
};

}  // namespace

TEST_CASE("benchlab run exits 0 when every trial succeeded", "[cli][integration]") {
  Cli cli;
  CHECK(cli.run({"run", "noop", "-n", "2"}) == 0);
  CHECK_THAT(cli.output(), Contains("Stored as run 1"));
}

TEST_CASE("benchlab run exits 1 when some trials failed", "[cli][integration]") {
  Cli cli;
  CHECK(cli.run({"run", "crash", "-n", "1"}) == 1);
  CHECK_THAT(cli.output(), Contains("SIGSEGV"));
}

TEST_CASE("benchlab run exits 2 for an unknown target, a bad option or nothing to run",
          "[cli][integration]") {
  Cli cli;
  CHECK(cli.run({"run", "no-such-test"}) == 2);
  CHECK_THAT(cli.output(), Contains("unknown target 'no-such-test'"));
  CHECK(cli.run({"run", "noop", "-o", "sleep_ms=abc"}) == 2);
  CHECK_THAT(cli.output(), Contains("not an integer"));
  CHECK(cli.run({"run"}) == 2);
  CHECK(cli.run({"run", "--resume", "99"}) == 2);
  CHECK_THAT(cli.output(), Contains("99"));
}

TEST_CASE("benchlab run exits 3 when the results store cannot be used", "[cli][integration]") {
  Cli cli;
  fs::create_directories(cli.tmp.path() / "dir.db");
  CHECK(cli.run({"run", "noop", "-n", "1"}, cli.tmp.path() / "dir.db") == 3);
  CHECK_THAT(cli.output(), Contains((cli.tmp.path() / "dir.db").string()));
}
