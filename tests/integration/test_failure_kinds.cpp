// SPDX-License-Identifier: MIT
// Every way a plugin can go wrong ends as a failed trial (or result) with a reason a
// person can act on, stored like any other, and the harness carries on with the next
// test: crashes, exit(), hangs, processes left behind, running out of memory, output
// where the frame channel is, and "cannot run".
#include <signal.h>

#include <catch2/catch.hpp>
#include <regex>

#include "harness_fixture.h"

using namespace it;
using Catch::Matchers::Contains;

namespace {

// Runs one plugin (or profile) alone and gathers what an operator would look at.
SingleRun run_one(const TempDir& tmp, const std::string& target, std::vector<std::string> options,
                  std::uint32_t trials = 1, double timeout_s = 0) {
  RunSpec spec;
  spec.targets = {target};
  spec.options = std::move(options);
  spec.trials = trials;
  spec.timeout_s = timeout_s;
  return run_single(tmp, spec);
}

// "forked child N in process group G" from a trial's log.
std::pair<pid_t, pid_t> forked_child(const std::string& log) {
  std::smatch m;
  static const std::regex re("forked child ([0-9]+) in process group ([0-9]+)");
  if (!std::regex_search(log, m, re)) return {0, 0};
  return {std::stoi(m[1]), std::stoi(m[2])};
}

}  // namespace

TEST_CASE("a segmentation fault in run() is a failed trial: crashed: SIGSEGV",
          "[failure][integration]") {
  TempDir tmp;
  auto s = run_one(tmp, "crash", {"how=segv"});
  CHECK(s.run.rc == BENCHLAB_E_TRIALS_FAILED);
  REQUIRE(s.trials.size() == 1);
  CHECK_FALSE(s.trials[0].ok);
  CHECK_THAT(s.trials[0].reason, Contains("run() crashed: SIGSEGV"));
  CHECK(s.trials[0].term_signal == SIGSEGV);
  REQUIRE(s.rows.size() == 1);
  CHECK(s.rows[0].status == BENCHLAB_STATUS_FAILED);
  CHECK_THAT(s.rows[0].reason, Contains("SIGSEGV"));
}

TEST_CASE("abort() in run() is a failed trial: SIGABRT", "[failure][integration]") {
  TempDir tmp;
  auto s = run_one(tmp, "crash", {"how=abort"});
  REQUIRE(s.trials.size() == 1);
  CHECK_THAT(s.trials[0].reason, Contains("run() crashed: SIGABRT"));
  CHECK(s.rows.at(0).status == BENCHLAB_STATUS_FAILED);
}

TEST_CASE("exit(3) in run() is a failed trial that says the plugin called exit()",
          "[failure][integration]") {
  TempDir tmp;
  auto s = run_one(tmp, "crash", {"how=exit"});
  REQUIRE(s.trials.size() == 1);
  CHECK_THAT(s.trials[0].reason, Contains("exit status 3"));
  CHECK_THAT(s.trials[0].reason, Contains("exit()"));
  CHECK(s.trials[0].exit_code == 3);
}

TEST_CASE("exit(0) in run() is a failed trial, not a success", "[failure][integration]") {
  TempDir tmp;
  auto s = run_one(tmp, "crash", {"how=exit0"});
  REQUIRE(s.trials.size() == 1);
  CHECK_FALSE(s.trials[0].ok);
  CHECK_THAT(s.trials[0].reason, Contains("exit status 0"));
  CHECK_THAT(s.trials[0].reason, Contains("exit()"));
}

TEST_CASE("a crash in setup() fails the result before any trial", "[failure][integration]") {
  TempDir tmp;
  auto s = run_one(tmp, "crash", {"phase=setup"}, 3);
  CHECK(s.trials.empty());
  REQUIRE(s.rows.size() == 1);
  CHECK(s.rows[0].status == BENCHLAB_STATUS_FAILED);
  CHECK_THAT(s.rows[0].reason, Contains("setup() crashed: SIGSEGV"));
}

TEST_CASE("a crash in parse() is a failed trial that names parse()", "[failure][integration]") {
  TempDir tmp;
  auto s = run_one(tmp, "crash", {"phase=parse"});
  REQUIRE(s.trials.size() == 1);
  CHECK_FALSE(s.trials[0].ok);
  CHECK_THAT(s.trials[0].reason, Contains("SIGSEGV"));
  // run() returned; the plugin author must look at parse().
  CHECK_THAT(s.trials[0].reason, Contains("parse()"));
}

