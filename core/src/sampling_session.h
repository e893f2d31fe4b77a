/* SPDX-License-Identifier: MIT */
// The probes of one run, from the first trial to the last: one sampler worker per probe
// (sampler.h), their samples queued into the store (sample_writer.h) and kept in memory
// for the trial in progress, the idle baseline, the cool-down wait before a trial, and,
// after each trial, the values derived from what the probes saw inside its measured
// window (energy.h): energy, mean and peak power, work per joule, idle-net energy, and
// whether it throttled.
//
// Samplers report on their own threads; everything the runner must hear of (a probe that
// crashed, a store that stopped taking samples) is queued and handed over by drain() on
// the runner's thread, so that events and store writes stay on that thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "catalog.h"
#include "energy.h"
#include "measured_window.h"
#include "probe_channel.h"
#include "sampling_options.h"
#include "store.h"

namespace benchlab {

class ProbeSampler;
class SampleWriter;

// What the probes add to one trial.
struct TrialProbeValues {
  std::vector<TrialValue> values;  // energy.*, power.*, *.per_joule
  std::string throttled;           // why it is flagged; "" when not
  std::vector<std::string> notes;  // why a value is missing (coverage), for the log
};

class SamplingSession {
 public:
  // Starts a sampler per selected probe. Probes that do not open are recorded as
  // unavailable (with auto) or refused with PlanError naming the probe and why (when the
  // operator named it). `log` receives lines for the operator, on the runner's thread.
  SamplingSession(Store& store, const Catalog& catalog, std::int64_t run_id,
                  SamplingOptions options, std::string worker, std::string sysroot,
                  std::function<void(const std::string&)> log);
  ~SamplingSession();  // stops the samplers, flushes the samples, records the probes
  SamplingSession(const SamplingSession&) = delete;
  SamplingSession& operator=(const SamplingSession&) = delete;

  // Whether any probe is sampling.
  bool active() const;
  // Devices the sampling probes reported (GPUs for the memory gate).
  std::vector<DeviceInfo> devices() const;

  // The idle baseline: the run's stored one, else `seconds` of sampling with nothing
  // running, stored with the run. False when interrupted.
  bool establish_idle(double seconds, const std::atomic<bool>* cancel,
                      const std::function<void(double fraction, const std::string&)>& progress);
  // Before a trial: waits until temperatures and power are back near idle, up to
  // cooldown_max_s (when enabled), then brackets the trial with a sample. Returns the ns
  // waited.
  std::uint64_t before_trial(const std::atomic<bool>* cancel,
                             const std::function<void(double, const std::string&)>& progress);
  // After a trial: brackets it with a sample, then derives its values from the samples
  // inside `window` (and per marked phase). `reported`: the workload's values.
  TrialProbeValues after_trial(const MeasuredWindow& window, const std::vector<Mark>& marks,
                               const std::vector<TrialValue>& reported);
  // Hands over what the samplers and the writer said since the last call (runner thread).
  void drain();

 private:
  struct Probe;
  void on_rows(Probe& p, const std::vector<SampleRow>& rows);
  void say(std::string line);  // any thread: queued for drain()
  std::vector<ChannelSeries> series_between(std::uint64_t begin_ns, std::uint64_t end_ns) const;
  void sync_all(std::uint64_t after_ns);
  void trim(std::uint64_t keep_from_ns);
  void record_probes(const char* final_status);

  Store& store_;
  std::int64_t run_id_;
  SamplingOptions opts_;
  std::function<void(const std::string&)> log_;
  std::unique_ptr<SampleWriter> writer_;
  std::vector<std::unique_ptr<Probe>> probes_;
  std::optional<IdleBaseline> idle_;
  bool logged_total_ = false;  // the total set's description is logged once
  mutable std::mutex mu_;      // guards each probe's series and the messages
  std::vector<std::string> messages_;
};

}  // namespace benchlab
