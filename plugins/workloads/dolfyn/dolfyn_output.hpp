// SPDX-License-Identifier: MIT
// What Dolfyn's demo script prints, parsed. Each case Dolfyn finishes ends with its
// stopwatch report and a "Done" line, written with Fortran list-directed output:
//
//    *** CONVERGENCE ***   8.92726239E-05
//    ...
//    Watches     :           15 >           6
//    Elapsed time:    8.36350024E-02
//     W L RA         :                             cpu       %
//     1 1 FF *       : Master                   3.096E-02  37.02
//    ...
//    Done wes2
//
// (the end of a real run of Dolfyn 0.527's demo/doit.sh). "Elapsed time" is the CPU time
// of that case (Fortran cpu_time), in seconds.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace dolfyn {

struct OutputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct CaseReport {
  std::string name;  // from "Done <name>"
  double cpu_s = 0;  // its "Elapsed time:"
};

struct DemoReport {
  std::vector<CaseReport> cases;  // in the order they finished
  double cpu_s = 0;               // sum over the cases
};

// Parses the demo script's stdout, `text`; its stderr, `err`, is only searched for
// errors. Throws OutputError when no case finished, when a "Done" line has no "Elapsed
// time" before it, or when Dolfyn reported an error ("*** Error: File x.din does not
// exist") or a diverged solution ("*** DIVERGENCE ***") on either stream: a diverged case
// did other work than the one measured elsewhere.
DemoReport parse_output(std::string_view text, std::string_view err = {});

}  // namespace dolfyn
