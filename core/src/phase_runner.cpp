#include "phase_runner.h"

#include <signal.h>

#include <fmt/format.h>

namespace benchlab {
namespace {

constexpr std::size_t kLogTail = 64u << 10;

const char* phase_call(int32_t phase) {
  switch (phase) {
    case BL_PHASE_SETUP: return "setup()";
    case BL_PHASE_TEARDOWN: return "teardown()";
    default: return "run()";
  }
}

// Keeps the last `cap` bytes: the end of a log is where the reason is.
void append_tail(std::string& s, std::string_view d, std::size_t cap) {
  s.append(d);
  if (s.size() > cap * 2) s.erase(0, s.size() - cap);
}

std::string last_lines(const std::string& text, int n) {
  std::size_t end = text.find_last_not_of("\n ");
  if (end == std::string::npos) return {};
  std::size_t pos = end + 1;
  for (int i = 0; i < n && pos > 0; ++i) {
    std::size_t nl = text.rfind('\n', pos - 1);
    if (nl == std::string::npos) { pos = 0; break; }
    pos = nl;
    if (i == n - 1) ++pos;
  }
  std::string tail = text.substr(pos, end + 1 - pos);
  while (!tail.empty() && tail.front() == '\n') tail.erase(0, 1);
  return tail;
}

std::string mib(std::uint64_t b) { return fmt::format("{:.1f} MiB", double(b) / (1024.0 * 1024.0)); }

}  // namespace

PhaseOutcome run_phase(const PhaseRequest& req, const FrameObserver& observe,
                       const std::atomic<bool>* cancel) {
  PhaseOutcome out;
  SpawnSpec spec;
  const char* phase = req.phase == BL_PHASE_SETUP ? "setup" : req.phase == BL_PHASE_TEARDOWN ? "teardown" : "run";
  spec.argv = {req.worker, "--plugin", req.plugin_path, "--phase", phase,
               "--trial", std::to_string(req.trial), "--scratch", req.scratch_dir,
               "--cache", req.cache_dir};
  if (!req.data_dir.empty()) {
    spec.argv.push_back("--data");
    spec.argv.push_back(req.data_dir);
  }
  for (const auto& [k, v] : req.options) {
    spec.argv.push_back("--option");
    spec.argv.push_back(k + "=" + v);
  }
  spec.cwd = req.scratch_dir;
  spec.new_process_group = true;
  spec.timeout = req.timeout;
  spec.kill_grace = req.kill_grace;

  protocol::Decoder dec;
  bool have_done = false;
  std::string wrong_plugin;  // the file changed since discovery
  protocol::Done done{};
  std::string stderr_tail;
  auto on_frame = [&](protocol::Message&& m) {
    if (observe) observe(m);
    std::visit(
        [&](auto&& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, protocol::Hello>) {
            if (x.id != req.plugin_id)
              wrong_plugin = req.plugin_path + " now holds plugin '" + x.id + "', not '" + req.plugin_id + "'";
          } else if constexpr (std::is_same_v<T, protocol::Log>) {
            append_tail(out.log, x.text + "\n", kLogTail);
          } else if constexpr (std::is_same_v<T, protocol::DeclareMetric>) {
            out.declared.push_back(x);
          } else if constexpr (std::is_same_v<T, protocol::Metric>) {
            for (auto& [name, value] : out.metrics)
              if (name == x.name) { value = x.value; return; }
            out.metrics.emplace_back(x.name, x.value);
          } else if constexpr (std::is_same_v<T, protocol::Output>) {
            out.output.append(x.bytes);
          } else if constexpr (std::is_same_v<T, protocol::Window>) {
            out.begin_ns = x.begin_ns;
            out.end_ns = x.end_ns;
          } else if constexpr (std::is_same_v<T, protocol::Done>) {
            if (!have_done) { done = x; have_done = true; }
          }
        },
        std::move(m));
  };
  std::string protocol_error;
  auto on_stdout = [&](std::string_view d) {
    if (!protocol_error.empty()) return;
    dec.feed(d);
    while (auto m = dec.next()) on_frame(std::move(*m));
    if (!dec.error().empty()) protocol_error = dec.error();
  };
  auto on_stderr = [&](std::string_view d) { append_tail(stderr_tail, d, kLogTail); };