TEST_CASE("a crash in teardown() keeps the measured trials and notes the failure",
          "[failure][integration]") {
  TempDir tmp;
  auto s = run_one(tmp, "crash", {"phase=teardown"}, 2);
  REQUIRE(s.trials.size() == 2);
  CHECK(s.trials[0].ok);
  CHECK(s.trials[1].ok);
  REQUIRE(s.rows.size() == 1);
  CHECK(s.rows[0].n == 2);
  CHECK(s.rows[0].mean == 1.0);
  CHECK_THAT(s.rows[0].reason, Contains("teardown failed: teardown() crashed: SIGSEGV"));
}

TEST_CASE("a result whose trials all fail is given up after two in a row",
          "[failure][integration]") {
  TempDir tmp;
  auto s = run_one(tmp, "crash", {"how=abort"}, 10);
  CHECK(s.trials.size() == 2);
  CHECK_THAT(s.rows.at(0).reason, Contains("gave up after 2 failed trials in a row"));
}

TEST_CASE("a hanging run() is killed at the timeout and the next test runs",
          "[failure][integration]") {
  TempDir tmp;
  Harness h(tmp.path() / "results.db");
  RunSpec spec;
  spec.targets = {"it-hang-then-noop"};
  auto r = run(h, spec);
  CHECK(r.rc == BENCHLAB_E_TRIALS_FAILED);
  CHECK(r.elapsed.count() < 20);  // the 1 s timeout, not the 600 s default
  auto rows = results(h, r.run_id);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].test == "it-hang");
  CHECK(rows[0].status == BENCHLAB_STATUS_FAILED);
  CHECK_THAT(rows[0].reason, Contains("timed out after 1 s"));
  CHECK(rows[1].test == "it-noop");
  CHECK(rows[1].status == BENCHLAB_STATUS_OK);
  CHECK(rows[1].n == 3);

  Db db(tmp.path() / "results.db");
  auto hang = stored_trials(db, r.run_id, 1);
  REQUIRE(hang.size() == 1);
  CHECK(hang[0].wall_ns >= 1'000'000'000LL);
  CHECK(db.text("SELECT status FROM runs WHERE id = ?1", {std::to_string(r.run_id)}) == "complete");
}

TEST_CASE("a run() that ignores cancellation is killed with SIGKILL after the grace period",
          "[failure][integration]") {
  TempDir tmp;
  auto s = run_one(tmp, "hang", {}, 1, 1.0);
  REQUIRE(s.trials.size() == 1);
  CHECK_THAT(s.trials[0].reason, Contains("run() timed out after 1 s"));
  CHECK(s.trials[0].term_signal == SIGKILL);
  CHECK(s.trials[0].wall_ns >= 1'000'000'000LL);  // SIGTERM at 1 s, SIGKILL after the grace
  CHECK(s.run.elapsed.count() < 20);
}

TEST_CASE("a run() that blocks SIGTERM is still killed", "[failure][integration]") {
  TempDir tmp;
  auto s = run_one(tmp, "hang", {"ignore_term=true"}, 1, 1.0);
  REQUIRE(s.trials.size() == 1);
  CHECK_THAT(s.trials[0].reason, Contains("timed out after 1 s"));
  CHECK(s.trials[0].term_signal == SIGKILL);
}

TEST_CASE("a child forked by a hanging run() does not outlive the trial",
          "[failure][integration]") {
  TempDir tmp;
  auto s = run_one(tmp, "hang", {"fork_child=true", "honour_cancel=true"}, 1, 1.0);
  REQUIRE(s.trials.size() == 1);
  CHECK_THAT(s.trials[0].reason, Contains("timed out after 1 s"));
  auto [child, group] = forked_child(s.trials[0].log);
  INFO("trial log: " << s.trials[0].log);
  REQUIRE(child > 0);
  CHECK(wait_until([group = group] { return live_group_members(group).empty(); },
                   std::chrono::milliseconds(1000)));
}

TEST_CASE("a child left behind by a successful run() is killed when the trial ends",
          "[failure][integration]") {
  TempDir tmp;
  auto s = run_one(tmp, "noop", {"fork_child=true"}, 1);
  REQUIRE(s.trials.size() == 1);
  CHECK(s.trials[0].ok);  // the lingering child holds the channel open; the trial still ends
  CHECK(s.run.elapsed.count() < 20);
  auto [child, group] = forked_child(s.trials[0].log);
  INFO("trial log: " << s.trials[0].log);
  REQUIRE(child > 0);
  CHECK(wait_until([group = group] { return live_group_members(group).empty(); },
                   std::chrono::milliseconds(1000)));
}

TEST_CASE("running out of memory is a failed trial with its peak memory recorded",
          "[failure][integration]") {
  TempDir tmp;
  auto s = run_one(tmp, "hungry", {"limit_mib=256"});
  REQUIRE(s.trials.size() == 1);
  CHECK_FALSE(s.trials[0].ok);
  CHECK_THAT(s.trials[0].reason, Contains("SIGABRT"));
  CHECK(s.trials[0].max_rss_bytes >= (100LL << 20));
  CHECK(s.trials[0].max_rss_bytes <= (300LL << 20));
}

TEST_CASE("a worker killed by SIGKILL, as by the OOM killer, says so", "[failure][integration]") {
  TempDir tmp;
  auto s = run_one(tmp, "hungry", {"kill_self=true"});
  REQUIRE(s.trials.size() == 1);
  CHECK_FALSE(s.trials[0].ok);
  CHECK_THAT(s.trials[0].reason, Contains("SIGKILL"));
  CHECK_THAT(s.trials[0].reason, Contains("out of memory"));
  CHECK(s.trials[0].max_rss_bytes >= (64LL << 20));
}

TEST_CASE("cannot run is a result with its reason, not a failure", "[failure][integration]") {
  TempDir tmp;
  Harness h(tmp.path() / "results.db");
  RunSpec spec;
  spec.targets = {"it-cannotrun-then-noop"};
  auto r = run(h, spec);
  CHECK(r.rc == BENCHLAB_OK);
  auto rows = results(h, r.run_id);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].status == BENCHLAB_STATUS_CANNOT_RUN);
  CHECK(rows[0].reason == "needs a unicorn");
  CHECK_FALSE(rows[0].has_metric);
  CHECK(rows[1].status == BENCHLAB_STATUS_OK);
  Db db(tmp.path() / "results.db");
  CHECK(stored_trials(db, r.run_id, 1).empty());
}

