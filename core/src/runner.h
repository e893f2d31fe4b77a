/* SPDX-License-Identifier: MIT */
// Executes the results of a run: the requirement gate, setup, warm-ups and trials under
// the trial policy, teardown; each trial committed as it ends. A fresh run and
// `--resume` go through the same code: both execute the run's pending results, and a
// resume first proves that every plugin is the very file the run started with.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "catalog.h"
#include "inventory.h"
#include "phase_runner.h"
#include "plan.h"
#include "result_status.h"
#include "sampling_options.h"
#include "store.h"

namespace benchlab {

struct RunEvent {
  enum Type { plan = 1, result_begin, trial_begin, trial_end, result_end, progress, log };
  Type type = plan;
  std::int64_t run_id = 0;
  unsigned index = 0, total = 0;
  std::string test, options;
  unsigned trial = 0, trials_planned = 0;
  bool warmup = false;
  ResultStatus status = ResultStatus::pending;  // *_end events; a trial is ok or failed
  std::string message;
  double value = 0;
  std::uint64_t elapsed_ns = 0;
};

struct RunnerOptions {
  std::string worker;
  std::string system_name;  // empty: hostname
  std::filesystem::path sysroot = "/";
  std::chrono::nanoseconds kill_grace{std::chrono::seconds(2)};
  std::function<void(const RunEvent&)> on_event;
  const std::atomic<bool>* cancel = nullptr;
};

class SamplingSession;

enum class RunOutcome { ok, trials_failed, interrupted };

class Runner {
 public:
  Runner(Store& store, const Catalog& catalog, RunnerOptions opts);
  ~Runner();

  // Records the run and its plan, then executes it. `run_id` is set as soon as it exists.
  RunOutcome run(const std::vector<PlanItem>& plan, const std::string& targets,
                 const std::string& settings_json, std::int64_t& run_id);
  // Executes the pending results of an interrupted run. Throws NotFoundError for an
  // unknown run, PlanError for a finished one or one whose plugins changed since.
  RunOutcome resume(std::int64_t run_id);

 private:
  struct Finish {  // how a result ended, with the reason shown for it
    ResultStatus status;
    std::string reason;
  };
  class ResultRun;  // one result from gate to teardown (runner.cpp)

  RunOutcome execute(std::int64_t run_id);
  // Starts the run's probes as its settings say; false when interrupted during the idle
  // baseline. Throws PlanError when a probe the operator named cannot be sampled.
  bool start_sampling(std::int64_t run_id);
  // GPUs for the memory gate, from the probes: those sampling, else each probe opened once.
  void learn_gpus();
  void log(std::int64_t run_id, const std::string& line) const;
  void check_same_plugins(std::int64_t run_id, const std::vector<ResultRow>& results) const;
  void emit(RunEvent ev) const;

  Store& store_;
  const Catalog& catalog_;
  RunnerOptions opts_;
  Inventory inventory_;
  std::uint64_t t0_ = 0;
  SamplingOptions sampling_options_;  // as the run's settings say
  std::unique_ptr<SamplingSession> sampling_;
};

}  // namespace benchlab
