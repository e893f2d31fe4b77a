// SPDX-License-Identifier: MIT
// One bandwidth measurement: a team of pinned threads runs the selected kernels over
// shared arrays for a number of passes, timed between barriers, then checks the arrays.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "membw/kernels.hpp"
#include "membw/reference_model.hpp"

namespace membw {

struct run_config {
  std::size_t elements = 0;     // per array
  unsigned threads = 1;         // >= 1
  unsigned passes = 5;          // >= 1
  std::vector<kernel> kernels;  // run in this order, once each per pass
  store_kind stores = store_kind::streaming;
  bool pin = true;  // pin thread t to the t-th CPU of the process's affinity mask
};

struct kernel_timing {
  kernel which = kernel::copy;
  std::vector<double> pass_seconds;  // one per pass, in order
  double best_seconds() const;       // the fastest pass
};

struct thread_placement {
  int cpu = -1;   // CPU asked for; -1 when not pinned
  int error = 0;  // errno of a failed pin, else 0
};

struct run_result {
  bool cancelled = false;              // stopped by the observer; timings and check are incomplete
  std::vector<kernel_timing> timings;  // one per kernel of the config, same order
  std::vector<thread_placement> placements;  // one per thread
  bool oversubscribed = false;               // more threads than CPUs in the affinity mask
  check_result check;                        // over all elements of all arrays used
};

// Called on the thread that called run_bandwidth, about every 100 ms while it runs.
class run_observer {
 public:
  virtual ~run_observer() = default;
  // True once the run should stop; it stops at the next kernel boundary.
  virtual bool cancelled() { return false; }
  // Fraction of the timed kernels done, in [0, 1].
  virtual void progress(double fraction) { (void)fraction; }
};

// Allocates the arrays the kernels use (config.elements each), lets every thread
// initialise its own chunk (first touch), runs passes x kernels with a barrier before and
// after each kernel, and verifies every element. Throws std::system_error when the arrays
// or threads cannot be had; everything after that is noexcept.
run_result run_bandwidth(const run_config& config, run_observer& observer);

// STREAM's rate: bytes counted by bytes_per_element, in MB/s (10^6 bytes per second).
double mb_per_s(kernel k, std::size_t elements, double seconds) noexcept;

// Elements [begin, end) of `elements` that thread t of `threads` works on: whole cache
// lines, as even as lines allow; the last thread also takes a partial line at the end.
struct element_range {
  std::size_t begin = 0, end = 0;
};
element_range thread_range(std::size_t elements, unsigned threads, unsigned t) noexcept;

}  // namespace membw
