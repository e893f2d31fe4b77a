// SPDX-License-Identifier: MIT
#include "phase_runner.h"

#include <benchlab/ext/values.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>

#include "mark_name.h"
#include "program_rules.h"
#include "requirement_rules.h"
#include "worker_process.h"

namespace benchlab {
namespace {

constexpr std::size_t kLogTail = 64u << 10;
constexpr std::size_t kStreamCap = 1u << 20;  // raw output and error output kept per phase
// How long past a phase's timeout and grace the core waits for the worker's phase_end
// before it takes the worker for hung and kills it with its phase.
constexpr std::uint64_t kWorkerSlackNs = 10'000'000'000ull;

const char* phase_call(int32_t phase) {
  switch (phase) {
    case BL_PHASE_SETUP:
      return "setup()";
    case BL_PHASE_TEARDOWN:
      return "teardown()";
    default:
      return "run()";
  }
}

// Keeps the last `cap` bytes: the end of a log is where the reason is.
void append_tail(std::string& s, std::string_view d, std::size_t cap) {
  s.append(d);
  if (s.size() > cap * 2) s.erase(0, s.size() - cap);
}

void append_capped(std::string& s, std::string_view d, std::size_t cap) {
  if (s.size() < cap) s.append(d.substr(0, cap - s.size()));
}

std::string last_lines(const std::string& text, int n) {
  std::size_t end = text.find_last_not_of("\n ");
  if (end == std::string::npos) return {};
  std::size_t pos = end + 1;
  for (int i = 0; i < n && pos > 0; ++i) {
    std::size_t nl = text.rfind('\n', pos - 1);
    if (nl == std::string::npos) {
      pos = 0;
      break;
    }
    pos = nl;
    if (i == n - 1) ++pos;
  }
  std::string tail = text.substr(pos, end + 1 - pos);
  while (!tail.empty() && tail.front() == '\n') tail.erase(0, 1);
  return tail;
}

std::string mib(std::uint64_t b) {
  return fmt::format("{:.1f} MiB", double(b) / (1024.0 * 1024.0));
}

std::string how_it_ended(const ExitInfo& x) {
  if (x.term_signal) return signal_description(x.term_signal);
  return fmt::format("exit status {}", x.exit_code);
}

// Reads what `fd` holds into `sink`; false at EOF.
template <class Sink>
bool drain(int fd, Sink&& sink) {
  char buf[65536];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
      sink(std::string_view(buf, static_cast<std::size_t>(n)));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return n < 0;  // EAGAIN: open, nothing more now
  }
}

}  // namespace

ResultWorker::ResultWorker(PhaseRequest req, FrameObserver observe, const std::atomic<bool>* cancel)
    : req_(std::move(req)), observe_(std::move(observe)), cancel_(cancel) {}

ResultWorker::~ResultWorker() = default;

PhaseOutcome ResultWorker::setup() { return phase(BL_PHASE_SETUP, 0); }
PhaseOutcome ResultWorker::trial(std::uint32_t index) { return phase(BL_PHASE_RUN, index); }
PhaseOutcome ResultWorker::teardown() { return phase(BL_PHASE_TEARDOWN, 0); }

