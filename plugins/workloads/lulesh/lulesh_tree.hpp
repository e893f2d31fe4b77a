// SPDX-License-Identifier: MIT
// A LULESH 2.0 source tree and how it is built and run. LULESH's own Makefile defaults
// to an MPI compiler wrapper and Livermore paths (MPICXX = mpig++), so the sources are
// compiled directly, as its README allows: every lulesh*.cc in one compiler command,
// with -DUSE_MPI=0 (one process, OpenMP threads) or -DUSE_MPI=1 through mpicxx.
#pragma once

#include <benchlab_common/source_build.hpp>
#include <filesystem>
#include <string>
#include <vector>

namespace lulesh {

namespace fs = std::filesystem;

inline constexpr char kProgramName[] = "lulesh2.0";  // what LULESH's Makefile calls it

// Recognises the 2.0 layout (lulesh.cc, lulesh.h, lulesh-init.cc, lulesh-util.cc, ...)
// and says what to provide.
const source_build::Project& project();

struct BuildSettings {
  bool mpi = false;                // -DUSE_MPI=1 with mpicxx, else -DUSE_MPI=0 with cxx
  std::string cxx = "g++";         // the compiler without MPI
  std::vector<std::string> flags;  // e.g. -O3 -fopenmp
};

// The compiler command run in the staged tree: compiler, flags, -DUSE_MPI=0|1, -I., every
// lulesh*.cc there in name order, -o lulesh2.0, -lm.
std::vector<std::string> compile_argv(const BuildSettings& settings, const fs::path& root);

// The compiler program of the settings: mpicxx or cxx.
std::string compiler(const BuildSettings& settings);

// Cache entry name: the source's content hash and a hash of everything else that changes
// the binary (compiler version line, MPI or not, flags).
std::string build_name(const std::string& source_hash, const std::string& compiler_version,
                       const BuildSettings& settings);

// Stages `source` (directory or tarball) into `dir`/src and compiles it there; writes
// `dir`/BUILD-INFO saying what was built from what. Throws source_build::CannotRun (not
// LULESH) or BuildFailed (compile error).
void build(const source_build::Runner& run, const fs::path& source, const fs::path& dir,
           const BuildSettings& settings, const std::string& compiler_version);

// Where build() leaves the program inside a build directory.
fs::path program_path(const fs::path& build_dir);

// argv of one run: `lulesh2.0 -s SIZE -i ITERATIONS`, behind `mpirun -np RANKS` when
// ranks > 0.
std::vector<std::string> run_argv(const fs::path& program, unsigned ranks, long long size,
                                  long long iterations);

}  // namespace lulesh
