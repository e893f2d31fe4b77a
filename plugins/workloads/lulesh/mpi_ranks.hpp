// SPDX-License-Identifier: MIT
// How many MPI ranks LULESH runs on. LULESH decomposes its mesh into a cube of domains,
// so the rank count must be a perfect cube (1, 8, 27, 64, ...). Phoronix's pts/lulesh
// runs the largest cube not above the physical core count, one OpenMP thread per rank;
// "cube" asks for the same here.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

namespace lulesh {

struct RanksError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

bool is_cube(unsigned n);

// The largest k^3 <= n (1 for n <= 1).
unsigned largest_cube_at_most(unsigned n);

// Physical cores: distinct thread-sibling sets of the CPUs listed under `cpu_dir`
// (normally /sys/devices/system/cpu), so SMT siblings count once. 0 when the directory
// says nothing (no topology files).
unsigned physical_cores(const std::filesystem::path& cpu_dir);

// The `ranks` option: "0" (no MPI: one process, OpenMP threads), a positive cube, or
// "cube" (largest cube <= `cores`). Throws RanksError saying what is allowed.
unsigned parse_ranks(const std::string& option, unsigned cores);

}  // namespace lulesh
