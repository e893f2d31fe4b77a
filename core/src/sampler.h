/* SPDX-License-Identifier: MIT */
// Probes, sampled in their own worker processes: one benchlab-worker --probe per probe per
// run (core/worker/probe_sampler.h), so that a probe that crashes, hangs or leaks is
// reported and sampling stops for it alone, while the trials go on.
//
// inspect_probe() asks a probe once what it is (available or why not, channels, devices,
// one sample): for `benchlab list probes -v` and the GPU inventory. ProbeSampler samples
// one probe for the length of a run and hands its rows to the caller as they arrive.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "plugin_info.h"
#include "probe_channel.h"
#include "subprocess.h"

namespace benchlab {

class ProbeProcess;

struct ProbeSettings {
  std::string sysroot = "/";  // what stands for "/" when the probe reads /sys, /proc, /dev
  std::chrono::milliseconds interval{100};                   // at least 10 ms
  std::vector<std::pair<std::string, std::string>> options;  // the probe's NAME=VALUE
  // A sample() that has not returned after this long ends the worker ("sample() has not
  // returned for 5.0 s"). 0: max(5 s, 20 x interval). At least 100 ms.
  std::chrono::milliseconds hang_timeout{0};
  // How long open() may take before the probe counts as hung.
  std::chrono::milliseconds open_timeout{10000};

  // The hang timeout in effect.
  std::chrono::milliseconds hang() const;
  // Throws std::invalid_argument naming the setting when one is out of range.
  void check() const;
};

// What inspect_probe() learned of one probe.
struct ProbeStatus {
  std::string probe;  // the plugin's id
  std::string path;
  bool available = false;
  std::string reason;  // when unavailable: the probe's own reason ("unavailable: permission
                       // denied on FILE; run as root or ...") or what went wrong ("open()
                       // crashed: SIGSEGV (Segmentation fault)", "open() did not answer in 10 s")
  std::vector<ChannelInfo> channels;  // `probe` filled in
  std::vector<DeviceInfo> devices;    // `probe` filled in
  SampleRow sample;                   // one sample; empty values when none was taken
  std::string log;                    // what the probe logged, the last few KiB
};

// Runs `worker --probe plugin.path --once` and gathers its answer within `timeout`. Never
// throws for what the probe does: a crash, a hang or garbage make it unavailable with
// the reason. Throws std::invalid_argument for settings out of range.
ProbeStatus inspect_probe(const std::string& worker, const PluginInfo& plugin,
                          const ProbeSettings& settings,
                          std::chrono::milliseconds timeout = std::chrono::seconds(10));

// A probe that cannot be sampled: unavailable on this machine, or its worker failed
// before sampling began. what() is "probe ID: reason".
class ProbeUnavailable : public std::runtime_error {
 public:
  ProbeUnavailable(std::string probe, std::string reason)
      : std::runtime_error("probe " + probe + ": " + reason),
        probe_(std::move(probe)),
        reason_(std::move(reason)) {}
  const std::string& probe() const { return probe_; }
  const std::string& reason() const { return reason_; }

 private:
  std::string probe_, reason_;
};

struct ProbeCallbacks {
  // Every non-empty batch of rows, in time order, on the sampler's reader thread. Rows
  // have one value per channel (NaN: no reading) and strictly ordered times.
  std::function<void(const std::vector<SampleRow>&)> on_samples;
  // Once, on the reader thread, when the worker ended without stop() asking it to, with
  // a sentence for the operator: "probe rapl: sample() crashed: SIGSEGV (Segmentation
  // fault); sampling stopped, trials go on". Not called for an end that stop() asked for.
  std::function<void(std::string reason)> on_stopped;
  // What the probe logged (level BL_LOG_*, text), on the reader thread. May be empty.
  std::function<void(int32_t level, const std::string& text)> on_log;
};

// Samples one probe in its own worker from construction to stop(). The callbacks run on
// a reader thread of this object's own and may be called while the owner is inside
// sync() or sample_now(); they must not call stop() or destroy the sampler.
//
// The worker dies with the thread that constructed this (PR_SET_PDEATHSIG): construct it
// on a thread that outlives it, as the run's own thread does.
class ProbeSampler {
 public:
  // Starts the worker and waits for the probe's open(). Throws ProbeUnavailable with the
  // reason when the probe is unavailable, or crashed, hung or broke the protocol before
  // sampling began; SpawnError when the worker cannot be started; std::invalid_argument
  // for settings out of range ("the sampling interval must be at least 10 ms").
  ProbeSampler(const std::string& worker, const PluginInfo& plugin, const ProbeSettings& settings,
               ProbeCallbacks callbacks);
  ProbeSampler(const ProbeSampler&) = delete;
  ProbeSampler& operator=(const ProbeSampler&) = delete;
  ~ProbeSampler();  // stop()

  const std::string& probe() const { return probe_; }
  const std::vector<ChannelInfo>& channels() const { return channels_; }
  const std::vector<DeviceInfo>& devices() const { return devices_; }

  // Asks for one sample as soon as sample() is free, off the interval's schedule; does
  // not wait for it.
  void sample_now();
  // Asks for a sample now and waits until a row with t_ns >= after_ns has been handed to
  // on_samples (and on_samples has returned). False when sampling has stopped or
  // `timeout` passed first.
  bool sync(std::uint64_t after_ns, std::chrono::milliseconds timeout);

  std::uint64_t samples() const;  // rows handed to on_samples so far
  std::uint64_t skipped() const;  // ticks skipped because sample() was still running
  std::uint64_t cpu_ns() const;   // the worker's own CPU time (user + system) so far
  bool running() const;           // false once the worker ended, asked or not
  pid_t worker_pid() const;       // the sampler worker's process (it leads its group)

  // Asks the worker to close the probe and exit, waits up to 2 s, kills it if it did not,
  // and joins the reader thread. Idempotent.
  void stop();

 private:
  void read_loop();
  void deliver(std::vector<SampleRow>&& rows);
  void ended(std::string reason);

  std::string probe_;
  ProbeCallbacks cb_;
  std::chrono::milliseconds hang_;
  std::vector<ChannelInfo> channels_;
  std::vector<DeviceInfo> devices_;
  std::unique_ptr<ProbeProcess> proc_;
  UniqueFd wake_;  // eventfd: stop() asks the reader thread to kill the worker
  std::thread reader_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // stop() was called: the end that follows is no news
  bool kill_ = false;      // stop() gave up waiting
  bool ended_ = false;
  std::uint64_t delivered_t_ = 0;  // the latest t_ns handed to on_samples
  std::uint64_t samples_ = 0, skipped_ = 0, cpu_ns_ = 0;
  std::uint64_t last_t_ = 0;  // reader thread: the latest t_ns read, for the order check
  std::mutex stop_mu_;        // one stop() at a time
};

}  // namespace benchlab
