// SPDX-License-Identifier: MIT
// What LULESH 2.0 prints when a run completes, parsed. The lines come from
// VerifyAndWriteFinalOutput() in its lulesh-util.cc:
//
//   Run completed:
//      Problem size        =  5
//      MPI tasks           =  8
//      Iteration count     =  72
//      Final Origin Energy =  6.232687e+04
//      Testing Plane 0 of Energy Array on rank 0:
//           MaxAbsDiff   = 4.547474e-12
//           TotalAbsDiff = 1.360249e-11
//           MaxRelDiff   = 4.855244e-15
//
//   Elapsed time         =       0.01 (s)
//   Grind time (us/z/c)  =  1.1185698 (per dom)  (0.010067128 overall)
//   FOM                  =  7151.9901 (z/s)
//
// (a real run, `-s 5 -i 72` on 8 MPI tasks, from github.com/llnl/LULESH/issues/22),
// and, before the run, "Num threads: N" when built with OpenMP. Numbers are read in any
// printf form ("55.50", "2.1e+02"), since builds differ in their format strings.
#pragma once

#include <optional>
#include <stdexcept>
#include <string_view>

namespace lulesh {

struct OutputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct RunReport {
  int problem_size = 0;  // edge of each domain's cube of zones (-s)
  int mpi_tasks = 0;
  int iterations = 0;  // cycles actually run
  double final_origin_energy = 0;
  double max_abs_diff = 0, total_abs_diff = 0, max_rel_diff = 0;  // symmetry check
  double elapsed_s = 0;            // of the time-step loop, as LULESH measured it
  double grind_us_per_domain = 0;  // microseconds per zone per cycle, one domain
  double grind_us_overall = 0;     // the same over all MPI tasks
  double fom_zones_per_s = 0;      // figure of merit: zones updated per second
  std::optional<int> threads;      // "Num threads:", OpenMP builds only
};

// Parses LULESH's standard output. Throws OutputError naming the first missing or
// malformed line; when the run never completed, the message quotes LULESH's last lines
// (an "ERROR: domain.q(...)" abort, say). A FOM that is not a positive finite number is an
// error too: LULESH 2.0.3 overflows 32-bit integers once size^3 x tasks passes 2^31 and
// then prints a negative FOM.
RunReport parse_output(std::string_view text);

}  // namespace lulesh
