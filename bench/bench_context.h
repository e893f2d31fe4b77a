/* SPDX-License-Identifier: MIT */
// What the harness benchmarks share: a private temporary store and a context whose only
// extra plugin directory holds the no-op workload.
#pragma once

#include <benchlab/benchlab.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace bench {

class TempStore {
 public:
  explicit TempStore(const std::string& tag)
      : dir_(std::filesystem::temp_directory_path() /
             ("benchlab-" + tag + "-" + std::to_string(getpid()))) {
    std::filesystem::create_directories(dir_);
  }
  ~TempStore() { std::filesystem::remove_all(dir_); }
  TempStore(const TempStore&) = delete;
  TempStore& operator=(const TempStore&) = delete;
  std::string file(const std::string& name) const { return (dir_ / name).string(); }

 private:
  std::filesystem::path dir_;
};

// Opens a context on `db` that also sees BENCH_PLUGIN_DIR; exits with the reason if not.
inline benchlab_ctx* open_context(const std::string& db) {
  static const char* plugin_dirs[] = {BENCH_PLUGIN_DIR, nullptr};
  benchlab_config cfg{};
  cfg.struct_size = sizeof cfg;
  cfg.db_path = db.c_str();
  cfg.plugin_dirs = plugin_dirs;
  benchlab_ctx* ctx = nullptr;
  if (benchlab_open(&cfg, &ctx) != BENCHLAB_OK) {
    std::fprintf(stderr, "benchlab_open: %s\n", benchlab_errmsg());
    std::exit(1);
  }
  return ctx;
}

// A run request for `trials` trials of the no-op workload, no warm-up.
inline benchlab_run_request noop_request(unsigned trials) {
  static const char* targets[] = {"noop", nullptr};
  benchlab_run_request req{};
  req.struct_size = sizeof req;
  req.targets = targets;
  req.trials = trials;
  req.warmup = BENCHLAB_WARMUP_NONE;
  return req;
}

}  // namespace bench
