/* SPDX-License-Identifier: MIT */
// The host side of the plugin ABI inside a phase process of benchlab-worker: the bl_host
// table a plugin instance receives, backed by this class, which forwards metrics, logs,
// progress, the two raw output streams, marks (benchlab/ext/mark.h) and values
// (benchlab/ext/values.h) to the core as
// protocol frames.
#pragma once

#include <benchlab/plugin.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "plugin_info.h"
#include "worker_protocol.h"

namespace benchlab {

struct WorkerPhase {
  int32_t phase = BL_PHASE_RUN;
  std::uint32_t trial = 0;
  std::string scratch_dir, cache_dir, data_dir;
  std::multimap<std::string, std::string> options;  // resolved by the core, repeats kept
  std::uint32_t cpu_count = 1;                      // online CPUs, read once by the worker
};

class WorkerHost {
 public:
  // Frames go to `fd`; `cancel` is set by the worker's SIGTERM handler.
  WorkerHost(int fd, const PluginInfo& plugin, const WorkerPhase& phase,
             const std::atomic<bool>& cancel);
  WorkerHost(const WorkerHost&) = delete;
  WorkerHost& operator=(const WorkerHost&) = delete;

  const bl_host* table() const { return &table_; }
  // Writes the frame to the core, after every frame held so far, in one write.
  void send(const protocol::Message& m);
  // Holds the frame back until the next send(): for frames that count only once the
  // phase is done (metrics, the window), so that a trial's frames reach the core in one
  // write with its `done` and wake it once. A phase that crashes loses them; they would
  // not count anyway.
  void hold(const protocol::Message& m);
  // Writes the frames held so far.
  void flush();
  // Brackets the plugin's run(): mark() is accepted only in between.
  void set_in_run(bool in_run) { in_run_.store(in_run); }

  // The reason the plugin gave with set_error() for its last non-OK status.
  std::string error() const;
  // The first report_metric() call that failed ("report_metric(\"x\") failed: why"), or
  // "": the phase fails with it even when the plugin ignored the status.
  std::string metric_failure() const;
  const std::string& output() const { return output_; }
  const std::string& error_output() const { return error_output_; }

 private:
  static WorkerHost& self(const bl_host* h) { return *static_cast<WorkerHost*>(h->host_data); }
  static void log_cb(const bl_host*, int32_t, const char*);
  static void set_error_cb(const bl_host*, const char*);
  static const char* option_cb(const bl_host*, const char*);
  static uint32_t option_count_cb(const bl_host*, const char*);
  static const char* option_at_cb(const bl_host*, const char*, uint32_t);
  static int32_t declare_metric_cb(const bl_host*, const char*, const char*, int32_t);
  static int32_t report_metric_cb(const bl_host*, const char*, double);
  static void progress_cb(const bl_host*, double, const char*);
  static int32_t append_output_cb(const bl_host*, const char*, size_t);
  static int32_t append_error_output_cb(const bl_host*, const char*, size_t);
  static int32_t spawn_cb(const bl_host*, const bl_spawn*, bl_spawn_result*);
  static int32_t is_cancelled_cb(const bl_host*);
  static uint64_t now_ns_cb(const bl_host*);
  static const void* get_extension_cb(const bl_host*, const char*);
  static int32_t mark_cb(const bl_host*, const char*);
  static int32_t report_values_cb(const bl_host*, const char*, const double*, uint32_t);
  static int32_t require_cb(const bl_host*, const bl_requirement*);
  static int32_t report_program_cb(const bl_host*, const char*, const char*, const char*);

  int32_t spawn(const bl_spawn& req, bl_spawn_result& res);
  void write_all(const std::string& bytes);  // with mu_ held; _exits when it cannot
  void report_failed(const std::string& call, const std::string& why);
  int32_t metric_failed(const char* name, const std::string& why);  // BL_INVALID_ARGUMENT
  // Appends to one of the raw streams: kept for parse (16 MiB), streamed to the core as
  // it comes up to the stored 1 MiB, so a crash later still leaves it.
  template <class Frame>
  int32_t append_stream(std::string& kept, std::size_t& sent, const char* data, size_t size,
                        const char* what);

  int fd_;
  const PluginInfo& plugin_;
  const WorkerPhase& phase_;
  const std::atomic<bool>& cancel_;
  bl_host table_{};
  mutable std::mutex mu_;  // frames and the error text may come from plugin threads
  std::string held_;       // frames hold() kept back
  std::string error_;
  std::string metric_failure_;
  std::map<std::string, std::string> declared_;  // dynamic metric -> unit
  std::string output_, error_output_;
  std::size_t output_sent_ = 0, error_output_sent_ = 0;
  std::uint64_t last_progress_ns_ = 0;
  std::atomic<bool> in_run_{false};
  std::size_t marks_ = 0;              // marks this trial, under mu_
  std::size_t values_ = 0;             // values reported this trial, under mu_
  std::size_t requirements_ = 0;       // require() calls kept this setup, under mu_
  std::size_t programs_ = 0;           // report_program() calls kept this phase, under mu_
  std::string spawn_out_, spawn_err_;  // storage behind bl_spawn_result
};

}  // namespace benchlab
