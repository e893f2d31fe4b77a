// Executes the results of a run: the requirement gate, setup, warm-ups and trials under
// the trial policy, teardown; each trial committed as it ends. A fresh run and
// `--resume` go through the same code: both execute the run's pending results.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "catalog.h"
#include "inventory.h"
#include "plan.h"
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
  int status = 0;  // 1 ok, 2 failed, 3 cannot run, 4 partial (benchlab.h STATUS_*)
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

enum class RunOutcome { ok, trials_failed, interrupted };

class Runner {
 public:
  Runner(Store& store, const Catalog& catalog, RunnerOptions opts);

  // Records the run and its plan, then executes it. `run_id` is set as soon as it exists.
  RunOutcome run(const std::vector<PlanItem>& plan, const std::string& targets,
                 const std::string& settings_json, std::int64_t& run_id);
  // Executes the pending results of an interrupted run. Throws PlanError for an
  // unknown or finished run.
  RunOutcome resume(std::int64_t run_id);

 private:
  RunOutcome execute(std::int64_t run_id);
  void emit(RunEvent ev) const;

  Store& store_;
  const Catalog& catalog_;
  RunnerOptions opts_;
  Inventory inventory_;
  std::uint64_t t0_ = 0;
};

// Why a requirement is unmet on this machine ("needs program ngspice (apt-get install
// ngspice)"), or "" when met.
std::string unmet_requirement(const Requirement& r, const Inventory& inv);

}  // namespace benchlab
