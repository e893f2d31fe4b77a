// SPDX-License-Identifier: MIT
#include "worker_process.h"

#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "cgroup.h"

namespace benchlab {
namespace {

ExitInfo exit_info(int status, const rusage& ru) {
  ExitInfo x;
  record_wait_status(x, status, ru);
  return x;
}

}  // namespace

WorkerProcess::WorkerProcess(const PhaseRequest& req) {
  SpawnSpec spec;
  spec.argv = {req.worker,      "--plugin", req.plugin_path, "--scratch",
               req.scratch_dir, "--cache",  req.cache_dir};
  if (!req.data_dir.empty()) {
    spec.argv.push_back("--data");
    spec.argv.push_back(req.data_dir);
  }
  for (const auto& [k, v] : req.options) {
    spec.argv.push_back("--option");
    spec.argv.push_back(k + "=" + v);
  }
  if (req.use_cgroup) {
    if (std::string parent = cgroup::phase_parent(); !parent.empty()) {
      spec.argv.push_back("--cgroup");
      spec.argv.push_back(parent);
    }
  }
  if (req.memory_max_bytes) {
    spec.argv.push_back("--memory-max");
    spec.argv.push_back(std::to_string(req.memory_max_bytes));
  }
  spec.cwd = req.scratch_dir;
  spec.new_process_group = true;  // the terminal's ^C goes to benchlab, which decides

  FramedChild child = spawn_framed(spec);
  pid_ = child.pid;
  commands_ = std::move(child.commands);
  frames_ = std::move(child.frames);
  errors_ = std::move(child.errors);
  pidfd_ = std::move(child.pidfd);
}

WorkerProcess::~WorkerProcess() {
  if (reaped_) return;
  commands_.reset();  // EOF: the worker ends its phases and exits
  for (int i = 0; i < 200 && !reap(); ++i) {
    pollfd p{pidfd_.get(), POLLIN, 0};
    poll(&p, pidfd_.get() < 0 ? 0 : 1, 10);
  }
  if (!reaped_) kill_and_reap();
}

bool WorkerProcess::send(const protocol::Message& m) {
  if (!commands_) return false;
  return send_command(commands_.get(), protocol::encode(m));  // false: the worker is gone
}

std::optional<ExitInfo> WorkerProcess::reap() {
  if (reaped_) return std::nullopt;
  int status = 0;
  rusage ru{};
  const pid_t w = wait4(pid_, &status, WNOHANG, &ru);
  if (w != pid_) return std::nullopt;
  reaped_ = true;
  return exit_info(status, ru);
}

void WorkerProcess::kill_orphaned_phase() {
  if (phase.pid > 0) kill(-phase.pid, SIGKILL);
  if (!phase.cgroup.empty()) cgroup::kill_all(phase.cgroup);
}

ExitInfo WorkerProcess::kill_and_reap() {
  kill(-pid_, SIGKILL);
  kill(pid_, SIGKILL);
  kill_orphaned_phase();
  int status = 0;
  rusage ru{};
  while (!reaped_ && wait4(pid_, &status, 0, &ru) < 0 && errno == EINTR) {
  }
  reaped_ = true;
  return exit_info(status, ru);
}

}  // namespace benchlab
