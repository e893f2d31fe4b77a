/* SPDX-License-Identifier: MIT */
// Live progress of a run: a one-line display redrawn in place on a terminal, plain
// lines otherwise (logs, CI).
#pragma once

#include <benchlab/benchlab.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

namespace benchlab_cli {

class Progress {
 public:
  // On a terminal a ticker thread redraws the line twice a second, so elapsed time and
  // ETA move during long trials that report no progress of their own.
  Progress(std::FILE* out, bool tty, bool quiet);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  void on_event(const benchlab_event& ev);
  void finish();  // clear the live line

 private:
  void redraw(std::uint64_t now_ns);
  void clear_line();
  std::uint64_t now_elapsed_ns() const;  // the run's clock, from the last event on
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool in_trial_ = false;
  std::uint64_t last_event_ns_ = 0;
  std::chrono::steady_clock::time_point last_event_at_;
  std::thread ticker_;
  std::FILE* out_;
  bool tty_, quiet_;
  bool line_drawn_ = false;
  std::uint64_t result_start_ns_ = 0;
  std::uint64_t trial_start_ns_ = 0;
  std::uint64_t trials_ns_ = 0;  // time spent in finished trials of this result
  unsigned trials_done_ = 0;
  double fraction_ = -1;
  std::string note_;
  // The trial being drawn (progress events carry no trial numbers of their own).
  std::string test_;
  unsigned index_ = 0, total_ = 0, trial_ = 0, planned_ = 0;
  bool warmup_ = false;
};

// "1m 05s", "12.3s"
std::string format_duration(double seconds);

}  // namespace benchlab_cli
