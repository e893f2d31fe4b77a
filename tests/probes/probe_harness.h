/* SPDX-License-Identifier: MIT */
// A minimal host for probe plugins in tests: dlopens one probe .so, hands it a bl_host whose
// sysroot is a fixture tree and whose options are given, and exposes open / channels /
// sample / devices with the plugin's error text. It checks the descriptor the way the
// worker does (kind, version, non-NULL calls) so a test fails on a malformed plugin too.
#pragma once

#include <benchlab/ext/probe_devices.h>
#include <benchlab/plugin.h>

#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace benchlab::test {

class ProbeHarness {
 public:
  // Loads `plugin_path` (throws std::runtime_error with dlerror() on failure).
  ProbeHarness(const std::string& plugin_path, std::string sysroot,
               std::map<std::string, std::string> options = {});
  ~ProbeHarness();  // closes the instance, dlcloses the file
  ProbeHarness(const ProbeHarness&) = delete;
  ProbeHarness& operator=(const ProbeHarness&) = delete;

  const bl_plugin& plugin() const { return *plugin_; }
  // open(): the status; error() holds the reason set with set_error.
  int32_t open();
  const std::string& error() const { return error_; }
  // What the probe logged so far; a copy, as a probe may log from threads of its own.
  std::vector<std::string> logs() const {
    const std::lock_guard<std::mutex> hold(logs_mutex_);
    return logs_;
  }
  // After a successful open().
  std::vector<bl_channel_desc> channels();
  std::vector<bl_device_desc> devices();  // empty when the probe has no devices extension
  // One sample() call; throws std::runtime_error when it does not return BL_OK.
  std::vector<double> sample();
  // Index of the channel `id`, or throws.
  std::size_t index_of(const std::string& id);

 private:
  static const char* option_cb(const bl_host*, const char* name);
  static uint32_t option_count_cb(const bl_host*, const char* name);
  static const char* option_at_cb(const bl_host*, const char* name, uint32_t index);
  static void log_cb(const bl_host*, int32_t, const char* msg);
  static void set_error_cb(const bl_host*, const char* msg);
  static uint64_t now_ns_cb(const bl_host*);
  static const void* get_extension_cb(const bl_host*, const char*);

  void* handle_ = nullptr;
  const bl_plugin* plugin_ = nullptr;
  void* instance_ = nullptr;
  bl_host host_{};
  std::string sysroot_;
  std::map<std::string, std::string> options_;
  std::string error_;
  mutable std::mutex logs_mutex_;  // host->log is [any]
  std::vector<std::string> logs_;
};

}  // namespace benchlab::test
