// Live progress of a run: a one-line display redrawn in place on a terminal, plain
// lines otherwise (logs, CI).
#pragma once

#include <benchlab/benchlab.h>

#include <cstdint>
#include <cstdio>
#include <string>

namespace benchlab_cli {

class Progress {
 public:
  Progress(std::FILE* out, bool tty, bool quiet) : out_(out), tty_(tty), quiet_(quiet) {}
  void on_event(const benchlab_event& ev);
  void finish();  // clear the live line

 private:
  void redraw(std::uint64_t now_ns);
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
