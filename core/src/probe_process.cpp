// SPDX-License-Identifier: MIT
#include "probe_process.h"

#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace benchlab {
namespace {

constexpr std::size_t kStderrTail = 16u << 10;

// The last `n` non-empty lines of a stderr tail, printable, at most 300 characters: a
// probe that wrote garbage to stdout must not garble the operator's message.
std::string last_lines(const std::string& text, int n) {
  std::vector<std::string> lines;
  std::string cur;
  for (char c : text) {
    if (c == '\n') {
      if (!cur.empty()) lines.push_back(std::move(cur));
      cur.clear();
    } else {
      const auto u = static_cast<unsigned char>(c);
      cur.push_back(u >= 0x20 && u != 0x7f ? c : '?');
    }
  }
  if (!cur.empty()) lines.push_back(std::move(cur));
  std::string out;
  const std::size_t from = lines.size() > std::size_t(n) ? lines.size() - std::size_t(n) : 0;
  for (std::size_t i = from; i < lines.size(); ++i) out += (out.empty() ? "" : " | ") + lines[i];
  if (out.size() > 300) out = "..." + out.substr(out.size() - 297);
  return out;
}

}  // namespace

ProbeProcess::ProbeProcess(const ProbeLaunch& l) {
  SpawnSpec spec;
  spec.argv = {l.worker,
               "--probe",
               l.probe_path,
               "--sysroot",
               l.sysroot.empty() ? "/" : l.sysroot,
               "--interval-ms",
               std::to_string(l.interval_ms)};
  if (l.hang_ms) {
    spec.argv.push_back("--hang-ms");
    spec.argv.push_back(std::to_string(l.hang_ms));
  }
  for (const auto& [k, v] : l.options) {
    spec.argv.push_back("--option");
    spec.argv.push_back(k + "=" + v);
  }
  if (l.once) spec.argv.push_back("--once");
  spec.new_process_group = true;  // the terminal's ^C goes to benchlab, which decides

  FramedChild child = spawn_framed(spec);
  pid_ = child.pid;
  commands_ = std::move(child.commands);
  frames_ = std::move(child.frames);
  errors_ = std::move(child.errors);
  pidfd_ = std::move(child.pidfd);
}

ProbeProcess::~ProbeProcess() {
  if (!exit_) kill_and_reap();
}

bool ProbeProcess::send(const protocol::Message& m) {
  const std::string frame = protocol::encode(m);
  std::lock_guard lock(send_mu_);
  return commands_ && send_command(commands_.get(), frame);
}

void ProbeProcess::read_frames() {
  char buf[65536];
  while (frames_open_) {
    const ssize_t n = read(frames_.get(), buf, sizeof buf);
    if (n > 0) {
      // After a protocol error the rest is drained and dropped: the pipe must not fill.
      if (protocol_error_.empty()) {
        decoder_.feed(std::string_view(buf, static_cast<std::size_t>(n)));
      }
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) frames_open_ = false;
    return;
  }
}

void ProbeProcess::read_stderr() {
  char buf[16384];
  while (errors_open_) {
    const ssize_t n = read(errors_.get(), buf, sizeof buf);
    if (n > 0) {
      stderr_.append(buf, static_cast<std::size_t>(n));
      if (stderr_.size() > 2 * kStderrTail) stderr_.erase(0, stderr_.size() - kStderrTail);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) errors_open_ = false;
    return;
  }
}

void ProbeProcess::reap(bool wait) {
  if (exit_) return;
  int status = 0;
  rusage ru{};
  pid_t w;
  while ((w = wait4(pid_, &status, wait ? 0 : WNOHANG, &ru)) < 0 && errno == EINTR) {
  }
  if (w != pid_) return;
  ExitInfo x;
  record_wait_status(x, status, ru);
  exit_ = x;
  // What it wrote before it ended is in the pipes now; a child of the probe may still
  // hold them open, so read what is there rather than wait for EOF.
  read_frames();
  read_stderr();
  // Whatever of its group is left (a probe's helper process) goes with it.
  ::kill(-pid_, SIGKILL);
}

ProbeProcess::Polled ProbeProcess::poll(int timeout_ms, int extra_fd) {
  Polled r;
  if (exit_) {
    r.ended = true;
    return r;
  }
  pollfd fds[4];
  nfds_t n = 0;
  int fi = -1, ei = -1, pi = -1, xi = -1;
  if (frames_open_) fds[fi = int(n++)] = {frames_.get(), POLLIN, 0};
  if (errors_open_) fds[ei = int(n++)] = {errors_.get(), POLLIN, 0};
  if (pidfd_) fds[pi = int(n++)] = {pidfd_.get(), POLLIN, 0};
  if (extra_fd >= 0) fds[xi = int(n++)] = {extra_fd, POLLIN, 0};
  if (!pidfd_) timeout_ms = timeout_ms < 0 ? 10 : std::min(timeout_ms, 10);  // reap by polling
  ::poll(fds, n, timeout_ms);
  if (fi >= 0 && fds[fi].revents) read_frames();
  if (ei >= 0 && fds[ei].revents) read_stderr();
  if (xi >= 0 && fds[xi].revents) r.extra = true;
  if (!pidfd_ || (pi >= 0 && fds[pi].revents) || (!frames_open_ && !errors_open_)) reap(false);
  r.ended = exit_.has_value();
  return r;
}

std::optional<protocol::Message> ProbeProcess::next() {
  if (!protocol_error_.empty()) return std::nullopt;
  auto m = decoder_.next();
  if (!m && !decoder_.error().empty()) protocol_error_ = decoder_.error();
  return m;
}

void ProbeProcess::kill() {
  if (exit_) return;
  ::kill(-pid_, SIGKILL);
  ::kill(pid_, SIGKILL);
}

void ProbeProcess::kill_and_reap() {
  kill();
  reap(true);
}

const char* stage_call(ProbeStage stage) {
  switch (stage) {
    case ProbeStage::loading:
      return "loading the plugin";
    case ProbeStage::opening:
      return "open()";
    case ProbeStage::sampling:
      return "sample()";
    case ProbeStage::closing:
      return "close()";
  }
  return "the probe";
}

std::string end_reason(ProbeStage stage, const ProbeProcess& p, const std::string& probe_error) {
  const char* call = stage_call(stage);
  std::string why;
  if (!probe_error.empty()) {
    why = probe_error;
  } else if (!p.protocol_error().empty()) {
    why = "protocol error from the sampler worker: " + p.protocol_error();
  } else if (!p.ended()) {
    why = fmt::format("{} did not end", call);
  } else if (p.exit().term_signal == SIGKILL) {
    why = fmt::format(
        "the sampler worker was killed by SIGKILL during {}, not by benchlab "
        "(out of memory?)",
        call);
  } else if (p.exit().term_signal != 0) {
    why = fmt::format("{} crashed: {}", call, signal_description(p.exit().term_signal));
  } else if (p.exit().exit_code != 0) {
    why = fmt::format("exited with status {} during {} (does the probe call exit()?)",
                      p.exit().exit_code, call);
  } else {
    why = fmt::format("the sampler worker ended during {} without being asked to", call);
  }
  return why;
}

std::string output_tail(const ProbeProcess& p) {
  const std::string tail = last_lines(p.stderr_tail(), 3);
  return tail.empty() ? tail : "; last output: " + tail;
}

}  // namespace benchlab