TEST_CASE("a crashing test does not stop the suite: the next test's trials are stored",
          "[failure][integration]") {
  TempDir tmp;
  Harness h(tmp.path() / "results.db");
  RunSpec spec;
  spec.targets = {"it-crash-then-noop"};
  auto r = run(h, spec);
  CHECK(r.rc == BENCHLAB_E_TRIALS_FAILED);
  auto rows = results(h, r.run_id);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].status == BENCHLAB_STATUS_FAILED);
  CHECK(rows[1].status == BENCHLAB_STATUS_OK);
  CHECK(rows[1].n == 3);
  CHECK(rows[1].mean == 1.0);
  Db db(tmp.path() / "results.db");
  auto noop = stored_trials(db, r.run_id, 2);
  REQUIRE(noop.size() == 3);
  for (const auto& t : noop) {
    CHECK(t.ok);
    CHECK(t.value == 1.0);
  }
}

TEST_CASE("100 MiB on a plugin's stdout neither corrupts the channel nor fills the store",
          "[failure][integration]") {
  TempDir tmp;
  auto s = run_one(tmp, "noisy", {"stdout_mib=100"});
  REQUIRE(s.trials.size() == 1);
  INFO(s.trials[0].reason);
  CHECK(s.trials[0].ok);
  CHECK(s.trials[0].value == 1.0);
  CHECK(s.trials[0].log.size() <= (128u << 10));
}

TEST_CASE("frame-like garbage written to fd 1 is harmless", "[failure][integration]") {
  TempDir tmp;
  auto s = run_one(tmp, "noisy", {"stdout_mib=0", "fd1_garbage=true"});
  REQUIRE(s.trials.size() == 1);
  INFO(s.trials[0].reason);
  CHECK(s.trials[0].ok);
  CHECK(s.trials[0].value == 1.0);
}

TEST_CASE("garbage on the frame channel itself is a failed trial: protocol error",
          "[failure][integration]") {
  TempDir tmp;
  auto s = run_one(tmp, "noisy", {"stdout_mib=0", "channel_garbage=true"});
  REQUIRE(s.trials.size() == 1);
  CHECK_FALSE(s.trials[0].ok);
  CHECK_THAT(s.trials[0].reason, Contains("protocol error"));
}

TEST_CASE("a very long log line from a plugin does not fail its trial", "[failure][integration]") {
  TempDir tmp;
  auto s = run_one(tmp, "noisy", {"stdout_mib=0", "long_log_kib=2048"});
  REQUIRE(s.trials.size() == 1);
  INFO(s.trials[0].reason);
  CHECK(s.trials[0].ok);
  CHECK(s.trials[0].value == 1.0);
}

TEST_CASE("a very long error message still reaches the operator", "[failure][integration]") {
  TempDir tmp;
  auto s = run_one(tmp, "noisy", {"stdout_mib=0", "long_error_kib=2048"});
  REQUIRE(s.trials.size() == 1);
  CHECK_FALSE(s.trials[0].ok);
  CHECK_THAT(s.trials[0].reason, Contains("noisy failed with a very long message"));
  CHECK_THAT(s.trials[0].reason, !Contains("protocol error"));
}