  try {
    out.exit = run_process(spec, on_stdout, on_stderr, cancel);
  } catch (const SpawnError& e) {
    out.reason = std::string("cannot start the worker: ") + e.what();
    return out;
  }
  if (!stderr_tail.empty()) append_tail(out.log, stderr_tail, kLogTail);
  if (out.log.size() > kLogTail) out.log.erase(0, out.log.size() - kLogTail);

  const char* call = phase_call(req.phase);
  // The worker sends the window as soon as run() returns, before parse().
  if (req.phase == BL_PHASE_RUN && out.end_ns != 0) call = "parse()";
  const ExitInfo& x = out.exit;
  std::string tail = last_lines(stderr_tail, 5);
  auto with_tail = [&](std::string s) { return tail.empty() ? s : s + "; last output: " + tail; };

  if (x.cancelled) {
    out.kind = PhaseOutcome::Kind::interrupted;
    out.reason = "interrupted by the operator";
  } else if (x.timed_out) {
    out.reason = with_tail(fmt::format("{} timed out after {:.0f} s; its process group was killed",
                                       call, std::chrono::duration<double>(req.timeout).count()));
  } else if (!wrong_plugin.empty()) {
    out.reason = wrong_plugin;
  } else if (!protocol_error.empty()) {
    out.reason = with_tail(std::string("protocol error from the worker: ") + protocol_error);
  } else if (x.term_signal == SIGKILL) {
    out.reason = with_tail(fmt::format("{} was killed by SIGKILL, not by benchlab (out of memory? "
                                       "peak RSS {})", call, mib(x.max_rss_bytes)));
  } else if (x.term_signal != 0) {
    out.reason = with_tail(fmt::format("{} crashed: {}", call, signal_description(x.term_signal)));
  } else if (!have_done) {
    out.reason = with_tail(fmt::format("{} ended the worker with exit status {} before returning "
                                       "(does the plugin call exit()?)", call, x.exit_code));
  } else if (x.exit_code != 0) {
    out.reason = with_tail(fmt::format("the worker exited with status {} after {}", x.exit_code, call));
  } else if (done.status == BL_CANNOT_RUN) {
    out.kind = PhaseOutcome::Kind::cannot_run;
    out.reason = done.message;
  } else if (done.status == BL_CANCELLED && cancel && cancel->load()) {
    out.kind = PhaseOutcome::Kind::interrupted;
    out.reason = "interrupted by the operator";
  } else if (done.status != BL_OK) {
    out.reason = done.message;
  } else if (req.phase == BL_PHASE_RUN && out.metrics.empty()) {
    out.reason = with_tail(std::string(call) + " returned BL_OK but reported no metric");
  } else {
    out.kind = PhaseOutcome::Kind::ok;
  }
  return out;
}

ResultWorker::ResultWorker(PhaseRequest req, FrameObserver observe, const std::atomic<bool>* cancel)
    : req_(std::move(req)), observe_(std::move(observe)), cancel_(cancel) {}

ResultWorker::~ResultWorker() = default;

PhaseOutcome ResultWorker::phase(int32_t which, std::uint32_t trial) {
  req_.phase = which;
  req_.trial = trial;
  return run_phase(req_, observe_, cancel_);
}

PhaseOutcome ResultWorker::setup() { return phase(BL_PHASE_SETUP, 0); }
PhaseOutcome ResultWorker::trial(std::uint32_t index) { return phase(BL_PHASE_RUN, index); }
PhaseOutcome ResultWorker::teardown() { return phase(BL_PHASE_TEARDOWN, 0); }

}  // namespace benchlab
