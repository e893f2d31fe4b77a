#include "phase_reaper.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

namespace benchlab::worker {
namespace {

volatile sig_atomic_t g_stopping = 0;  // SIGTERM or SIGINT: the phase is being stopped
extern "C" void on_stop(int) { g_stopping = 1; }

// Appends the pids listed in a /proc/.../children file; false when it cannot be read.
bool read_pids(const std::string& path, std::vector<pid_t>& out) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (!f) return false;
  long pid = 0;
  while (std::fscanf(f, "%ld", &pid) == 1) out.push_back(static_cast<pid_t>(pid));
  std::fclose(f);
  return true;
}

// The parent pid in /proc/PID/stat ("pid (comm) state ppid ..."; comm may hold anything).
pid_t parent_of(const char* pid) {
  char buf[512];
  const int fd = open((std::string("/proc/") + pid + "/stat").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  const ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return -1;
  buf[n] = '\0';
  const char* close_paren = std::strrchr(buf, ')');
  char state = 0;
  long ppid = -1;
  if (!close_paren || std::sscanf(close_paren + 1, " %c %ld", &state, &ppid) != 2) return -1;
  return static_cast<pid_t>(ppid);
}

// This process's children. The reaper has one thread, whose children file lists them all;
// without that file (CONFIG_PROC_CHILDREN off) every process in /proc is asked its parent.
std::vector<pid_t> children() {
  std::vector<pid_t> out;
  const pid_t self = getpid();
  if (read_pids("/proc/self/task/" + std::to_string(self) + "/children", out)) return out;
  if (DIR* dir = opendir("/proc")) {
    while (const dirent* e = readdir(dir))
      if (e->d_name[0] >= '0' && e->d_name[0] <= '9' && parent_of(e->d_name) == self)
        out.push_back(static_cast<pid_t>(std::atol(e->d_name)));
    closedir(dir);
  }
  return out;
}

// SIGKILLs the children outside this process's group (or every child), so the ones that
// left the group get what the core's kill of the group gives the others.
void kill_children(bool outside_group_only) {
  const pid_t group = getpgrp();
  for (pid_t pid : children())
    if (!outside_group_only || getpgid(pid) != group) kill(pid, SIGKILL);
}

int pidfd_open(pid_t pid) { return static_cast<int>(syscall(SYS_pidfd_open, pid, 0)); }

void sleep_ms(long ms) {
  timespec t{0, ms * 1'000'000L};
  nanosleep(&t, nullptr);
}

// Kills and reaps every descendant: each round SIGKILLs this process's children and reaps
// them, and their own children, re-parented here by the subreaper flag, are the next
// round's. Gives up after 10 s of finding children it cannot kill (a process stuck in the
// kernel), with a warning: the core's kill of the group still follows.
void end_descendants() {
  for (int idle_rounds = 0; idle_rounds < 10'000;) {
    kill_children(false);
    int status = 0;
    const pid_t w = waitpid(-1, &status, WNOHANG);
    if (w < 0 && errno == ECHILD) return;
    if (w > 0) {
      idle_rounds = 0;
      continue;
    }
    sleep_ms(1);
    ++idle_rounds;
  }
  std::fprintf(stderr, "benchlab-worker: processes the plugin left would not die\n");
}

// Dies as the phase's process died: the same exit code, or the same signal (without a
// core file: the plugin's process already wrote one if the limits asked for it).
[[noreturn]] void exit_like(int status) {
  if (WIFEXITED(status)) _exit(WEXITSTATUS(status));
  const int sig = WIFSIGNALED(status) ? WTERMSIG(status) : SIGKILL;
  const rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  signal(sig, SIG_DFL);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  sigprocmask(SIG_UNBLOCK, &set, nullptr);
  kill(getpid(), sig);
  _exit(128 + sig);  // not reached for a signal whose default action ends the process
}

}  // namespace

void become_phase_reaper() {
  // Watch benchlab from here on, before the fork: PDEATHSIG, which the core set, goes.
  const bool started_by_benchlab = getpgrp() == getpid();
  const pid_t parent = getppid();
  const int parent_fd = started_by_benchlab ? pidfd_open(parent) : -1;
  if (started_by_benchlab) {
    // PDEATHSIG fires when the core's *thread* that started us ends, not its process; a
    // pidfd of the process is exact.
    prctl(PR_SET_PDEATHSIG, 0);
    if (getppid() != parent) kill(0, SIGKILL);  // benchlab died before the pidfd was taken
  }
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  const pid_t reaper = getpid();
  const pid_t phase = fork();
  if (phase < 0) {
    std::fprintf(stderr,
                 "benchlab-worker: warning: cannot fork the phase (%s); processes that "
                 "leave the process group will outlive it\n",
                 std::strerror(errno));
    prctl(PR_SET_CHILD_SUBREAPER, 0);
    if (parent_fd >= 0) close(parent_fd);
    if (started_by_benchlab) prctl(PR_SET_PDEATHSIG, SIGKILL);  // the next best watch
    return;
  }
  if (phase == 0) {
    prctl(PR_SET_CHILD_SUBREAPER, 0);  // its orphans go to the reaper
    // Whatever kills the reaper (it has one thread, so PDEATHSIG is exact here) kills the
    // phase too, which then cannot run on unwatched.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != reaper) _exit(127);
    if (parent_fd >= 0) close(parent_fd);
    return;
  }

  // The reaper. The frame channel is the phase's alone.
  if (const int null = open("/dev/null", O_WRONLY | O_CLOEXEC); null >= 0) {
    dup2(null, STDOUT_FILENO);
    close(null);
  }
  struct sigaction sa{};
  sa.sa_handler = on_stop;  // no SA_RESTART: poll returns EINTR
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);

  // One thread, which sleeps in poll() on the phase's pidfd and benchlab's (a second
  // thread would cost a wake-up on another CPU when the process exits: about 2 ms per
  // trial on the 2-CPU development VM). Without pidfds, it polls every 10 ms.
  const int phase_fd = pidfd_open(phase);
  const bool blind = phase_fd < 0 || (started_by_benchlab && parent_fd < 0);
  int status = 0;
  bool phase_ended = false, parent_gone = false;
  while (!phase_ended) {
    pollfd fds[2] = {{phase_fd, POLLIN, 0}, {parent_fd, POLLIN, 0}};
    // Also wakes now and then to reap re-parented orphans, and often while the phase is
    // being stopped or without pidfds to watch.
    poll(fds, 2, blind || g_stopping ? 10 : 1000);
    int w_status = 0;
    for (pid_t w; (w = waitpid(-1, &w_status, WNOHANG)) > 0;) {
      if (w == phase) {
        status = w_status;
        phase_ended = true;
        break;
      }
    }
    // The core's SIGTERM reaches the group; processes outside it are stopped here.
    if (g_stopping) kill_children(true);
    if (started_by_benchlab && !parent_gone && (fds[1].revents != 0 || getppid() != parent)) {
      parent_gone = true;  // benchlab died: end the phase, and the clean-up below follows
      kill(phase, SIGKILL);
    }
  }
  end_descendants();
  exit_like(status);
}

}  // namespace benchlab::worker
