/* SPDX-License-Identifier: MIT */
// The host side of the plugin ABI in a sampler worker (benchlab-worker --probe): the
// bl_host a probe instance receives, with phase BL_PHASE_PROBE. A probe gets what it
// needs to read its sensors and say why it cannot: log, set_error, its options (the
// operator's, else the defaults it declares), now_ns, is_cancelled and the sysroot.
// Workload services (metrics, raw output, spawn) return BL_UNSUPPORTED, and no host
// extension is offered.
#pragma once

#include <benchlab/plugin.h>

#include <atomic>
#include <map>
#include <mutex>
#include <string>

#include "frame_channel.h"

namespace benchlab::worker {

class ProbeHost {
 public:
  // `options`: every value the operator set, repeats kept, defaults filled in by the
  // caller. Logs go to `channel` as log frames.
  ProbeHost(FrameChannel& channel, std::string sysroot,
            std::multimap<std::string, std::string> options, std::uint32_t cpu_count);
  ProbeHost(const ProbeHost&) = delete;
  ProbeHost& operator=(const ProbeHost&) = delete;

  const bl_host* table() const { return &table_; }
  // The reason the probe gave with set_error() for its last status, and forgets it.
  std::string take_error();
  // From now on is_cancelled() says 1: the worker is stopping.
  void cancel() { cancel_.store(true); }

 private:
  static ProbeHost& self(const bl_host* h) { return *static_cast<ProbeHost*>(h->host_data); }
  static void log_cb(const bl_host*, int32_t, const char*);
  static void set_error_cb(const bl_host*, const char*);
  static const char* option_cb(const bl_host*, const char*);
  static uint32_t option_count_cb(const bl_host*, const char*);
  static const char* option_at_cb(const bl_host*, const char*, uint32_t);
  static int32_t declare_metric_cb(const bl_host*, const char*, const char*, int32_t);
  static int32_t report_metric_cb(const bl_host*, const char*, double);
  static void progress_cb(const bl_host*, double, const char*);
  static int32_t append_cb(const bl_host*, const char*, size_t);
  static int32_t spawn_cb(const bl_host*, const bl_spawn*, bl_spawn_result*);
  static int32_t is_cancelled_cb(const bl_host*);
  static uint64_t now_ns_cb(const bl_host*);
  static const void* get_extension_cb(const bl_host*, const char*);
  static int32_t unsupported(const bl_host* h, const char* call);

  FrameChannel& channel_;
  const std::string sysroot_;
  const std::multimap<std::string, std::string> options_;
  std::atomic<bool> cancel_{false};
  bl_host table_{};
  std::mutex mu_;  // error_: set_error may come from sample() on the sampler thread
  std::string error_;
};

}  // namespace benchlab::worker
