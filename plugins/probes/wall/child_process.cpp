// SPDX-License-Identifier: MIT
#include "child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <thread>

extern char** environ;

namespace wall {

namespace {

using Clock = std::chrono::steady_clock;

// posix_spawn's attributes and file actions, destroyed on every path.
struct SpawnSetup {
  posix_spawnattr_t attr;
  posix_spawn_file_actions_t actions;
  SpawnSetup() {
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_init(&actions);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
};

}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& argv) {
  if (argv.empty()) throw std::system_error(EINVAL, std::generic_category(), "no program");
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0)
    throw std::system_error(errno, std::generic_category(), "pipe");
  SpawnSetup setup;
  posix_spawn_file_actions_addopen(&setup.actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&setup.actions, pipe_fds[1], 1);
  posix_spawn_file_actions_adddup2(&setup.actions, pipe_fds[1], 2);
  // A group of its own (kill(-pid) reaches a bridge's children), default signal actions
  // and an empty mask whatever the sampler process set for itself.
  sigset_t defaults, empty;
  sigemptyset(&defaults);
  for (int s : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2})
    sigaddset(&defaults, s);
  sigemptyset(&empty);
  posix_spawnattr_setsigdefault(&setup.attr, &defaults);
  posix_spawnattr_setsigmask(&setup.attr, &empty);
  posix_spawnattr_setpgroup(&setup.attr, 0);
  posix_spawnattr_setflags(&setup.attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const bool has_path = argv[0].find('/') != std::string::npos;
  const int rc =
      has_path ? posix_spawn(&pid_, args[0], &setup.actions, &setup.attr, args.data(), environ)
               : posix_spawnp(&pid_, args[0], &setup.actions, &setup.attr, args.data(), environ);
  close(pipe_fds[1]);
  if (rc != 0) {
    close(pipe_fds[0]);
    pid_ = -1;
    throw std::system_error(rc, std::generic_category(), "cannot run " + argv[0]);
  }
  output_ = pipe_fds[0];
  fcntl(output_, F_SETFL, fcntl(output_, F_GETFL) | O_NONBLOCK);
}

ChildProcess::~ChildProcess() {
  stop();
  close_output();
}

void ChildProcess::close_output() noexcept {
  if (output_ >= 0) close(output_);
  output_ = -1;
}

std::optional<int> ChildProcess::reap(bool block) noexcept {
  if (status_ || pid_ < 0) return status_;
  int status = 0;
  pid_t got;
  do got = waitpid(pid_, &status, block ? 0 : WNOHANG);
  while (got < 0 && errno == EINTR);
  if (got == pid_)
    status_ = status;
  else if (got < 0)
    status_ = 0;  // not ours to reap any more (ECHILD): nothing to wait for
  return status_;
}

int ChildProcess::stop(std::chrono::milliseconds grace) noexcept {
  if (pid_ < 0) return 0;
  if (reap(false)) return *status_;
  kill(-pid_, SIGTERM);
  const auto deadline = Clock::now() + grace;
  while (Clock::now() < deadline) {
    if (reap(false)) return *status_;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  kill(-pid_, SIGKILL);
  return wait();
}

int ChildProcess::wait() noexcept { return reap(true).value_or(0); }

std::optional<int> ChildProcess::wait_for(std::chrono::milliseconds limit) noexcept {
  const auto deadline = Clock::now() + limit;
  for (;;) {
    if (const auto status = reap(false)) return status;
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

ProgramRun run_program(const std::vector<std::string>& argv, std::chrono::milliseconds limit,
                       const std::atomic<bool>* stop) {
  ProgramRun run;
  ChildProcess child(argv);
  const auto deadline = Clock::now() + limit;
  char buffer[4096];
  for (;;) {
    if (stop != nullptr && stop->load()) {
      run.stopped = true;
      break;
    }
    if (Clock::now() >= deadline) {
      run.timed_out = true;
      break;
    }
    pollfd fd{child.output_fd(), POLLIN, 0};
    if (poll(&fd, 1, 50) < 0 && errno != EINTR) break;
    const ssize_t n = read(child.output_fd(), buffer, sizeof buffer);
    if (n > 0) {
      run.output.append(buffer, std::size_t(n));
      if (run.output.size() > (1u << 20)) run.output.erase(0, run.output.size() - (1u << 20));
    } else if (n == 0) {
      break;  // every writer closed the pipe: the program ended (or closed its output)
    } else if (errno != EAGAIN && errno != EINTR) {
      break;
    }
  }
  // After the end of its output a program normally exits at once; one that keeps running
  // is stopped like one out of time.
  std::optional<int> status;
  if (!run.timed_out && !run.stopped) status = child.wait_for(std::chrono::milliseconds(2000));
  run.status = status ? *status : child.stop(std::chrono::milliseconds(0));
  return run;
}

std::string describe_status(int status) {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

}  // namespace wall