PhaseOutcome ResultWorker::phase(int32_t which, std::uint32_t trial) {
  PhaseOutcome out;
  const std::uint64_t t0 = monotonic_ns();
  const protocol::RunPhase command{which, trial, static_cast<std::uint64_t>(req_.timeout.count()),
                                   static_cast<std::uint64_t>(req_.kill_grace.count())};
  // A worker that died since the last phase (killed from outside) is replaced; a fresh one
  // that dies at once is this phase's failure, found below.
  for (bool fresh = false; !fresh;) {
    fresh = !worker_;
    if (fresh) {
      try {
        worker_ = std::make_unique<WorkerProcess>(req_);
      } catch (const SpawnError& e) {
        out.reason = std::string("cannot start the worker: ") + e.what();
        return out;
      }
    }
    if (worker_->send(command)) break;
    if (!fresh) worker_.reset();
  }
  WorkerProcess& w = *worker_;

  std::string stderr_tail, protocol_error;
  bool ended = false, have_done = false, stop_sent = false;
  protocol::Done done{};
  protocol::PhaseEnd end;
  std::size_t value_count = 0;  // values frames' values so far
  std::optional<ExitInfo> worker_exit;
  const std::uint64_t limit = static_cast<std::uint64_t>((req_.timeout + req_.kill_grace).count());
  std::uint64_t give_up = req_.timeout.count() > 0 ? t0 + limit + kWorkerSlackNs : 0;

  auto on_frame = [&](protocol::Message&& m) {
    if (observe_) observe_(m);
    std::visit(
        [&](auto&& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, protocol::Hello>) {
            w.hello = x;
          } else if constexpr (std::is_same_v<T, protocol::PhaseProcess>) {
            w.phase = x;
          } else if constexpr (std::is_same_v<T, protocol::Log>) {
            append_tail(out.log, x.text + "\n", kLogTail);
          } else if constexpr (std::is_same_v<T, protocol::DeclareMetric>) {
            out.declared.push_back(x);
          } else if constexpr (std::is_same_v<T, protocol::Metric>) {
            for (auto& [name, value] : out.metrics)
              if (name == x.name) {
                value = x.value;
                return;
              }
            out.metrics.emplace_back(x.name, x.value);
          } else if constexpr (std::is_same_v<T, protocol::Output>) {
            append_capped(out.output, x.bytes, kStreamCap);
          } else if constexpr (std::is_same_v<T, protocol::ErrorOutput>) {
            append_capped(out.error_output, x.bytes, kStreamCap);
          } else if constexpr (std::is_same_v<T, protocol::Window>) {
            out.window = {x.begin_ns, x.end_ns};
          } else if constexpr (std::is_same_v<T, protocol::Mark>) {
            // The worker checked the name and the count; a frame that breaks either did
            // not come from it.
            if (!valid_mark_name(x.name) || out.marks.size() >= kMaxMarks)
              protocol_error = "a mark frame the worker would not have sent";
            else
              out.marks.push_back({std::move(x.name), x.t_ns});
          } else if constexpr (std::is_same_v<T, protocol::Values>) {
            // The worker checked the metric, the values and the total; the core checks
            // what it must not trust: the total (memory) and finiteness (the store).
            value_count += x.values.size();
            bool finite = true;
            for (double v : x.values) finite = finite && std::isfinite(v);
            if (value_count > BL_VALUES_MAX_PER_TRIAL || !finite || x.name.empty()) {
              protocol_error = "a values frame the worker would not have sent";
              return;
            }
            auto it = std::find_if(out.values.begin(), out.values.end(),
                                   [&](const auto& e) { return e.first == x.name; });
            if (it == out.values.end())
              out.values.emplace_back(std::move(x.name), std::move(x.values));
            else
              it->second.insert(it->second.end(), x.values.begin(), x.values.end());
          } else if constexpr (std::is_same_v<T, protocol::Requirement>) {
            if (out.requirements.size() >= kMaxRequirements ||
                !invalid_requirement(x.kind, x.name, x.amount).empty())
              protocol_error = "a requirement frame the worker would not have sent";
            else
              out.requirements.push_back(std::move(x));
          } else if constexpr (std::is_same_v<T, protocol::Program>) {
            if (out.programs.size() >= BL_PROGRAMS_MAX_PER_PHASE ||
                !invalid_program(x.name, x.version, x.path).empty())
              protocol_error = "a program frame the worker would not have sent";
            else
              out.programs.push_back(std::move(x));
          } else if constexpr (std::is_same_v<T, protocol::Done>) {
            if (!have_done) {
              done = x;
              have_done = true;
            }
          } else if constexpr (std::is_same_v<T, protocol::PhaseEnd>) {
            end = x;
            ended = true;
          } else if constexpr (std::is_same_v<T, protocol::RunPhase> ||
                               std::is_same_v<T, protocol::Stop> ||
                               std::is_same_v<T, protocol::SampleNow>) {
            protocol_error = "a command frame on the report channel";
          } else if constexpr (std::is_same_v<T, protocol::ProbeOpen> ||
                               std::is_same_v<T, protocol::Samples> ||
                               std::is_same_v<T, protocol::ProbeError>) {
            protocol_error = "a probe's frame on a workload's channel";
          }
        },
        std::move(m));
  };
  auto on_frames = [&](std::string_view d) {
    if (!protocol_error.empty()) return;
    w.decoder.feed(d);
    while (!ended && protocol_error.empty())
      if (auto m = w.decoder.next())
        on_frame(std::move(*m));
      else
        break;
    if (protocol_error.empty() && !w.decoder.error().empty()) protocol_error = w.decoder.error();
  };
  auto on_stderr = [&](std::string_view d) { append_tail(stderr_tail, d, kLogTail); };
  bool frames_open = true, errors_open = true;
  auto read_all = [&] {
    if (frames_open) frames_open = drain(w.frames(), on_frames);
    if (errors_open) errors_open = drain(w.errors(), on_stderr);
  };

  on_frames({});  // what came after the last phase_end: this phase's process, perhaps
  bool unresponsive = false;
  while (!ended && protocol_error.empty()) {
    std::uint64_t now = monotonic_ns();
    if (cancel_ && cancel_->load() && !stop_sent) {
      stop_sent = true;
      w.send(protocol::Stop{});
      const std::uint64_t by =
          now + static_cast<std::uint64_t>(req_.kill_grace.count()) + kWorkerSlackNs;
      give_up = give_up ? std::min(give_up, by) : by;
    }
    if (give_up && now >= give_up) {
      unresponsive = true;
      break;
    }
    int wait_ms = cancel_ && !stop_sent ? 100 : 1000;
    if (give_up)
      wait_ms = std::min<int>(wait_ms, static_cast<int>((give_up - now) / 1'000'000 + 1));
    if (w.pidfd() < 0) wait_ms = std::min(wait_ms, 10);
    pollfd fds[3];
    nfds_t n = 0;
    const nfds_t frames_i = frames_open ? n++ : 3, errors_i = errors_open ? n++ : 3;
    if (frames_i < 3) fds[frames_i] = {w.frames(), POLLIN, 0};
    if (errors_i < 3) fds[errors_i] = {w.errors(), POLLIN, 0};
    const nfds_t pid_i = n;
    if (w.pidfd() >= 0) fds[n++] = {w.pidfd(), POLLIN, 0};
    poll(fds, n, wait_ms);
    if (frames_i < 3 && fds[frames_i].revents) frames_open = drain(w.frames(), on_frames);
    if (errors_i < 3 && fds[errors_i].revents) errors_open = drain(w.errors(), on_stderr);
    if (ended || !protocol_error.empty()) break;
    if (w.pidfd() < 0 || (pid_i < n && fds[pid_i].revents)) {
      if ((worker_exit = w.reap())) {
        read_all();  // what it wrote before it died, a phase_end perhaps
        break;
      }
    }
  }
  // The phase's last stderr lines, written before it ended, are in the pipe by now.
  if (errors_open) drain(w.errors(), on_stderr);

  // A worker that broke the protocol, died or hangs is done with; the next phase gets a
  // new one. Nothing of its phase may outlive it.
  const bool lost = !ended || !protocol_error.empty() || worker_exit;
  if (lost) {
    if (!worker_exit)
      worker_exit = w.kill_and_reap();
    else
      w.kill_orphaned_phase();
    if (errors_open) drain(w.errors(), on_stderr);
  }

  if (ended) {
    out.exit.exit_code = end.exit_code;
    out.exit.term_signal = end.term_signal;
    out.exit.timed_out = end.timed_out;
    out.exit.cancelled = end.cancelled;
    out.exit.start_ns = end.start_ns;
    out.exit.wall_ns = end.wall_ns;
    out.exit.user_ns = end.user_ns;
    out.exit.sys_ns = end.sys_ns;
    out.exit.max_rss_bytes = end.max_rss_bytes;
    out.memory_peak_bytes = end.memory_peak_bytes;
    out.containment = end.containment;
  } else {
    out.exit.start_ns = t0;
    out.exit.wall_ns = monotonic_ns() - t0;
    out.exit.timed_out = unresponsive && !stop_sent;
    out.exit.cancelled = stop_sent;
  }
  // The file changed since discovery: the worker found another plugin in it.
  std::string wrong_plugin;
  if (w.hello && w.hello->id != req_.plugin_id)
    wrong_plugin =
        req_.plugin_path + " now holds plugin '" + w.hello->id + "', not '" + req_.plugin_id + "'";
  if (lost) worker_.reset();  // `w` is gone from here on

  if (!stderr_tail.empty()) append_tail(out.log, stderr_tail, kLogTail);
  if (out.log.size() > kLogTail) out.log.erase(0, out.log.size() - kLogTail);

  const char* call = phase_call(which);
  // The worker sends the window as soon as run() returns, before parse().
  if (which == BL_PHASE_RUN && out.window.end_ns != 0) call = "parse()";
  const ExitInfo& x = out.exit;
  const std::string tail = last_lines(stderr_tail, 5);
  auto with_tail = [&](std::string s) { return tail.empty() ? s : s + "; last output: " + tail; };

  if (x.cancelled) {
    out.kind = PhaseOutcome::Kind::interrupted;
    out.reason = "interrupted by the operator";
  } else if (x.timed_out && ended) {
    out.reason = with_tail(fmt::format("{} timed out after {:.0f} s; its process group was killed",
                                       call, std::chrono::duration<double>(req_.timeout).count()));
  } else if (!wrong_plugin.empty()) {
    out.reason = wrong_plugin;
  } else if (!protocol_error.empty()) {
    out.reason = with_tail(std::string("protocol error from the worker: ") + protocol_error);
  } else if (unresponsive) {
    out.reason = with_tail(fmt::format(
        "{} timed out after {:.0f} s, and the worker did not end it: the worker was killed", call,
        std::chrono::duration<double>(req_.timeout).count()));
  } else if (!ended) {
    const std::string how = how_it_ended(*worker_exit);
    out.reason =
        with_tail(fmt::format("the worker died during {}: {}{}", call, how,
                              worker_exit->term_signal == SIGKILL ? " (out of memory?)" : ""));
  } else if (end.oom_kills > 0) {
    out.reason =
        with_tail(fmt::format("{} ran out of memory: the OOM killer ended it at the limit of {} "
                              "(peak {})",
                              call, mib(req_.memory_max_bytes), mib(end.memory_peak_bytes)));
  } else if (x.term_signal == SIGKILL) {
    out.reason =
        with_tail(fmt::format("{} was killed by SIGKILL, not by benchlab (out of memory? "
                              "peak RSS {})",
                              call, mib(x.max_rss_bytes)));
  } else if (x.term_signal != 0) {
    out.reason = with_tail(fmt::format("{} crashed: {}", call, signal_description(x.term_signal)));
  } else if (!have_done) {
    out.reason =
        with_tail(fmt::format("{} ended the worker with exit status {} before returning "
                              "(does the plugin call exit()?)",
                              call, x.exit_code));
  } else if (x.exit_code != 0) {
    out.reason =
        with_tail(fmt::format("the worker exited with status {} after {}", x.exit_code, call));
  } else if (done.status == BL_CANNOT_RUN) {
    out.kind = PhaseOutcome::Kind::cannot_run;
    out.reason = done.message;
  } else if (done.status == BL_CANCELLED && cancel_ && cancel_->load()) {
    out.kind = PhaseOutcome::Kind::interrupted;
    out.reason = "interrupted by the operator";
  } else if (done.status != BL_OK) {
    out.reason = done.message;
  } else if (which == BL_PHASE_RUN && out.metrics.empty()) {
    out.reason = with_tail(std::string(call) + " returned BL_OK but reported no metric");
  } else {
    out.kind = PhaseOutcome::Kind::ok;
  }
  return out;
}

}  // namespace benchlab
