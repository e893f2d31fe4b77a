/* SPDX-License-Identifier: MIT */
// The core's side of the phases of one result: one benchlab-worker serves them all (it
// loads the plugin once and runs each phase in a fresh fork of itself); this reads its
// frames and turns whatever happened (done, crash, exit, hang, OOM, garbage on the
// channel, a worker that died) into a PhaseOutcome with a reason a person can act on.
#pragma once

#include <benchlab/plugin.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "measured_window.h"
#include "subprocess.h"
#include "worker_protocol.h"

namespace benchlab {

struct PhaseRequest {
  std::string worker;  // benchlab-worker executable
  std::string plugin_path;
  std::string plugin_id;  // what the worker must find in the file
  int32_t phase = BL_PHASE_RUN;
  std::uint32_t trial = 0;
  std::vector<std::pair<std::string, std::string>> options;
  std::string scratch_dir, cache_dir, data_dir;
  std::chrono::nanoseconds timeout{std::chrono::seconds(600)};
  std::chrono::nanoseconds kill_grace{std::chrono::seconds(2)};
  std::uint64_t memory_max_bytes = 0;  // each phase's cgroup memory.max, where the memory
                                       // controller is handed down; 0: none
  bool use_cgroup = true;              // false: the worker's subreaper alone holds the phases, even
                                       // where a cgroup of their own could be made
};

struct PhaseOutcome {
  enum class Kind { ok, cannot_run, failed, interrupted } kind = Kind::failed;
  std::string reason;  // for everything but ok: "run() crashed: SIGSEGV (...)", ...
  std::vector<std::pair<std::string, double>> metrics;  // in report order, last report wins
  std::vector<protocol::DeclareMetric> declared;
  std::string output;        // raw output (first 1 MiB)
  std::string error_output;  // the second raw stream, append_error_output (first 1 MiB)
  std::string log;           // log frames and the worker's stderr, the last 64 KiB
  MeasuredWindow window;     // run(): the measured window, taken in the phase's process
  std::vector<Mark> marks;   // run(): the phases the workload marked (benchlab/ext/mark.h),
                             // in the order marked, each inside `window`
  // run()/parse(): many values of one metric each (benchlab/ext/values.h), in metric order
  // of first report, values in report order
  std::vector<std::pair<std::string, std::vector<double>>> values;
  // setup(): requirements the workload computed (benchlab/ext/requirements.h), in order
  std::vector<protocol::Requirement> requirements;
  // setup()/run(): the programs the workload wraps (benchlab/ext/programs.h), in order
  std::vector<protocol::Program> programs;
  ExitInfo exit;
  std::uint64_t memory_peak_bytes = 0;  // the phase's cgroup memory.peak; 0 when unknown
  std::string containment;              // "cgroup" or "subreaper": what held the phase's
                                        // processes and killed what was left of them
};

// Events as they arrive (logs, progress), for live display.
using FrameObserver = std::function<void(const protocol::Message&)>;

class WorkerProcess;

// The phases of one result (one option combination of one test): setup, then trials, then
// teardown, in that order, each isolated from the others and from benchlab (a crash, hang
// or OOM in one is that phase's failure only). The runner sees only this class; how the
// worker processes behind it are started and reused is its own business: one worker
// serves every phase, started at the first; a worker that died, broke the protocol or
// stopped answering fails the phase it was in, and the next phase gets a new one.
// `cancel`, when it becomes true, stops the phase in progress (kind interrupted).
class ResultWorker {
 public:
  // `req.phase` and `req.trial` are ignored; the rest holds for every phase.
  ResultWorker(PhaseRequest req, FrameObserver observe, const std::atomic<bool>* cancel);
  ResultWorker(const ResultWorker&) = delete;
  ResultWorker& operator=(const ResultWorker&) = delete;
  ~ResultWorker();  // ends the worker

  PhaseOutcome setup();
  PhaseOutcome trial(std::uint32_t index);  // 0-based, warm-ups included
  PhaseOutcome teardown();

 private:
  PhaseOutcome phase(int32_t which, std::uint32_t trial);
  PhaseRequest req_;
  FrameObserver observe_;
  const std::atomic<bool>* cancel_;
  std::unique_ptr<WorkerProcess> worker_;  // started at the first phase, replaced when lost
};

}  // namespace benchlab
