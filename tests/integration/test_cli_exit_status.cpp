// SPDX-License-Identifier: MIT
// The benchlab command's exit status, which scripts and CI jobs branch on: 0 all ok,
// 1 some trials failed, 2 bad usage or target, 3 the store cannot be used; and what it
// says to a person who typed a bad number, a bad run id or a bad --db.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <optional>

#include "harness_fixture.h"

using namespace it;
using Catch::Matchers::Contains;

namespace {

struct Cli {
  TempDir tmp;
  fs::path log = tmp.path() / "benchlab.log";
  fs::path db = tmp.path() / "results.db";

  // `benchlab ARGS` as given; the log holds this command's output only.
  int raw(const std::vector<std::string>& args) {
    fs::remove(log);
    return run_cli(args, log);
  }
  // A command that finds plugins and stores (run): with the test's directories and store.
  int run(std::vector<std::string> args, const fs::path& store = {}) {
    std::vector<std::string> common = {"--db",          (store.empty() ? db : store).string(),
                                       "--plugin-dir",  test_plugin_dir().string(),
                                       "--profile-dir", profile_dir().string()};
    args.insert(args.end(), common.begin(), common.end());
    return raw(args);
  }
  // `benchlab results ARGS` on the test's store.
  int results(std::vector<std::string> args) {
    args.insert(args.begin(), "results");
    args.insert(args.end(), {"--db", db.string()});
    return raw(args);
  }
  std::string output() const { return read_file(log); }
};

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

// Sets an environment variable for the life of the object (the CLI inherits it).
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* v = std::getenv(name)) old_ = v;
    setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_)
      setenv(name_, old_->c_str(), 1);
    else
      unsetenv(name_);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
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

TEST_CASE("resuming a run that does not exist says so once and stores nothing",
          "[cli][integration]") {
  Cli cli;
  REQUIRE(cli.run({"run", "noop", "-n", "1"}) == 0);
  CHECK(cli.run({"run", "--resume", "99999"}) == 2);
  const std::string out = cli.output();
  INFO(out);
  CHECK(count_of(out, "99999") == 1);
  CHECK_THAT(out, Contains("there is no run 99999"));
  CHECK_THAT(out, !Contains("Stored as run"));
}

TEST_CASE("numbers that are not finite or out of range are refused with a sentence",
          "[cli][integration]") {
  Cli cli;
  struct Case {
    std::vector<std::string> args;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{"-n", "0"}, "must be at least 1, not 0"},
      {{"-n", "-3"}, "must be at least 1, not -3"},
      {{"-n", "1.5"}, "'1.5' is not a whole number"},
      {{"-n", "99999999999"}, "must be at most 4294967295"},
      {{"--min-trials", "0"}, "must be at least 1"},
      {{"--max-trials", "0"}, "must be at least 1"},
      {{"--warmup", "-1"}, "must be at least 0, not -1"},
      {{"--resume", "0"}, "must be at least 1, not 0"},
      {{"--timeout", "nan"}, "'nan' is not a finite number"},
      {{"--timeout", "inf"}, "'inf' is not a finite number"},
      {{"--timeout", "1e999"}, "'1e999' is not a finite number"},
      {{"--timeout", "0"}, "must be a number of seconds above 0"},
      {{"--timeout", "ten"}, "'ten' is not a number"},
      {{"--target-ci", "nan"}, "'nan' is not a finite number"},
      {{"--target-ci", "-inf"}, "'-inf' is not a finite number"},
      {{"--target-ci", "0"}, "must be a fraction above 0 and below 1"},
      {{"--target-ci", "2"}, "must be a fraction above 0 and below 1"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"run", "noop"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    INFO(Catch::Detail::stringify(c.args));
    CHECK(cli.run(args) == 2);
    const std::string out = cli.output();
    INFO(out);
    CHECK_THAT(out, Contains(c.says));
    CHECK(out.size() < 400);  // a sentence, not a range of 300 digits
  }
  // Refused before anything was opened: no store, no run stored with NaN settings.
  CHECK_FALSE(fs::exists(cli.db));

  CHECK(cli.results({"0"}) == 2);
  CHECK_THAT(cli.output(), Contains("must be at least 1"));
}

