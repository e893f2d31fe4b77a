// SPDX-License-Identifier: MIT
// Running programs by argv: captured output, merged streams, timeouts that take the whole
// process group, exit status and signals, and clear errors for what cannot start.
#include <signal.h>

#include <catch2/catch.hpp>

#include "subprocess.h"

using namespace benchlab;
using namespace std::chrono_literals;

namespace {

struct Captured {
  std::string out, err;
  ExitInfo x;
};

Captured run(SpawnSpec spec) {
  Captured c;
  c.x = run_process(
      spec, [&](std::string_view d) { c.out.append(d); },
      [&](std::string_view d) { c.err.append(d); });
  return c;
}

}  // namespace

TEST_CASE("stdout and stderr are captured apart, and merged on request") {
  SpawnSpec s;
  s.argv = {"sh", "-c", "echo out; echo err >&2; exit 3"};
  auto c = run(s);
  CHECK(c.out == "out\n");
  CHECK(c.err == "err\n");
  CHECK(c.x.exit_code == 3);
  CHECK(c.x.term_signal == 0);

  s.merge_stderr = true;
  c = run(s);
  CHECK(c.out == "out\nerr\n");
  CHECK(c.err.empty());
}

TEST_CASE("arguments reach the program literally, never through a shell") {
  SpawnSpec s;
  s.argv = {"echo", "$(touch /nonexistent/x)", ";", "rm", "-rf", "*"};
  auto c = run(s);
  CHECK(c.out == "$(touch /nonexistent/x) ; rm -rf *\n");
}

TEST_CASE("environment additions and the working directory apply") {
  SpawnSpec s;
  s.argv = {"sh", "-c", "echo \"$BENCHLAB_TEST_VAR\"; pwd"};
  s.env_add = {"BENCHLAB_TEST_VAR=forty two"};
  s.cwd = "/";
  auto c = run(s);
  CHECK(c.out == "forty two\n/\n");
}

TEST_CASE("a timeout kills the whole group, children included, and says so") {
  SpawnSpec s;
  // The child ignores SIGTERM, so only the SIGKILL after the grace period ends it.
  s.argv = {"sh", "-c", "trap '' TERM; sleep 30 & wait"};
  s.new_process_group = true;
  s.timeout = 200ms;
  s.kill_grace = 200ms;
  auto c = run(s);
  CHECK(c.x.timed_out);
  CHECK(c.x.term_signal == SIGKILL);
  CHECK(c.x.wall_ns < 5'000'000'000ull);
}

TEST_CASE("a signal that ends the program is reported with its name") {
  SpawnSpec s;
  s.argv = {"sh", "-c", "kill -SEGV $$"};
  auto c = run(s);
  CHECK(c.x.term_signal == SIGSEGV);
  CHECK(c.x.exit_code == -1);
  CHECK_THAT(signal_description(SIGSEGV), Catch::StartsWith("SIGSEGV"));
}

TEST_CASE("a program that cannot start is an error naming it") {
  SpawnSpec s;
  s.argv = {"benchlab-no-such-program"};
  CHECK_THROWS_WITH(run(s), Catch::Contains("benchlab-no-such-program: not found on PATH"));
  s.argv = {"/nonexistent/prog"};
  CHECK_THROWS_WITH(run(s), Catch::Contains("not an executable file"));
  s.argv = {"true"};
  s.cwd = "/nonexistent-dir";
  CHECK_THROWS_WITH(run(s), Catch::Contains("does not exist"));
}

TEST_CASE("an exit with a grandchild still holding the pipe does not hang") {
  SpawnSpec s;
  s.argv = {"sh", "-c", "sleep 30 & echo started"};
  s.new_process_group = true;
  auto t0 = monotonic_ns();
  auto c = run(s);
  CHECK(c.out == "started\n");
  CHECK(c.x.exit_code == 0);
  CHECK(monotonic_ns() - t0 < 5'000'000'000ull);
}

TEST_CASE("resource use comes back from wait4") {
  SpawnSpec s;
  s.argv = {"sh", "-c", "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done"};
  auto c = run(s);
  CHECK(c.x.exit_code == 0);
  CHECK(c.x.user_ns + c.x.sys_ns > 0);
  CHECK(c.x.max_rss_bytes > 0);
}

TEST_CASE("a program starts with default signal actions whatever this process ignores") {
  // benchlab-worker ignores SIGPIPE; a program it runs must die of it like anywhere else.
  struct sigaction ignore {
  }, old{};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &old);
  SpawnSpec s;
  s.argv = {"sh", "-c", "kill -PIPE $$; sleep 5"};
  auto c = run(s);
  sigaction(SIGPIPE, &old, nullptr);
  CHECK(c.x.term_signal == SIGPIPE);
}

TEST_CASE("an environment addition replaces a variable already set") {
  setenv("BENCHLAB_TEST_TWICE", "old", 1);
  SpawnSpec s;
  s.argv = {"sh", "-c", "env | grep '^BENCHLAB_TEST_TWICE='"};
  s.env_add = {"BENCHLAB_TEST_TWICE=new"};
  auto c = run(s);
  unsetenv("BENCHLAB_TEST_TWICE");
  CHECK(c.out == "BENCHLAB_TEST_TWICE=new\n");
}

TEST_CASE("stdin comes from the file named, else from /dev/null") {
  SpawnSpec s;
  s.argv = {"cat"};
  CHECK(run(s).out.empty());
  s.stdin_path = "/proc/self/comm";  // cat's own name, read through the file benchlab opened
  CHECK(run(s).out == "cat\n");
}