TEST_CASE("a run's settings and results JSON stay JSON whatever numbers were typed",
          "[cli][integration]") {
  Cli cli;
  REQUIRE(cli.run({"run", "noop", "-n", "2", "--timeout", "1e3", "--warmup", "0", "-q"}) == 0);
  CHECK(cli.results({"--json"}) == 0);
  const std::string out = cli.output();
  INFO(out);
  CHECK_THAT(out, Contains("\"timeout_s\":1E3"));
  CHECK_THAT(out, Contains("\"warmup\":0"));
  CHECK_THAT(out, !Contains("NaN") && !Contains("Infinity"));
}

TEST_CASE("a --db that is empty, a device or in a missing directory is refused, creating nothing",
          "[cli][integration]") {
  Cli cli;
  CHECK(cli.raw({"run", "noop", "-n", "1", "--plugin-dir", test_plugin_dir().string(), "--db",
                 ""}) == 2);
  CHECK_THAT(cli.output(), Contains("empty"));
  CHECK(cli.raw({"results", "--db", ""}) == 2);
  CHECK_THAT(cli.output(), Contains("empty"));

  const fs::path typo = cli.tmp.path() / "reuslts" / "results.db";
  CHECK(cli.run({"run", "noop", "-n", "1"}, typo) == 3);
  CHECK_THAT(cli.output(), Contains("does not exist"));
  CHECK_FALSE(fs::exists(typo.parent_path()));

  CHECK(cli.raw({"results", "--db", typo.string()}) == 3);
  CHECK_THAT(cli.output(), Contains("there is no results store " + typo.string()));
  CHECK(cli.raw({"results", "--db", cli.db.string()}) == 3);  // not created by reading
  CHECK_FALSE(fs::exists(cli.db));
  CHECK_FALSE(fs::exists(typo.parent_path()));
}

TEST_CASE("list and inventory open no store", "[cli][integration]") {
  Cli cli;
  ScopedEnv data("XDG_DATA_HOME", (cli.tmp.path() / "data").string());
  CHECK(cli.raw({"list", "--plugin-dir", test_plugin_dir().string()}) == 0);
  CHECK_THAT(cli.output(), Contains("noop"));
  CHECK(cli.raw({"inventory", "--json"}) == 0);
  CHECK_FALSE(fs::exists(cli.tmp.path() / "data"));
  // Reading the default store when nothing was ever run: a clear error, no store made.
  CHECK(cli.raw({"results"}) == 3);
  CHECK_THAT(cli.output(), Contains("there is no results store"));
  CHECK_FALSE(fs::exists(cli.tmp.path() / "data"));
}

TEST_CASE("list -v shows each option and metric as declared, on one line each",
          "[cli][integration]") {
  Cli cli;
  CHECK(cli.raw({"list", "plugins", "-v", "--plugin-dir", ABI_TEST_PLUGIN_DIR}) == 0);
  const std::string out = cli.output();
  INFO(out);
  CHECK_THAT(out, Contains("declares         2.0.0    test plugin: one of every declaration"));
  CHECK_THAT(out, Contains("    option mode=fast (enum: fast slow exact) how hard to try\n"));
  CHECK_THAT(out, Contains("    option count=8 (int, 1..64) items per trial\n"));
  CHECK_THAT(out, Contains("    option scale=1.5 (float) any factor\n"));
  CHECK_THAT(out, Contains("    option input (string, required) file to read\n"));
  CHECK_THAT(out, Contains("    option arg (string, repeated) one argument; give several\n"));
  CHECK_THAT(out, Contains("    option verbose=false (bool)\n"));
  CHECK_THAT(out, Contains("    metric seconds [s] lower is better: time of one trial\n"));
  CHECK_THAT(out, Contains("    metric errors [count] lower is better, optional\n"));
}
